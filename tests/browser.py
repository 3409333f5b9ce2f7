"""Headless Chromium for page tests: Debian's /usr/bin/chromium driven by its /usr/bin/chromedriver through
Selenium. `chromium(tmp_path)` yields a driver or skips the test (with the reason) when either is missing.

Use the `chromium` fixture (tests/conftest.py), or `open_chromium` directly:

    def test_page(chromium, ...):
        chromium.get(url)
        assert chromium.find_element(By.CSS_SELECTOR, "h1").text == "Customers"
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

CHROMIUM = os.environ.get("TTX_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TTX_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900",
)


def missing() -> str | None:
    """Why no browser test can run here, or None when Chromium, its driver and Selenium are all present."""
    for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)):
        if not (Path(path).is_file() and os.access(path, os.X_OK)) and not shutil.which(path):
            return f"{name} not found at {path} (scripts/setup_system.sh installs Debian's chromium, chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    return None


@contextmanager
def open_chromium(profile_dir: Path) -> Iterator[WebDriver]:
    """A headless Chromium with a fresh profile in `profile_dir`; skips the test when none can run here."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile_dir}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
