"""Debian's Chromium driven by Playwright, headless, for the UI and report tests.

Playwright never downloads a browser here: it drives `/usr/bin/chromium` (the `chromium` Debian
package, which `make test` installs when it is missing).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# Each test run's screenshots, ignored by git so a test run leaves the tree clean; the README shows
# copies of them one level up (refresh: cp data/screenshots/latest/*.png data/screenshots/).
SCREENSHOTS = REPO / "data" / "screenshots" / "latest"

# The machine has no network: without these Chromium keeps dialling Google's hosts at start.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@contextmanager
def chromium_page(width: int = 1440, height: int = 900) -> Iterator["Page"]:
    """A fresh headless Chromium page of `width` x `height` pixels; closed (browser too) on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    """Save the page as `data/screenshots/latest/<name>.png` and return the path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
