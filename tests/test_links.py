"""Zero broken internal links: the example site is served by a real HTTP server,
at the root of a host and under a project path (``/venezuela-briefs/``, as on
GitHub Pages), and every ``href`` and ``src`` of every page is followed,
including ``#fragment`` anchors. One build serves both."""

from __future__ import annotations

import http.client
import http.server
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from .conftest import REPO, build, parse_html, static_host

PREFIX = "/venezuela-briefs/"  # the path of the example's base_url
LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src",
              "form": "action"}


class Crawler:
    """Fetches each URL once (no redirects followed) and remembers its status and element ids."""

    def __init__(self, origin: str):
        parts = urlsplit(origin)
        self.host, self.port = parts.hostname, parts.port
        self.pages: dict[str, tuple[int, set[str], list[str]]] = {}

    def fetch(self, url: str) -> tuple[int, set[str], list[str]]:
        if url not in self.pages:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
            path = urlsplit(url).path
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            conn.close()
            ids: set[str] = set()
            links: list[str] = []
            if response.getheader("Content-Type", "").startswith("text/html"):
                doc = parse_html(body)
                ids = {n.get("id") for n in doc.iter() if n.get("id")}
                links = [n.get(LINK_ATTRS[n.tag]) for n in doc.iter()
                         if n.tag in LINK_ATTRS and n.get(LINK_ATTRS[n.tag]) is not None]
            self.pages[url] = (response.status, ids, links)
        return self.pages[url]

    def internal(self, href: str, page_url: str) -> str | None:
        """The absolute URL of an internal link, or None for other sites and mailto:."""
        target = urljoin(page_url, href)
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or (parts.hostname, parts.port) != (self.host, self.port):
            return None
        return target

    def broken_links(self, page_url: str) -> list[str]:
        status, own_ids, links = self.fetch(page_url)
        problems = [] if status in (200, 404) else [f"{page_url}: status {status}"]
        for href in links:
            if href.startswith("#"):
                if href[1:] not in own_ids:
                    problems.append(f"{page_url}: {href} → no such id on the page")
                continue
            target = self.internal(href, page_url)
            if target is None:
                continue
            url, _, fragment = target.partition("#")
            target_status, ids, _ = self.fetch(url)
            if target_status != 200:
                problems.append(f"{page_url}: {href} → {target_status}")
            elif fragment and fragment not in ids:
                problems.append(f"{page_url}: {href} → no element with id {fragment!r}")
        return problems


def page_urls(out: Path, base: str) -> list[str]:
    urls = []
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        urls.append(base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return urls


def crawl(out: Path, base: str, skip: tuple[str, ...] = ()) -> tuple[int, int, list[str]]:
    """Follow every link of every page; return (pages, distinct URLs fetched, problems)."""
    crawler = Crawler(base)
    problems: list[str] = []
    pages = [u for u in page_urls(out, base) if not u.endswith(skip)] if skip else page_urls(out, base)
    for url in pages:
        problems += crawler.broken_links(url)
    return len(pages), len(crawler.pages), problems


@pytest.mark.parametrize("prefix", ["/", PREFIX], ids=["root", "sub-path"])
def test_every_internal_link_works(example_out, prefix):
    with static_host(example_out, prefix) as base:
        # 404.html's links start from base_url's path (it is served at any URL): checked below
        skip = ("404.html",) if prefix != PREFIX else ()
        pages, fetched, problems = crawl(example_out, base, skip)
    assert pages > 80 and fetched > pages
    assert problems == []


def test_every_internal_link_is_relative(example_out):
    for path in sorted(example_out.rglob("*.html")):
        if path.name == "404.html":
            continue
        for node in parse_html(path).iter():
            value = node.get(LINK_ATTRS.get(node.tag, ""))
            if value is None or node.get("rel") == "canonical":  # canonical URLs are absolute by definition
                continue
            assert not value.startswith("/"), f"{path}: {value}"
            if value.startswith(("http://", "https://")):
                assert not value.startswith("https://example.github.io/"), f"{path}: absolute internal link"


def test_404_page_works_at_any_depth_under_the_project_path(example_out):
    with static_host(example_out, PREFIX) as base:
        crawler = Crawler(base)
        for missing in ("nope", "people/nobody/", "a/b/c/d/"):
            url = base + missing
            status, _, links = crawler.fetch(url)
            assert status == 404
            internal = [link for link in links if crawler.internal(link, url) and not link.startswith("#")]
            assert internal and all(link.startswith(PREFIX) for link in internal)
            assert crawler.broken_links(url) == []


def test_404_page_at_a_domain_root(tmp_path):
    out = build(REPO, tmp_path / "site", "--base-url", "https://briefs.example.org/")
    with static_host(out) as base:
        crawler = Crawler(base)
        status, _, _ = crawler.fetch(base + "deep/missing/page/")
        assert status == 404
        assert crawler.broken_links(base + "deep/missing/page/") == []
