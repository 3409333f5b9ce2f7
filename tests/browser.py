"""Headless Chromium for page tests: Debian's /usr/bin/chromium driven by Selenium through chromedriver.

    with chromium(tmp_path) as driver:
        driver.get(url)

Tests using it skip only when Chromium or chromedriver is absent (`scripts/setup_system.sh` installs them).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run")


def chromium_paths() -> tuple[str, str] | None:
    """The Chromium and chromedriver executables, or None when either is missing."""
    browser = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    driver = CHROMEDRIVER if Path(CHROMEDRIVER).exists() else shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@contextmanager
def chromium(profile_dir: Path) -> Iterator[Any]:
    """A headless Chromium WebDriver with a fresh profile in `profile_dir`; skips the test without Chromium."""
    paths = chromium_paths()
    if paths is None:
        pytest.skip("chromium and chromedriver are not installed (scripts/setup_system.sh installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=paths[1]))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
