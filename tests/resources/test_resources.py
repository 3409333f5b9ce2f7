"""SDK methods are generated from the catalog with real signatures, docstrings and argument checks."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from tripletex_connect import catalog
from tripletex_connect.core.errors import ParameterError
from tripletex_connect.resources import _generated as gen

ROOT = Path(__file__).resolve().parents[2]


def test_generated_resources_are_up_to_date_with_the_catalog() -> None:
    result = subprocess.run([sys.executable, "scripts/generate_resources.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_exposed_operation_is_a_method_on_both_clients() -> None:
    for resource, ops in catalog.resources().items():
        for is_async, prefix in ((False, ""), (True, "Async")):
            cls = getattr(gen, prefix + "".join(p.capitalize() for p in resource.split("_")))
            for op in ops:
                method = getattr(cls, op.name)
                assert method.operation_key == op.key
                returns_awaitable = inspect.iscoroutinefunction(method)
                assert returns_awaitable == (is_async and not op.paged), op.key


def test_search_signature_lists_the_filters_as_keyword_arguments() -> None:
    sig = inspect.signature(gen.Customers.search)
    params = sig.parameters
    assert params["customer_name"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["customer_name"].default is None
    assert {"limit", "page_size", "fields", "sorting", "is_inactive"} <= set(params)
    assert "from_" not in params and "count" not in params


def test_docstrings_name_the_make_module_and_the_parameters() -> None:
    doc = inspect.getdoc(gen.Customers.search) or ""
    assert 'Make module: "Search Customers"' in doc
    assert "customer_name:" in doc and "limit:" in doc
    assert "GET /customer" in doc


def test_unknown_keyword_gets_a_did_you_mean_error_before_anything_is_sent() -> None:
    resource = gen.Customers(client=None)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="did you mean 'customer_name'"):
        resource.search(customer_nam="Acme")  # type: ignore[call-arg]
