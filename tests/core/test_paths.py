"""The raw API call accepts only paths under the connection's base URL."""

from __future__ import annotations

import pytest

from tripletex_connect.core.errors import UnsafePathError
from tripletex_connect.core.paths import split_api_path


@pytest.mark.parametrize(
    ("given", "path"),
    [
        ("/customer", "/customer"),
        ("customer/1", "/customer/1"),
        ("/invoice/1/:send", "/invoice/1/:send"),
        ("/token/session/>whoAmI", "/token/session/>whoAmI"),
        ("/v2/customer/5", "/customer/5"),
        ("/ledger/voucher/historical/1/attachment", "/ledger/voucher/historical/1/attachment"),
    ],
)
def test_relative_paths_are_accepted(given: str, path: str) -> None:
    assert split_api_path(given)[0] == path


def test_a_query_in_the_path_is_split_into_parameters() -> None:
    path, query = split_api_path("/customer?customerName=Acme&count=5")
    assert path == "/customer"
    assert query == [("customerName", "Acme"), ("count", "5")]


@pytest.mark.parametrize(
    "given",
    [
        "https://evil.example/v2/customer",
        "http://127.0.0.1:9/v2/customer",
        "//evil.example/customer",
        "javascript:alert(1)",
        "/../admin",
        "/customer/../../etc/passwd",
        "/customer/%2e%2e/%2e%2e/x",
        "/customer/%252e%252e/x",
        "/customer\\..\\x",
        "/customer#frag",
        "/customer/https://evil.example/x",
        "/customer/https%3A%2F%2Fevil.example",
        "/customer /x",
        "",
    ],
)
def test_absolute_escaping_and_malformed_paths_are_refused(given: str) -> None:
    with pytest.raises(UnsafePathError):
        split_api_path(given)
