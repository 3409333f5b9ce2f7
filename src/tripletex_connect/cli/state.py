"""The global options of one `ttx` run and what follows from them: the client, logging, the output format."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

from ..core.redact import Redactor
from .output import OutputFormat, Writer, default_format

if TYPE_CHECKING:
    from ..client import Tripletex

LOGGER_NAME = "tripletex_connect"
HTTP_LOGGER_NAME = "tripletex_connect.http"


class SecretScrubber(logging.Filter):
    """A last line of defence on the CLI's log handler: masks known secret values in every record."""

    def __init__(self) -> None:
        super().__init__()
        self.redactor = Redactor()

    def add(self, *secrets: str) -> None:
        """Mask these values too (values too short to mask safely are masked only where named as tokens)."""
        self.redactor.add(*secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """Let the record through with every known secret masked."""
        record.msg, record.args = self.redactor.scrub(record.getMessage()), None
        return True


@dataclass
class CliState:
    """Global options given before the command (`ttx --profile work -o csv customers search`)."""

    profile: str | None = None
    env: str | None = None
    base_url: str | None = None
    company_id: int | None = None
    output: OutputFormat | None = None
    query: str | None = None
    verbose: bool = False
    debug: bool = False
    scrubber: SecretScrubber = field(default_factory=SecretScrubber, repr=False)

    def writer(self, output: OutputFormat | None = None, *, fields: str | None = None) -> Writer:
        """A Writer for this command: its own `-o`, else the global one, else by whether stdout is a terminal.

        `fields` (the command's `--fields`) fixes columns and key order; the global `--query` reshapes the result.
        """
        out, err = sys.stdout, sys.stderr
        return Writer(output or self.output or default_format(out), out, err, fields=fields, query=self.query)

    def client(self, ctx: typer.Context, **overrides: Any) -> Tripletex:
        """A client from the global options (overridable, e.g. `profile=`), closed when the command ends."""
        from ..client import Tripletex

        options: dict[str, Any] = {
            "profile": self.profile,
            "env": self.env,
            "base_url": self.base_url,
            "company_id": self.company_id,
        }
        options.update(overrides)
        tx = Tripletex(**options)
        self.scrubber.add(tx.settings.consumer_token.reveal(), tx.settings.employee_token.reveal())
        ctx.call_on_close(tx.close)
        return tx

    def start_logging(self, ctx: typer.Context) -> None:
        """Log to stderr for this run: with --verbose each request (method, path, status, time, request id) and
        each retry; with --debug everything. Secrets are masked."""
        if not (self.verbose or self.debug):
            return
        logger = logging.getLogger(LOGGER_NAME)
        # The transport logs each request at DEBUG on its own logger; --verbose shows those lines too.
        http = logging.getLogger(HTTP_LOGGER_NAME)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(self.scrubber)
        previous = logger.level, http.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if self.debug else logging.INFO)
        http.setLevel(logging.DEBUG)

        def stop() -> None:
            logger.removeHandler(handler)
            logger.setLevel(previous[0])
            http.setLevel(previous[1])

        ctx.call_on_close(stop)


def state_of(ctx: typer.Context) -> CliState:
    """The CliState of this run (the defaults when a command runs without the root callback)."""
    state = ctx.find_object(CliState)
    return state if state is not None else CliState()
