"""Headless Chromium for looking at a site from scripts and tests: Debian's `chromium` driven by
selenium through the system `chromedriver`, so nothing is ever downloaded.

    >>> with chromium(Path("/tmp/profile")) as browser:
    ...     browser.get(Path("runs/utr/view/index.html").resolve().as_uri())
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from videoutr.errors import ConfigError

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def missing_binaries() -> list[str]:
    return [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.is_file()]


@contextmanager
def chromium(profile: Path, width: int = 1400, height: int = 900) -> Iterator:
    """A selenium Chrome driver on the system Chromium with a fresh profile folder; quit on exit."""
    if missing_binaries():
        raise ConfigError(f"{', '.join(missing_binaries())} not found: apt-get install chromium chromium-driver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        raise ConfigError("selenium is not installed: pip install selenium") from exc
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.implicitly_wait(5)
        yield driver
    finally:
        driver.quit()
