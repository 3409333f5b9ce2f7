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
    verbose: bool = False
    debug: bool = False
    scrubber: SecretScrubber = field(default_factory=SecretScrubber, repr=False)

    def writer(self, output: OutputFormat | None = None) -> Writer:
        """A Writer for this command: its own `-o`, else the global one, else by whether stdout is a terminal."""
        out, err = sys.stdout, sys.stderr
        return Writer(output or self.output or default_format(out), out, err)

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
        """Send tripletex_connect's logs to stderr (INFO with --verbose, DEBUG with --debug) for this run."""
        if not (self.verbose or self.debug):
            return
        logger = logging.getLogger(LOGGER_NAME)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(self.scrubber)
        previous = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if self.debug else logging.INFO)

        def stop() -> None:
            logger.removeHandler(handler)
            logger.setLevel(previous)

        ctx.call_on_close(stop)


def state_of(ctx: typer.Context) -> CliState:
    """The CliState of this run (the defaults when a command runs without the root callback)."""
    state = ctx.find_object(CliState)
    return state if state is not None else CliState()
