"""What importing the package and starting `ttx` load: heavy modules wait until they are used.

Start-up time itself is measured by benchmarks/import_time.py (`make bench`, target P4); this checks in a fresh
interpreter that the modules which made it slow stay out, so the cost cannot come back silently.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Loaded on first use only: the models (pydantic, ~200 classes), every face but the SDK, and stdlib modules
# that cost tens of milliseconds each and only serve async clients, prefetching, profiles or error hints.
NOT_ON_IMPORT: tuple[str, ...] = (
    "pydantic",
    "pydantic_core",
    "tripletex_connect.models",
    "tripletex_connect.models._generated",
    "tripletex_connect.scenario",
    "tripletex_connect.sandbox",
    "tripletex_connect.runtime",
    "tripletex_connect.mcp",
    "asyncio",
    "concurrent.futures",
    "importlib.metadata",
    "difflib",
    "tomllib",
)
# `ttx --help` answers from the catalog: no HTTP stack, client or models (click itself brings difflib).
NOT_ON_HELP: tuple[str, ...] = (
    "pydantic",
    "tripletex_connect.models",
    "tripletex_connect.scenario",
    "tripletex_connect.sandbox",
    "tripletex_connect.runtime",
    "tripletex_connect.mcp",
    "httpx",
    "tripletex_connect.client",
    "tripletex_connect.resources._generated",
)


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    probe = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_importing_the_client_loads_neither_the_models_nor_pydantic_nor_the_other_faces() -> None:
    loaded = loaded_after("from tripletex_connect import AsyncTripletex, Tripletex")
    assert "tripletex_connect.client" in loaded  # the probe really imported the client
    assert sorted(loaded & {*NOT_ON_IMPORT, "tripletex_connect.cli"}) == []


def test_the_models_load_on_first_use() -> None:
    loaded = loaded_after("from tripletex_connect import Tripletex\nfrom tripletex_connect.models import Customer")
    assert {"pydantic", "tripletex_connect.models._generated"} <= loaded


@pytest.mark.parametrize("argv", [["--help"], []])
def test_ttx_help_loads_no_client_models_or_http_stack(argv: list[str]) -> None:
    run = "from tripletex_connect.cli.main import run\ntry:\n    run()\nexcept SystemExit:\n    pass"
    code = f"sys.argv = ['ttx', *{argv!r}]\n{run}"
    loaded = loaded_after(code)
    assert "tripletex_connect.cli.main" in loaded
    assert sorted(loaded & set(NOT_ON_HELP)) == []
