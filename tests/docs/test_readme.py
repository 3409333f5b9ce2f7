"""The README's code is the user's manual: every example runs as shown against the demo company.

Python blocks run in order in one session (as a reader would type them); `ttx` lines of shell blocks run
as commands; blocks holding pytest tests run with pytest in a project of their own. The demo company is an
in-process sandbox seeded like `ttx sandbox serve --seed demo`; TRIPLETEX_BASE_URL and the token variables
point every example at it, as a local `ttx sandbox serve` on port 8000 would be. A block preceded by
`<!-- not run ...: reason -->` is left out (it needs production tokens); `ttx sandbox serve` lines are checked
up to the point where they would start listening, other servers (`ttx serve`, `ttx mcp`, `ttx worker`) by
parsing their command line; a `--loop` runs once (`--max-runs 1`).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import written_on_clock
from tripletex_connect.cli import sandbox_cmd
from tripletex_connect.cli.main import app
from tripletex_connect.core.config import Profile, ProfileStore
from tripletex_connect.sandbox import Sandbox

ROOT = Path(__file__).parents[2]
README = ROOT / "README.md"
_BLOCK = re.compile(r"(?:<!--\s*(?P<skip>not run[^>]*?)\s*-->\s*\n)?^```(?P<lang>\w*)\n(?P<code>.*?)^```", re.S | re.M)
# The files the examples name, as a user would have them beside them.
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\n%%EOF\n"
FILES: dict[str, bytes] = {
    "customer.json": b'{"name": "Fjellstue AS", "email": "post@fjellstue.no"}',
    "scan.pdf": MINIMAL_PDF,
}


@dataclass(frozen=True)
class Block:
    """A fenced code block of the README."""

    lang: str
    code: str
    line: int
    skip: str | None

    @property
    def is_test_module(self) -> bool:
        """A Python block that defines pytest tests (run with pytest, not in the session)."""
        return self.lang == "python" and "def test_" in self.code


def blocks() -> list[Block]:
    """Every fenced code block, with its line number and its `not run` reason if it has one."""
    text = README.read_text(encoding="utf-8")
    return [Block(m["lang"], m["code"], text.count("\n", 0, m.start("code")) + 1, m["skip"])
            for m in _BLOCK.finditer(text)]


def ttx_lines(block: Block) -> Iterator[tuple[int, list[str]]]:
    """The `ttx` command lines of a shell block as argument lists (comments dropped), with their line numbers."""
    for offset, line in enumerate(block.code.splitlines()):
        if line.startswith("ttx "):
            yield block.line + offset, shlex.split(line, comments=True)[1:]


@pytest.fixture
def demo_session(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Sandbox]:
    """A demo company, a profile `work` for it, the example files in the working folder, and env pointing at it."""
    work = tmp_path / "work"
    work.mkdir()
    for name, content in FILES.items():
        (work / name).write_bytes(content)
    (work / "examples").symlink_to(ROOT / "examples")
    (work / "scenarios").symlink_to(ROOT / "examples" / "service")
    monkeypatch.chdir(work)
    monkeypatch.setenv("TRIPLETEX_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("TRIPLETEX_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "120")
    for name in ("COMPANY_ID", "ENV", "PROFILE"):
        monkeypatch.delenv(f"TRIPLETEX_{name}", raising=False)
    monkeypatch.setattr(sandbox_cmd, "_serve_until_stopped", _print_banner_only)
    with Sandbox(seed="demo", memory=True, clock=written_on_clock) as sandbox:
        monkeypatch.setenv("TRIPLETEX_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("TRIPLETEX_CONSUMER_TOKEN", sandbox.consumer_token)
        monkeypatch.setenv("TRIPLETEX_EMPLOYEE_TOKEN", sandbox.employee_token)
        ProfileStore.default().save(Profile(
            name="work", env="local", base_url=sandbox.base_url, consumer_token=sandbox.consumer_token,
            employee_token=sandbox.employee_token, company_id=0,
        ), make_default=True)
        yield sandbox


def _print_banner_only(sandbox: Sandbox) -> None:
    """`ttx sandbox serve` up to the moment it would listen: options checked, the banner printed."""
    try:
        print("\n".join([*sandbox_cmd.banner(sandbox), *sandbox_cmd.network_warning(sandbox)]))
    finally:
        sandbox.store.close()


# Commands that serve until stopped, by their path; `sandbox serve` is run up to its banner instead.
SERVERS = (("mcp",), ("serve",), ("worker",))
_GLOBAL_WITH_VALUE = {"--profile", "-p", "--env", "--base-url", "--company-id", "--output", "-o", "--query"}


def command_path(args: list[str]) -> tuple[str, ...]:
    """The command words of a `ttx` line, after its global options (`--env local mcp --http 1` -> ("mcp",))."""
    words: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            if words:
                break
            skip = arg in _GLOBAL_WITH_VALUE
        else:
            words.append(arg)
    return tuple(words)


def _run_ttx(line: int, args: list[str]) -> None:
    if "--loop" in args and "--max-runs" not in args:
        args = [*args, "--max-runs", "1"]
    if any(command_path(args)[: len(server)] == server for server in SERVERS):
        # Parsed (an unknown option or a missing value fails) but not started: --help ends it after parsing.
        args = [*args, "--help"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"README.md:{line}: ttx {shlex.join(args)}\n{result.stdout}\n{result.stderr}"


def test_every_readme_example_runs_as_shown_against_the_demo_company(demo_session: Sandbox) -> None:
    session: dict[str, Any] = {"__name__": "readme"}
    ran = 0
    for block in blocks():
        if block.skip or block.is_test_module:
            continue
        if block.lang == "python":
            exec(compile(block.code, f"README.md:{block.line}", "exec"), session)
            ran += 1
        elif block.lang == "sh":
            for line, args in ttx_lines(block):
                _run_ttx(line, args)
                ran += 1
    assert ran >= 25
    assert session["invoice"].amount > 0 and session["pdf"].startswith(b"%PDF")


def test_the_readme_test_examples_pass_in_a_project_with_default_pytest_settings(tmp_path: Path) -> None:
    modules = [block for block in blocks() if block.is_test_module and not block.skip]
    assert len(modules) >= 2
    for number, block in enumerate(modules):
        (tmp_path / f"test_readme_{number}.py").write_text(block.code, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    tests = sum(block.code.count("def test_") for block in modules)
    assert f"{tests} passed" in done.stdout


def test_only_blocks_that_need_production_or_run_in_their_own_tests_are_left_out() -> None:
    skipped = [block for block in blocks() if block.skip]
    assert skipped and all("production" in (block.skip or "") or "tests/" in (block.skip or "") for block in skipped)


def test_invoice_examples_say_explicitly_that_nothing_is_sent_to_the_customer() -> None:
    text = README.read_text(encoding="utf-8")
    sdk = re.findall(r"\.orders\.invoice\([^)]*\)", text)
    cli = re.findall(r"ttx orders invoice [^`\n]*", text)
    yaml = re.findall(r"module: order\.invoice\n\s*params: .*", text)
    assert sdk and cli and yaml
    assert all("send_to_customer=False" in call for call in sdk), sdk
    assert all("--no-send-to-customer" in call for call in cli), cli
    assert all("send_to_customer: false" in step for step in yaml), yaml
