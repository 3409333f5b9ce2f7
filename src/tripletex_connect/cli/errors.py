"""How the CLI reports failures: one readable paragraph on stderr and an exit code that scripts can test."""

from __future__ import annotations

import os
import sys
import traceback

import typer

from ..core.errors import ConfigurationError, OutcomeUnknownError, ParameterError, TripletexError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
# A write was sent and its answer lost: it may have been applied. Scripts must check, never blindly resend.
EXIT_OUTCOME_UNKNOWN = 3


class CliUsageError(Exception):
    """The user asked for something the CLI cannot do as given (bad JSON, unreadable file, bad option value)."""


class CliFailure(Exception):
    """The command ran but could not finish (for example, no safe place to write a binary answer)."""


def exit_code_for(exc: BaseException) -> int:
    """The exit code: 2 for usage and configuration mistakes, 3 when a write's outcome is unknown, else 1."""
    if isinstance(exc, CliUsageError | ConfigurationError | ParameterError):
        return EXIT_USAGE
    if isinstance(exc, OutcomeUnknownError):
        return EXIT_OUTCOME_UNKNOWN
    return EXIT_FAILURE


def report(message: str) -> None:
    """Write an error paragraph to stderr, prefixed with `Error:`."""
    typer.echo(f"Error: {message}", err=True)


def is_click_signal(exc: BaseException) -> bool:
    """True for Typer's own exceptions (exit, abort, usage errors), which Typer itself must handle."""
    if isinstance(exc, typer.Exit | typer.Abort):
        return True
    # Typer vendors click privately; its usage errors derive from a class named ClickException.
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__)


def exit_for(exc: Exception, *, debug: bool) -> typer.Exit:
    """Report `exc` on stderr and return the Exit to raise; a traceback only for bugs, and only with --debug."""
    if isinstance(exc, BrokenPipeError):
        # The reader went away (`ttx ... | head`): stop quietly, and keep the final flush from complaining.
        _silence_stdout()
        return typer.Exit(EXIT_OK)
    known = isinstance(exc, CliUsageError | CliFailure | TripletexError)
    if debug:
        traceback.print_exc(file=sys.stderr)
    if known:
        report(str(exc))
    else:
        hint = "" if debug else " (run with --debug for the traceback)"
        report(f"unexpected {type(exc).__name__}: {exc}{hint}")
    return typer.Exit(exit_code_for(exc))


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
