"""The suite's own sandbox: the plugin's server, on a calendar that starts on the day the tests were written.

The tests use dates of November 2026 (orders, hours, vouchers); on the real calendar those would one day
fall in a closed year. The clock starts at WRITTEN_ON and runs at real speed, so order in time still holds.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tripletex_connect.sandbox.server import Sandbox
from tripletex_connect.sandbox.tenancy import OSLO

from .browser import open_chromium

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

WRITTEN_ON = dt.datetime(2026, 11, 25, 9, 0, tzinfo=OSLO)


def written_on_clock() -> dt.datetime:
    """Oslo time as if the suite were running on WRITTEN_ON, advancing with the real clock."""
    return WRITTEN_ON + dt.timedelta(seconds=time.monotonic() - _STARTED)


_STARTED = time.monotonic()


@pytest.fixture(scope="session")
def tripletex_sandbox_server() -> Iterator[Sandbox]:
    """The plugin's session-wide sandbox, on the suite's calendar."""
    with Sandbox(memory=True, clock=written_on_clock) as sandbox:
        yield sandbox


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[WebDriver]:
    """A headless Chromium (Selenium WebDriver) with a fresh profile; skips when Chromium is not installed."""
    with open_chromium(tmp_path / "chromium-profile") as driver:
        yield driver
