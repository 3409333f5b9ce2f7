"""The generated models: parsing real payloads tolerantly, API <-> Python names, and the field table."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tripletex_connect import catalog, models
from tripletex_connect.models import Customer, CustomerCategory

from ..helpers.shared import OFFICIAL_SPEC_PATH, has_official

ROOT = Path(__file__).resolve().parents[2]

PAYLOAD = {
    "id": 12,
    "version": 3,
    "url": "https://tripletex.no/v2/customer/12",
    "name": "Fjord Consulting AS",
    "organizationNumber": "987654321",
    "email": "post@fjord.no",
    "category1": {"id": 4, "url": "https://tripletex.no/v2/customer/category/4"},
    "postalAddress": None,
    "invoiceSendMethod": "CARRIER_PIGEON",
    "someFieldFromANewerRelease": {"nested": True},
}


def test_generated_models_are_up_to_date_with_the_spec() -> None:
    if not has_official():  # models carry the spec's descriptions, which only the official file has
        pytest.skip(f"official spec not found at {OFFICIAL_SPEC_PATH}; the freshness check of the models skipped")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_models.py"), "--check", "--spec", str(OFFICIAL_SPEC_PATH)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_customer_parses_refs_nulls_and_unknown_fields() -> None:
    customer = models.parse("Customer", PAYLOAD)
    assert isinstance(customer, Customer)
    assert customer.organization_number == "987654321"
    assert isinstance(customer.category1, CustomerCategory) and customer.category1.id == 4
    assert customer.postal_address is None
    assert customer["someFieldFromANewerRelease"] == {"nested": True}


def test_enum_value_outside_the_spec_list_is_kept() -> None:
    assert models.parse("Customer", PAYLOAD).invoice_send_method == "CARRIER_PIGEON"


def test_to_api_dict_gives_camel_case_and_only_set_fields() -> None:
    out = models.to_api_dict(models.parse("Customer", PAYLOAD))
    assert out["organizationNumber"] == "987654321"
    assert out["category1"] == {"id": 4, "url": "https://tripletex.no/v2/customer/category/4"}
    assert "postalAddress" not in out and "phoneNumber" not in out
    assert out["someFieldFromANewerRelease"] == {"nested": True}


def test_models_built_with_python_or_api_names_serialize_alike() -> None:
    by_python = Customer(name="A", organization_number="1", is_private_individual=True)
    by_api = Customer.model_validate({"name": "A", "organizationNumber": "1", "isPrivateIndividual": True})
    assert models.to_api_dict(by_python) == models.to_api_dict(by_api) == {
        "name": "A",
        "organizationNumber": "1",
        "isPrivateIndividual": True,
    }


def test_to_api_dict_of_a_mapping_converts_nested_models() -> None:
    body = {"name": "A", "category1": CustomerCategory(id=2)}
    assert models.to_api_dict(body) == {"name": "A", "category1": {"id": 2}}


def test_unknown_model_name_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="Nope"):
        models.model_for("Nope")


def test_field_table_describes_refs_enums_and_read_only_fields() -> None:
    fields = models.field_types("Customer")
    assert fields["category1"].kind == "ref" and fields["category1"].ref == "CustomerCategory"
    assert "EMAIL" in fields["invoiceSendMethod"].enum
    assert fields["changes"].read_only
    assert models.field_names("Customer")["organizationNumber"] == "organization_number"


def test_every_catalog_model_name_resolves() -> None:
    for name in catalog.model_names():
        if not name.startswith("multipart"):
            assert models.model_for(name).__name__ == name


def test_a_value_of_an_unexpected_type_is_kept_as_sent_instead_of_failing() -> None:
    customer = models.parse("Customer", {**PAYLOAD, "customerNumber": {"surprise": 1}})
    assert customer.customer_number == {"surprise": 1}
    assert customer.name == "Fjord Consulting AS"
    assert models.to_api_dict(customer)["customerNumber"] == {"surprise": 1}


def test_a_null_at_any_depth_reads_as_absent_when_parsed_or_built() -> None:
    raw = {"name": "A", "email": None, "postalAddress": {"city": "Oslo", "addressLine2": None}, "accountManager": None}
    for customer in (models.parse("Customer", raw), Customer.model_validate(raw), Customer(**raw)):
        assert customer.model_fields_set == {"name", "postal_address"}
        assert customer.postal_address is not None and customer.postal_address.model_fields_set == {"city"}
        assert models.to_api_dict(customer) == {"name": "A", "postalAddress": {"city": "Oslo"}}


def test_the_request_id_is_kept_on_the_object_and_ignored_by_equality_copies_and_dumps() -> None:
    customer = models.parse("Customer", PAYLOAD)
    assert customer._request_id is None
    customer._request_id = "abc123"
    assert customer._request_id == "abc123"
    assert customer.category1 is not None and customer.category1._request_id is None  # nested: only the top
    assert customer == models.parse("Customer", PAYLOAD)
    assert customer.model_copy()._request_id == "abc123"
    assert "abc123" not in repr(customer) and "abc123" not in str(models.to_api_dict(customer))


def test_nested_objects_are_validated_in_pydantic_core_not_through_the_python_init() -> None:
    # A Python __init__ per nested object made a parse several times slower; nulls are dropped before anyway.
    assert Customer.__pydantic_custom_init__ is False
    customer = Customer(name="A", postal_address={"city": "Oslo", "country": {"id": 161, "name": None}})
    assert customer.postal_address is not None and customer.postal_address.country is not None
    assert customer.postal_address.country.model_fields_set == {"id"}


def _page_bytes(*values: object) -> bytes:
    return json.dumps({"fullResultSize": len(values), "from": 0, "count": len(values), "values": values}).encode()


def test_a_page_validated_from_bytes_reads_nulls_as_absent_as_a_parsed_object_does() -> None:
    raw = {"name": "A", "email": None, "postalAddress": {"city": "Oslo", "addressLine2": None}, "futureField": None}
    envelope = models.parse_page_json("Customer", _page_bytes(raw))
    assert envelope is not None and envelope["fullResultSize"] == 1
    [customer] = envelope["values"]
    assert customer == models.parse("Customer", raw)
    assert customer.model_fields_set == {"name", "postal_address"}
    assert customer.postal_address is not None and customer.postal_address.model_fields_set == {"city"}
    assert models.to_api_dict(customer) == {"name": "A", "postalAddress": {"city": "Oslo"}}
    assert customer.model_dump_json(exclude_unset=True) == '{"name":"A","postalAddress":{"city":"Oslo"}}'
    assert customer.model_extra == {} and "email" not in repr(customer) and "futureField" not in repr(customer)
    with pytest.raises(KeyError):
        customer["futureField"]


def test_a_page_with_a_value_the_models_do_not_fit_is_left_to_the_tolerant_reader() -> None:
    assert models.parse_page_json("Customer", _page_bytes({"name": "A", "customerNumber": {"surprise": 1}})) is None
    assert models.parse_page_json("Customer", b'{"values": [') is None


def test_a_field_set_to_none_after_building_reads_as_absent_in_the_fields_set_and_dumps() -> None:
    customer = Customer(name="A", email="a@example.no")
    customer.email = None
    assert customer.model_fields_set == {"name"}
    assert models.to_api_dict(customer) == {"name": "A"}


def test_a_null_inside_a_list_is_left_out_when_validating_as_before() -> None:
    customer = Customer.model_validate({"name": "A", "bankAccounts": ["1234", None]})
    assert customer.bank_accounts == ["1234"]


def test_parsing_a_page_leaves_the_cyclic_collector_as_it_found_it() -> None:
    body = _page_bytes({"name": "A"})
    assert gc.isenabled()
    models.parse_page_json("Customer", body)
    assert gc.isenabled()
    gc.disable()
    try:
        models.parse_page_json("Customer", body)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _value_bytes(value: Any) -> bytes:
    return json.dumps({"value": value}).encode()


def test_a_value_validated_from_bytes_reads_nulls_as_absent_as_a_parsed_object_does() -> None:
    raw = {"name": "A", "email": None, "postalAddress": {"city": "Oslo", "addressLine2": None}, "futureField": 1}
    customer = models.parse_value_json("Customer", _value_bytes(raw))
    assert customer is not None and customer == models.parse("Customer", raw)
    assert customer.model_fields_set == {"name", "postal_address"} and customer["futureField"] == 1
    assert models.to_api_dict(customer) == models.to_api_dict(models.parse("Customer", raw))
    assert "email" not in models.to_api_dict(customer)


def test_a_value_the_model_does_not_fit_is_left_to_the_tolerant_reader() -> None:
    assert models.parse_value_json("Customer", _value_bytes({"name": "A", "customerNumber": {"surprise": 1}})) is None
    assert models.parse_value_json("Customer", _value_bytes(None)) is None
    assert models.parse_value_json("Customer", _value_bytes([1, 2])) is None
    assert models.parse_value_json("Customer", b'{"value": {') is None
