"""`make demo` runs and stops cleanly; the pytest plugin is registered and hands out companies."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_make_demo_runs_the_flow_against_a_seeded_sandbox_and_stops_it(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "COLUMNS": "120"}
    demo = subprocess.run([sys.executable, str(REPO / "examples" / "demo.py")], capture_output=True, text=True,
                          env=env, timeout=120)
    assert demo.returncode == 0, demo.stderr
    out = demo.stdout
    for step in ("Connected as Ola Nordmann", "Nordlys Eiendom AS", "Created customer", "Found it again",
                 "version 0 -> 1", "Customer categories", "Nøkkelkunder", "code 8000", "Sandbox stopped"):
        assert step in out, step
    assert "Traceback" not in demo.stderr
    assert "demo:" in (REPO / "Makefile").read_text() and "examples/demo.py" in (REPO / "Makefile").read_text()


def test_the_pytest_plugin_is_registered_through_an_entry_point() -> None:
    plugins = {ep.value for ep in entry_points(group="pytest11")}
    assert "tripletex_connect.testing" in plugins
