"""Sessions and authentication as the real API does them."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from tripletex_connect.sandbox.defaults import CONSUMER_TOKEN
from tripletex_connect.sandbox.tenancy import OSLO

from .conftest import Api


def create(api: Api, **params: str) -> object:
    query = {"consumerToken": CONSUMER_TOKEN, "employeeToken": api.company.employee_token,
             "expirationDate": "2026-11-27", **params}
    return api.http.put("/v2/token/session/:create", params=query)


def test_a_session_is_created_with_the_envelope_of_the_real_api(api: Api) -> None:
    answer = create(api)
    value = answer.json()["value"]
    assert answer.status_code == 200
    assert {"id", "version", "token", "expirationDate"} <= set(value)
    assert value["expirationDate"] == "2026-11-27"


def test_a_datetime_expiration_date_is_accepted(api: Api) -> None:
    assert create(api, expirationDate="2026-11-27T10:00:00").status_code == 200


def test_an_unknown_consumer_token_is_refused_like_a_token_of_the_wrong_environment(api: Api) -> None:
    answer = create(api, consumerToken="production-token")
    body = answer.json()
    assert (answer.status_code, body["code"]) == (422, 18000)
    assert body["validationMessages"][0]["field"] == "arg:consumerToken"


def test_an_unknown_employee_token_is_refused_on_its_field(api: Api) -> None:
    body = create(api, employeeToken="nope").json()
    assert [m["field"] for m in body["validationMessages"]] == ["arg:employeeToken"]


@pytest.mark.parametrize("date", ["2026-11-25", "2026-11-25T23:59:00", "2026-11-24", "2020-01-01"])
def test_a_session_asked_for_today_or_earlier_is_refused_because_it_would_be_born_expired(
    api: Api, date: str
) -> None:
    answer = create(api, expirationDate=date)
    assert answer.status_code == 422
    assert answer.json()["validationMessages"][0]["field"] == "arg:expirationDate"


UNKNOWN_SESSION = "Basic " + base64.b64encode(b"0:nope").decode()


@pytest.mark.parametrize("authorization", [None, "Bearer x", "Basic %%%", UNKNOWN_SESSION])
def test_a_request_without_valid_auth_is_401_code_3000(api: Api, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    answer = api.http.get("/v2/customer", headers=headers)
    assert (answer.status_code, answer.json()["code"]) == (401, 3000)


def test_tokens_missing_altogether_are_refused_on_both_fields(api: Api) -> None:
    answer = api.http.put("/v2/token/session/:create", params={"expirationDate": "2026-11-27"})
    body = answer.json()
    assert (answer.status_code, body["code"]) == (422, 18000)
    assert [m["field"] for m in body["validationMessages"]] == ["arg:consumerToken", "arg:employeeToken"]


def test_a_session_expires_at_the_oslo_midnight_its_date_begins(api: Api) -> None:
    api.clock.now = dt.datetime(2026, 11, 26, 23, 59, tzinfo=OSLO)
    assert api.get("/customer").status_code == 200
    api.clock.now = dt.datetime(2026, 11, 27, 0, 0, tzinfo=OSLO)
    answer = api.get("/customer")
    assert (answer.status_code, answer.json()["code"]) == (401, 3000)


def test_a_deleted_session_is_refused(api: Api) -> None:
    token = base64.b64decode(api.auth["Authorization"][6:]).decode().split(":", 1)[1]
    assert api.http.delete(f"/v2/token/session/{token}", headers=api.auth).status_code == 204
    assert api.get("/customer").status_code == 401


def test_whoami_names_the_employee_and_company(api: Api) -> None:
    value = api.get("/token/session/>whoAmI", fields="*,company(name)").json()["value"]
    assert value["companyId"] == api.company.company_id
    assert value["employeeId"] == api.company.employee_id
    assert value["company"]["name"]


def test_company_zero_is_the_own_company_and_the_client_company_is_reachable_by_id(api: Api) -> None:
    client_id = api.company.client_company_id
    listed = api.get("/company/>withLoginAccess").json()["values"]
    assert [c["id"] for c in listed] == [client_id]
    as_client = api.session(company=client_id or 0)
    who = api.http.get("/v2/token/session/>whoAmI", headers=as_client).json()["value"]
    assert who["companyId"] == client_id


def test_any_other_company_id_is_403_code_9000(api: Api) -> None:
    other = api.backend.new_company()
    answer = api.http.get("/v2/customer", headers=api.session(company=other.company_id))
    assert (answer.status_code, answer.json()["code"]) == (403, 9000)


def test_data_of_one_company_is_never_visible_from_another(api: Api) -> None:
    created = api.http.post("/v2/customer", json={"name": "Hemmelig AS"}, headers=api.auth).json()["value"]
    other = api.backend.new_company()
    other_auth = api.session(employee_token=other.employee_token)
    assert api.http.get(f"/v2/customer/{created['id']}", headers=other_auth).status_code == 404
    names = [c["name"] for c in api.http.get("/v2/customer", headers=other_auth).json()["values"]]
    assert "Hemmelig AS" not in names
