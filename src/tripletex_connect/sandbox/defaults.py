"""Defaults of the local sandbox: tokens, port, rate limit; overridable by flags and environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping

CONSUMER_TOKEN = "sandbox-consumer-token"
EMPLOYEE_TOKEN = "sandbox-employee-token"
PORT = 8000
RATE_LIMIT = 10_000
RATE_PERIOD = 60.0


def local_tokens(environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The (consumer, employee) tokens the local sandbox accepts, from the environment or the defaults."""
    env = os.environ if environ is None else environ
    return (
        env.get("TTX_SANDBOX_CONSUMER_TOKEN") or CONSUMER_TOKEN,
        env.get("TTX_SANDBOX_EMPLOYEE_TOKEN") or EMPLOYEE_TOKEN,
    )
