"""`ttx` reads the ledger's reference data, the general ledger and the company's reference data from the sandbox."""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest

from tests.cli.sandbox_cli import ttx_json
from tests.sandbox.test_ledger_reads import paid_invoice
from tripletex_connect.sandbox import SandboxCompany

# Per group: commands run in order (`$id` is the first id the previous command printed) and a text the last
# command's output must contain.
GROUPS: dict[str, tuple[list[str], str]] = {
    "Ledgers": (["ledgers search --date-from 2026-11-01 --date-to 2026-12-01 --fields account(number),sumAmount"],
                '"number": 3000'),
    "Ledger Voucher Types": (["voucher-types search --name faktura", "voucher-types get $id"], "faktura"),
    "Ledger Accounting Periods": (["accounting-periods search --number-from 12 --number-to 13",
                                   "accounting-periods get $id"], "Desember"),
    "Ledger Annual Accounts": (["annual-accounts search --year-from 2000", "annual-accounts get $id"], '"year"'),
    "Ledger Close Groups": (["close-groups search --date-from 2026-11-01 --date-to 2026-12-01",
                             "close-groups get $id"], "2026-11-25"),
    "Currencies": (["currencies search --code NOK", "currencies get $id"], '"code": "NOK"'),
    "Countries": (["countries search --code NO", "countries get $id"], '"isoAlpha2Code": "NO"'),
    "Departments": (["departments search --name avdeling", "departments get $id"], "Avdeling 1"),
    "Activities": (["activities search --is-project-activity", "activities get $id"], "Prosjektarbeid"),
}
# The ledger groups here are left out of the sales CLI table (test_sales_cli.py).
LEDGER_READS = {group for group in GROUPS if group.startswith("Ledger")}


def run(company: SandboxCompany, command: str) -> str:
    """Run one `ttx` command against the sandbox company as JSON; fail on a non-zero exit."""
    result = ttx_json(company, shlex.split(command))
    assert result.exit_code == 0, f"ttx {command}: {result.stderr}"
    return result.stdout


@pytest.mark.parametrize("group", GROUPS)
def test_every_reference_group_reads_in_the_cli(tripletex_sandbox: SandboxCompany, group: str) -> None:
    paid_invoice(tripletex_sandbox.client)
    commands, expected = GROUPS[group]
    output, found = "", None
    for command in commands:
        output = run(tripletex_sandbox, command.replace("$id", str(found)))
        value: Any = json.loads(output)
        first = value[0] if isinstance(value, list) and value else value
        found = first.get("id") if isinstance(first, dict) else None
    assert expected in json.dumps(json.loads(output), ensure_ascii=False)


def test_the_cli_table_covers_every_read_only_group_of_the_catalog() -> None:
    from tripletex_connect import catalog

    groups = {op.group for module in (catalog.reference, catalog.ledger) for op in module.OPERATIONS
              if all(o.kind.value in ("get", "search") for o in catalog.groups()[op.group])}
    assert groups <= set(GROUPS) | {"Ledger Postings"}
    assert set(GROUPS) - groups <= {"Activities"}  # activities are read here too, though POST /activity creates them
