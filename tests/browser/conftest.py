"""Browser tests: Playwright for Python driving Debian's Chromium (no browser download).

The example site is built once into a temporary folder and served by
``http.server`` on 127.0.0.1 (a free port), under the path of its base_url. Locally the tests skip, saying why,
when Playwright or /usr/bin/chromium is missing; with ``CI`` set they fail instead.
Install: ``apt-get install -y chromium`` and ``pip install -e '.[test]'``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..conftest import REPO, static_host

CHROMIUM = Path(os.environ.get("BRIEFGEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
TIMEOUT_MS = 10_000


def missing(reason: str) -> None:
    """Skip locally; fail under CI, where the browser tests are mandatory."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (the browser tests are mandatory when CI is set)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed: pip install -e '.[test]'")
    if not CHROMIUM.is_file():
        missing(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_api):
    browser = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The example site, built strictly."""
    from briefgen.build import BuildOptions, build

    out = tmp_path_factory.mktemp("example") / "site"
    build(BuildOptions(REPO, out_dir=out, strict=True, progress=False))
    return out


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """http://127.0.0.1:<port>/<path of base_url>/ serving the built example, like a static host."""
    from briefgen.config import load_config
    from briefgen.diagnostics import Diagnostics

    prefix = urlsplit(load_config(REPO, Diagnostics()).base_url or "/").path or "/"
    with static_host(site, prefix) as url:
        yield url


@pytest.fixture()
def new_page(browser):
    """``new_page(**context_options)``: a page in a fresh context (empty cache), closed after the test.
    Uncaught JavaScript errors fail the test."""
    contexts = []
    errors: list[str] = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture()
def page(new_page):
    return new_page(viewport={"width": 1280, "height": 900})


def html_pages(site: Path) -> list[str]:
    """Site-relative URLs of every HTML page of the build (``briefs/x/`` for briefs/x/index.html)."""
    urls = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        urls.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return urls


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && getComputedStyle(e).position !== 'absolute')
    .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : ''));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def wider_than_the_window(page, base_url: str, urls: list[str]) -> list[str]:
    """The pages of ``urls`` that scroll sideways in ``page``'s window, each with the first elements that stick out."""
    problems = []
    for url in urls:
        page.goto(base_url + url)
        got = page.evaluate(OVERFLOW)
        if got["scroll"] > got["width"]:
            problems.append(f"{url}: {got['scroll']} px wide in a {got['width']} px viewport ({got['wide']})")
    return problems


SPLIT_DATES = """() => [...document.querySelectorAll('time')].filter(t => t.getClientRects().length).flatMap(t => {
  // the date: all of a date alone, up to its year for a date with a time ("1. Dezember 2025", then ", 17:30 …")
  const text = t.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) return [];
  const at = text.data.indexOf(t.dateTime.slice(0, 4));
  const end = t.dateTime.length > 10 && at > 0 ? at + 4 : text.data.length;
  const range = document.createRange();
  range.setStart(text, 0);
  range.setEnd(text, end);
  const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
  return lines.size > 1 ? [text.data.slice(0, end)] : [];
})"""


def dates_split(page, base_url: str, urls: list[str]) -> list[str]:
    """The dates of the pages of ``urls`` that ``page``'s window shows over two lines ("1 / December 2025")."""
    problems = []
    for url in urls:
        page.goto(base_url + url)
        problems += [f"{url}: {date!r}" for date in page.evaluate(SPLIT_DATES)]
    return problems
