"""Serving companies without a module (logistics): the `Sandbox` argument, the pytest marker, and the errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tripletex_connect import PermissionDeniedError, Tripletex
from tripletex_connect.sandbox import Sandbox, SandboxCompany

pytest_plugins = ("pytester",)


def lacks_logistics(tx: Tripletex) -> bool:
    """Whether logistics operations answer 403 while products still work."""
    assert tx.products.create({"name": "Kaffe"}).id
    try:
        tx.logistics_settings.get()
    except PermissionDeniedError:
        return True
    return False


def test_a_sandbox_made_without_logistics_serves_every_company_without_it_unless_told_otherwise() -> None:
    with Sandbox(modules_off=["logistics"]) as sandbox, Tripletex.for_sandbox(sandbox) as main:
        assert lacks_logistics(main)
        with Tripletex.for_sandbox(sandbox.new_company()) as without:
            assert lacks_logistics(without)
        with Tripletex.for_sandbox(sandbox.new_company(modules_off=[])) as full:
            assert not lacks_logistics(full)


def test_a_sandbox_refuses_an_unknown_module_name_and_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown module 'warp'.*: logistics"):
        Sandbox(modules_off=["warp"])
    sandbox = Sandbox()
    try:
        with pytest.raises(ValueError, match="unknown module 'warp'"):
            sandbox.new_company(modules_off=["warp"])
    finally:
        sandbox.stop()


def test_a_stored_main_company_follows_the_modules_of_each_start(tmp_path: Path) -> None:
    db = tmp_path / "books.sqlite3"
    for off, lacking in ((["logistics"], True), ([], False)):
        with Sandbox(db=db, memory=False, modules_off=off) as sandbox, Tripletex.for_sandbox(sandbox) as tx:
            assert lacks_logistics(tx) is lacking


@pytest.mark.tripletex_sandbox(modules_off=["logistics"])
def test_the_fixture_marker_gives_a_company_without_logistics(tripletex_sandbox: SandboxCompany) -> None:
    assert lacks_logistics(tripletex_sandbox.client)


def test_the_fixture_marker_is_registered_for_strict_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest
        from tripletex_connect import PermissionDeniedError

        @pytest.mark.tripletex_sandbox(modules_off=["logistics"])
        def test_without(tripletex_sandbox):
            with pytest.raises(PermissionDeniedError):
                tripletex_sandbox.client.logistics_settings.get()

        def test_with(tripletex_sandbox):
            assert tripletex_sandbox.client.logistics_settings.get().id
    """)
    result = pytester.runpytest_inprocess("--strict-markers", "-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=2)
