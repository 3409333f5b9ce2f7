"""After `make demo`, running `ttx` is one documented step, and the demo's closing hint works as typed."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).parents[2]


def _demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_example", ROOT / "examples" / "demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hint_activates_the_virtual_environment_when_ttx_is_not_on_path(tmp_path: Path) -> None:
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "activate").write_text("")
    hint = _demo().try_it_command(bin_dir / "python", tmp_path, None)
    assert hint == ". .venv/bin/activate && ttx sandbox serve --seed demo"


def test_the_hint_is_plain_ttx_when_this_environment_s_ttx_is_on_path(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    hint = _demo().try_it_command(bin_dir / "python", tmp_path, str(bin_dir / "ttx"))
    assert hint == "ttx sandbox serve --seed demo"


def test_the_hint_for_this_checkout_runs_when_typed_in_a_shell() -> None:
    bash = shutil.which("bash")
    assert bash is not None
    hint = _demo().try_it_command(Path(sys.executable), ROOT, shutil.which("ttx"))
    assert hint.endswith("ttx sandbox serve --seed demo")
    # --help after the hint: the same command line, parsed and answered without starting a server.
    done = subprocess.run([bash, "-c", hint + " --help"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "Usage: ttx sandbox serve" in done.stdout


def test_the_readme_documents_the_one_step_that_puts_ttx_on_path() -> None:
    top = (ROOT / "README.md").read_text(encoding="utf-8").split("## Contents")[0]
    assert ". .venv/bin/activate" in top
