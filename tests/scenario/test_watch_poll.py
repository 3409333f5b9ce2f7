"""`ttx run` of a watch (and each round of `--loop`): an idle poll is one request answered 304."""

from __future__ import annotations

from collections.abc import Callable

from tests.helpers.traffic import logged_client
from tripletex_connect.sandbox import SandboxCompany
from tripletex_connect.scenario import Scenario, run_scenario

from .test_triggers import WATCH, names


def test_an_idle_watch_run_is_one_conditional_request_answered_304_and_a_change_is_still_seen(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    client, traffic = logged_client(tripletex_sandbox)
    try:
        sc = scenario(WATCH.format(start="now"))
        run_scenario(sc, client)
        traffic.take()
        for _ in range(3):
            assert run_scenario(sc, client).runs == []
        assert [(s.method, s.path, s.status) for s in traffic.take()] == [("GET", "/v2/customer", 304)] * 3
        names(tripletex_sandbox, "New AS")
        assert run_scenario(sc, client).output == ["New AS"]
        run_scenario(sc, client)  # the run changed the newest customer's version: a new digest
        traffic.take()
        assert run_scenario(sc, client).runs == []
        assert [s.status for s in traffic.take()] == [304]
    finally:
        traffic.close()


def test_a_watch_from_all_over_an_empty_list_is_idle_at_once(
    tripletex_sandbox: SandboxCompany, scenario: Callable[[str], Scenario]
) -> None:
    client, traffic = logged_client(tripletex_sandbox)
    try:
        sc = scenario(WATCH.format(start="all"))
        assert run_scenario(sc, client).runs == []
        traffic.take()
        assert run_scenario(sc, client).runs == []
        assert [s.status for s in traffic.take()] == [304]
    finally:
        traffic.close()
