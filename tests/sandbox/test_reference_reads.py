"""A company's reference data outside the ledger (currencies, countries, departments, activities) read through
the SDK against the sandbox fixture: get by id and searches that filter."""

from __future__ import annotations

from tripletex_connect.sandbox import SandboxCompany


def test_currency_search_by_code_finds_nok_and_get_reads_one(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    nok = tx.currencies.search(code="NOK").to_list()
    assert [(c.code, c.factor) for c in nok] == [("NOK", 1)]
    assert {c.code for c in tx.currencies.search(code="EUR,SEK")} == {"EUR", "SEK"}
    assert tx.currencies.get(nok[0].id, fields="code,description").description == "Norske kroner"


def test_country_search_by_code_finds_norway_and_nothing_is_disabled(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    norway = tx.countries.search(code="NO").to_list()
    assert [(c.name, c.iso_alpha3_code) for c in norway] == [("Norge", "NOR")]
    assert tx.countries.get(norway[0].id).iso_numeric_code == "578"
    assert tx.countries.search(is_disabled=True).to_list() == []
    assert len(tx.countries.search(is_disabled=False).to_list()) == len(tx.countries.search().to_list()) > 10


def test_department_search_filters_by_name_number_and_inactive(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    found = tx.departments.search(name="avdeling", department_number="1", is_inactive=False).to_list()
    assert [d.name for d in found] == ["Avdeling 1"]
    assert tx.departments.get(found[0].id).department_number == "1"
    assert tx.departments.search(is_inactive=True).to_list() == []
    assert tx.departments.search(name="salg").to_list() == []


def test_activity_search_filters_project_general_and_chargeable_activities(tripletex_sandbox: SandboxCompany) -> None:
    tx = tripletex_sandbox.client
    project = {a.name for a in tx.activities.search(is_project_activity=True)}
    assert project == {"Prosjektarbeid", "Møter"}
    general = {a.name for a in tx.activities.search(is_general=True, is_chargeable=False)}
    assert general == {"Administrasjon", "Reise", "Ferie", "Sykdom"}
    assert tx.activities.search(is_task=True).to_list() == []
    assert [a.name for a in tx.activities.search(number="3", is_inactive=False)] == ["Reise"]
    assert tx.activities.get(2).activity_type == "PROJECT_GENERAL_ACTIVITY"


async def test_reference_reads_through_the_async_sdk(tripletex_sandbox: SandboxCompany) -> None:
    atx = tripletex_sandbox.async_client()
    try:
        codes = [c.code async for c in atx.currencies.search(code="NOK")]
        country = await atx.countries.get(1)
        departments = [d.name async for d in atx.departments.search()]
        activity = await atx.activities.get(1)
    finally:
        await atx.aclose()
    assert codes == ["NOK"] and country.iso_alpha2_code == "NO"
    assert departments == ["Avdeling 1"] and activity.name == "Administrasjon"
