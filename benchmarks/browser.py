"""Headless Chromium driven by Selenium: Debian's `chromium` and `chromium-driver`.

The browser and its driver are the system's (/usr/bin/chromium, /usr/bin/chromedriver,
installed by `make test` where missing), named explicitly so that Selenium Manager
downloads nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
T = TypeVar("T")


def missing_browser() -> str | None:
    """Why no browser can be driven here, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (the dev extra)"
    return None


def headless_chromium(
    download_dir: Path | None = None, width: int = 1400, height: int = 1000
) -> Any:
    """A headless Chromium WebDriver; files it downloads land in `download_dir`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # tests and CI run as root, where the sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-proxy-server",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if download_dir is not None:
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(download_dir),
                "download.prompt_for_download": False,
            },
        )
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


def wait_for(condition: Callable[[], T | None], timeout: float = 20.0, what: str = "") -> T:
    """Polls `condition` until it returns something truthy; TimeoutError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.05)


def console_errors(driver: Any) -> list[str]:
    """The page's console messages at level SEVERE (uncaught errors, failed loads)."""
    return [
        json.dumps(entry["message"])
        for entry in driver.get_log("browser")
        if entry.get("level") == "SEVERE"
    ]
