"""A worker pays its first-use costs (the client's modules, the models' answer parsers) before it polls."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tripletex_connect import models
from tripletex_connect.cli.main import app
from tripletex_connect.core.errors import ConfigurationError
from tripletex_connect.runtime import temporal
from tripletex_connect.runtime.temporal_calls import warm_up


def test_warm_up_builds_the_answer_parsers_so_the_first_answer_builds_none() -> None:
    models._page_adapter.cache_clear()
    models._value_adapter.cache_clear()
    warm_up(["Project"])
    built = models._page_adapter.cache_info().misses
    page = models.parse_page_json("Project", b'{"fullResultSize": 0, "from": 0, "values": []}')
    assert page is not None and page["values"] == []
    assert models._page_adapter.cache_info().misses == built == 1
    assert models._value_adapter.cache_info().currsize == 1


def test_a_warm_worker_warms_up_before_it_connects_and_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[str] = []
    monkeypatch.setattr(temporal, "warm_up", lambda: steps.append("warm"))

    async def refuse(target: str, namespace: str = "default") -> Any:
        steps.append("connect")
        raise ConfigurationError("no server in this test")

    monkeypatch.setattr(temporal, "connect", refuse)
    for warm in (True, False):
        with pytest.raises(ConfigurationError):
            asyncio.run(temporal.run_worker("127.0.0.1:1", warm=warm))
    assert steps == ["warm", "connect", "connect"]


def test_ttx_worker_warms_up_unless_told_not_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    asked: list[bool] = []

    async def run_worker(*args: Any, warm: bool = False, **kwargs: Any) -> None:
        asked.append(warm)

    monkeypatch.setattr(temporal, "run_worker", run_worker)
    for flags in ([], ["--no-warm"]):
        result = CliRunner().invoke(app, ["worker", "--temporal", "127.0.0.1:1", "--db", str(tmp_path / "runs.sqlite3"),
                                          *flags])
        assert result.exit_code == 0, result.output
    assert asked == [True, False]


def test_warm_up_evaluates_a_scenario_up_to_its_first_call_so_the_loader_and_runner_are_ready() -> None:
    from tripletex_connect.runtime.temporal_calls import WARM_UP_SCENARIO
    from tripletex_connect.runtime.temporal_driver import scenario_of

    warm_up([])
    assert scenario_of("<warm-up>", WARM_UP_SCENARIO, {}).name == "warm-up"  # parsed, and valid for this catalog


def test_a_scenario_is_parsed_once_when_many_workflow_tasks_ask_for_it_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    from tripletex_connect.runtime import temporal_driver

    parses: list[str] = []
    gate = threading.Barrier(4)
    real = temporal_driver.load_scenario

    def counted(source: str, **options: Any) -> Any:
        parses.append(source)
        time.sleep(0.05)  # a parse long enough for the other threads to arrive while it runs
        return real(source, **options)

    monkeypatch.setattr(temporal_driver, "load_scenario", counted)
    text = "name: herd\nsteps:\n  - id: one\n    module: customer.search\n    params: {fields: id}\n"

    def parse() -> None:
        gate.wait()
        temporal_driver.scenario_of("herd.yaml", text, {})

    threads = [threading.Thread(target=parse) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert parses == ["herd.yaml"]
