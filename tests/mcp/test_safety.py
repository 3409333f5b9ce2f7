"""Safe by default: write groups, confirmation tokens (single use, bound, expiring) and masked audit entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from tripletex_connect import catalog
from tripletex_connect.mcp.audit import MASK, JsonlAuditLog, mask
from tripletex_connect.mcp.safety import Confirmations, SafetyError, WritePolicy, parse_groups
from tripletex_connect.mcp.tools import catalog_tools, group_of, tool_name, write_groups


def test_allow_writes_takes_all_or_a_comma_list_of_groups_and_refuses_unknown_ones() -> None:
    assert parse_groups(None) == frozenset()
    assert parse_groups("all") == parse_groups("") == frozenset(write_groups())
    assert parse_groups("sales, Hours") == {"sales", "hours"}
    with pytest.raises(SafetyError, match=r"unknown write group.*salse"):
        parse_groups("salse")


def test_every_catalog_operation_has_a_write_group() -> None:
    assert write_groups() == ("sales", "products", "ledger", "reference", "projects", "hours", "events", "api")
    assert {group_of(op.key) for op in catalog.all_operations()} == set(write_groups())
    assert group_of("order.invoice") == "sales" and group_of("voucher.reverse") == "ledger"
    assert group_of("monthly_timesheet.approve") == "hours"


def test_a_refusal_says_how_to_enable_the_group() -> None:
    message = WritePolicy(frozenset({"sales"})).refusal("voucher_create", "ledger")
    assert "writes enabled only for sales" in message and "`ttx mcp --allow-writes ledger`" in message


def test_a_confirmation_token_is_single_use_bound_to_its_arguments_and_expires() -> None:
    now = [0.0]
    confirmations = Confirmations(ttl=60, clock=lambda: now[0])
    token = confirmations.issue("customer_delete", {"id": 1})
    assert "other arguments" in (confirmations.redeem(token, "customer_delete", {"id": 2}) or "")
    assert "other arguments" in (confirmations.redeem(token, "product_delete", {"id": 1}) or "")
    assert confirmations.redeem(token, "customer_delete", {"id": 1}) is None
    assert "used already" in (confirmations.redeem(token, "customer_delete", {"id": 1}) or "")
    late = confirmations.issue("customer_delete", {"id": 1})
    now[0] = 61.0
    assert "expired" in (confirmations.redeem(late, "customer_delete", {"id": 1}) or "")


def test_audit_arguments_hide_secret_named_keys_and_known_secret_values() -> None:
    masked = mask({"confirmation_token": "confirm-x", "body": {"note": "key s3cret-value", "password": "p"}},
                  ["s3cret-value"])
    assert masked == {"confirmation_token": MASK, "body": {"note": f"key {MASK}", "password": MASK}}


def test_tool_names_are_catalog_keys_in_the_mcp_name_charset_and_unique() -> None:
    names = list(catalog_tools())
    assert tool_name("customer.search") == "customer_search"
    assert len(names) == len(set(names)) and all(name.replace("_", "").isalnum() for name in names)
    assert "session_create" not in names and "session_delete" not in names


def test_the_jsonl_audit_log_appends_owner_only_entries_with_a_time(tmp_path: Path) -> None:
    log = JsonlAuditLog(tmp_path / "audit" / "mcp.jsonl")
    log.record({"tool": "customer_search", "outcome": "ok"})
    log.record({"tool": "customer_create", "outcome": "refused"})
    entries = [(e["tool"], e["outcome"]) for e in log.read()]
    assert entries == [("customer_search", "ok"), ("customer_create", "refused")]
    assert all(e["time"] for e in log.read()) and (log.path.stat().st_mode & 0o777) == 0o600
