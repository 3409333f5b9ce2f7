"""The reference data of a new company: complete, consistent, and in the API's shape."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tripletex_connect.models import field_types
from tripletex_connect.sandbox.reference import BANK_ACCOUNT, company_reference, demo_seed, is_valid_norwegian_account

REFERENCE = company_reference(2026)


@pytest.mark.parametrize("model", sorted({*REFERENCE, *demo_seed()}))
def test_every_field_exists_in_the_spec_schema_and_ids_are_unique(model: str) -> None:
    objects = REFERENCE.get(model, []) + demo_seed().get(model, [])
    known = set(field_types(model))
    for obj in objects:
        assert set(obj) <= known, f"{model}: {set(obj) - known}"
    reference_ids = [o["id"] for o in REFERENCE.get(model, [])]
    assert len(reference_ids) == len(set(reference_ids))


def test_references_point_to_existing_objects() -> None:
    data = {model: {o["id"] for o in objs} for model, objs in REFERENCE.items()}
    for model, objects in {**REFERENCE, **demo_seed()}.items():
        specs = field_types(model)
        for obj in objects:
            for name, value in obj.items():
                if specs[name].kind == "ref" and isinstance(value, dict) and specs[name].ref in data:
                    assert value["id"] in data[specs[name].ref], f"{model}.{name} -> {value}"


def test_the_standard_accounts_and_vat_types_are_there() -> None:
    accounts = {a["number"]: a for a in REFERENCE["Account"]}
    assert accounts[1500]["name"] == "Kundefordringer" and accounts[1500]["ledgerType"] == "CUSTOMER"
    assert accounts[2400]["ledgerType"] == "VENDOR" and accounts[1920]["isBankAccount"]
    assert {1209, 1249, 1259, 1700, 1720, 2700, 2710, 2900, 3000, 4000, 5000, 6010, 6300, 7700, 8060, 8160,
            8800} <= set(accounts)
    vat = {v["number"]: v["percentage"] for v in REFERENCE["VatType"]}
    assert {k: vat[k] for k in ("0", "1", "11", "13", "3", "31", "33", "5", "6")} == {
        "0": 0.0, "1": 25.0, "11": 15.0, "13": 12.0, "3": 25.0, "31": 15.0, "33": 12.0, "5": 0.0, "6": 0.0}


def test_accounting_periods_cover_three_years_without_gaps_or_overlaps() -> None:
    periods = sorted(REFERENCE["AccountingPeriod"], key=lambda p: p["start"])
    assert len(periods) == 36
    assert periods[0]["start"] == "2025-01-01" and periods[-1]["end"] == "2028-01-01"
    for before, after in itertools.pairwise(periods):
        assert before["end"] == after["start"]
        assert dt.date.fromisoformat(before["start"]) < dt.date.fromisoformat(before["end"])
    assert [a["year"] for a in REFERENCE["AnnualAccount"]] == [2025, 2026, 2027]


def test_the_demo_bank_account_number_passes_mod_11_and_a_wrong_digit_fails() -> None:
    assert is_valid_norwegian_account(BANK_ACCOUNT)
    assert not is_valid_norwegian_account(BANK_ACCOUNT[:-1] + str((int(BANK_ACCOUNT[-1]) + 1) % 10))
    assert not is_valid_norwegian_account("1234")


def test_reference_data_is_deterministic() -> None:
    assert company_reference(2026) == REFERENCE
