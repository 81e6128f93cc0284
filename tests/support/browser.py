"""A real headless browser for the tests: Debian's Chromium driven through Selenium.

Nothing is downloaded at test time: Selenium is given ``/usr/bin/chromedriver`` (Debian's
``chromium-driver`` package), so Selenium Manager never runs. Tests that need the browser
take the ``chromium`` fixture (import it into the test module) and are skipped, with the
reason, where Chromium, its driver or Selenium is missing; in CI a missing browser fails.

    apt-get install -y chromium chromium-driver && pip install selenium

Also here: :func:`serve_folder` (a static HTTP server on 127.0.0.1 in a thread) and
:func:`crawl` (every page reachable from a start page: status, title, images, links).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMEDRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _first(candidates: tuple[str, ...], name: str) -> str | None:
    for candidate in (os.environ.get(f"MLSCAFFOLD_TEST_{name.upper()}"), *candidates):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which(name)


def browser_missing() -> str | None:
    """Why the headless browser cannot run here, or None when it can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install selenium)"
    if _first(CHROMIUM_CANDIDATES, "chromium") is None:
        return "Chromium is not installed (apt-get install -y chromium)"
    if _first(CHROMEDRIVER_CANDIDATES, "chromedriver") is None:
        return "chromedriver is not installed (apt-get install -y chromium-driver)"
    return None


@contextlib.contextmanager
def headless_chromium(*, width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A Selenium WebDriver for a headless Chromium, quit on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(_first(CHROMIUM_CANDIDATES, "chromium"))
    for argument in (
        "--headless=new",
        "--no-sandbox",  # tests may run as root in a container
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        f"--window-size={width},{height}",
    ):
        options.add_argument(argument)
    service = Service(executable_path=str(_first(CHROMEDRIVER_CANDIDATES, "chromedriver")))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless Chromium WebDriver for the module; skipped (failed in CI) when absent."""
    reason = browser_missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"headless browser tests need Chromium: {reason}")
        pytest.skip(f"no headless browser: {reason}")
    with headless_chromium() as driver:
        yield driver


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve_folder(root: Path) -> Iterator[str]:
    """Serve ``root`` over HTTP on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def http_status(url: str) -> int:
    """The HTTP status of a GET of ``url`` (no redirect is hidden: 3xx are followed)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@dataclass
class Page:
    """What the browser saw on one page."""

    url: str
    status: int
    title: str
    images: list[tuple[str, int]] = field(default_factory=list)
    """Each <img>: its src and naturalWidth (0 when it did not load)."""
    links: list[str] = field(default_factory=list)
    """Each <a href>, absolute, fragment removed."""


_PAGE_FACTS = """
const images = Array.from(document.images).map(i => [i.currentSrc || i.src, i.naturalWidth]);
const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href);
return [document.title, images, links];
"""


def visit(driver: Any, url: str) -> Page:
    """Load ``url`` in the browser, wait for its images, and report what it shows."""
    status = http_status(url)
    driver.get(url)
    # lazy or slow images: wait until every <img> has finished (loaded or failed)
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all(Array.from(document.images).map(i => i.complete ? null :"
        " new Promise(r => { i.loading = 'eager'; i.onload = i.onerror = r; })))"
        ".then(() => done(null));"
    )
    title, images, links = driver.execute_script(_PAGE_FACTS)
    return Page(
        url=url,
        status=status,
        title=str(title),
        images=[(str(src), int(width)) for src, width in images],
        links=[urldefrag(str(link))[0] for link in links],
    )


def crawl(driver: Any, start: str, *, limit: int = 200) -> tuple[list[Page], dict[str, int]]:
    """Every HTML page under ``start``'s origin reachable by links from it.

    Returns the pages visited in the browser and the status of every other internal
    link (files such as images or sitemaps, checked over HTTP only).
    """
    origin = urlparse(start).netloc
    queue, seen, pages, others = [start], {start}, [], {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        page = visit(driver, url)
        pages.append(page)
        for link in page.links:
            parsed = urlparse(link)
            if parsed.netloc != origin or link in seen:
                continue
            seen.add(link)
            if parsed.path.endswith("/") or parsed.path.endswith(".html"):
                queue.append(link)
            else:
                others[link] = http_status(urljoin(link, parsed.path))
    return pages, others
