"""Defaults of the local sandbox: tokens, port, rate limit; overridable by flags and environment variables.

`ttx sandbox serve` writes the tokens it accepts to a small state file while it runs, so that
`ttx connect add --env local` picks them up even when they were given as flags.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

CONSUMER_TOKEN = "sandbox-consumer-token"
EMPLOYEE_TOKEN = "sandbox-employee-token"
PORT = 8000
RATE_LIMIT = 10_000
RATE_PERIOD = 60.0
ENV_CONSUMER, ENV_EMPLOYEE = "TTX_SANDBOX_CONSUMER_TOKEN", "TTX_SANDBOX_EMPLOYEE_TOKEN"


def state_path() -> Path:
    """Where a running `ttx sandbox serve` records its base URL and tokens (the user data dir)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("tripletex-connect")) / "sandbox-running.json"


def write_state(path: Path, base_url: str, consumer: str, employee: str) -> None:
    """Record the running sandbox (readable by the user only: it holds tokens)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"base_url": base_url, "consumer_token": consumer, "employee_token": employee,
                       "pid": os.getpid()})
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)


def read_state(path: Path) -> dict[str, str] | None:
    """The record of the running sandbox; None when there is none or its process is gone."""
    try:
        state = json.loads(path.read_text())
        os.kill(int(state["pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {k: str(v) for k, v in state.items()} if isinstance(state, dict) else None


def configured_tokens(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The (consumer, employee) tokens a new sandbox accepts: from the environment, else the defaults."""
    env = os.environ if environ is None else environ
    return env.get(ENV_CONSUMER) or CONSUMER_TOKEN, env.get(ENV_EMPLOYEE) or EMPLOYEE_TOKEN


def local_tokens(environ: Mapping[str, str] | None = None, state: Path | None = None) -> tuple[str, str]:
    """The (consumer, employee) tokens of the local sandbox: environment, else the running one's, else defaults."""
    env = os.environ if environ is None else environ
    running = read_state(state or state_path()) or {}
    return (
        env.get(ENV_CONSUMER) or running.get("consumer_token") or CONSUMER_TOKEN,
        env.get(ENV_EMPLOYEE) or running.get("employee_token") or EMPLOYEE_TOKEN,
    )
