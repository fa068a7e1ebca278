"""Atom feeds, sitemap.xml and robots.txt: parsed with xml.etree, checked for the
elements RFC 4287 and the sitemap protocol require, with and without base_url."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

from briefgen import feeds

from .conftest import BASIC, build, make_site

A = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.github.io/venezuela-briefs/"


def rfc3339(text: str) -> dt.datetime:
    stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert stamp.tzinfo is not None, f"{text} has no time zone"
    return stamp


def check_atom(path: Path) -> ET.Element:
    """Parse a feed and check every element RFC 4287 requires; return the root."""
    root = ET.parse(path).getroot()
    assert root.tag == A + "feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(A + name)) == 1, f"feed needs exactly one <{name}>"
    rfc3339(root.findtext(A + "updated"))
    selfs = [link for link in root.findall(A + "link") if link.get("rel") == "self"]
    assert len(selfs) == 1 and selfs[0].get("href")
    assert root.findall(A + "author"), "a feed without per-entry authors needs a feed author"
    entries = root.findall(A + "entry")
    ids = [e.findtext(A + "id") for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(A + name)) == 1, f"entry needs exactly one <{name}>"
        rfc3339(entry.findtext(A + "updated"))
        alternates = [link for link in entry.findall(A + "link") if link.get("rel", "alternate") == "alternate"]
        assert len(alternates) == 1 and alternates[0].get("href")
    return root


def entry_links(root: ET.Element) -> list[str]:
    return [e.find(A + "link").get("href") for e in root.findall(A + "entry")]


def test_site_feed_is_valid_atom_with_absolute_urls(example_out):
    root = check_atom(example_out / "feed.xml")
    assert root.findtext(A + "title") == "Venezuela Crisis Briefing"
    assert root.findtext(A + "id") == BASE + "feed.xml"
    links = {link.get("rel"): link.get("href") for link in root.findall(A + "link")}
    assert links == {"self": BASE + "feed.xml", "alternate": BASE}
    briefs = sorted(p.parent.name for p in (example_out / "briefs").glob("*/index.html") if p.parent.name != "page")
    assert sorted(h.removeprefix(BASE + "briefs/").rstrip("/") for h in entry_links(root)) == briefs
    published = [rfc3339(e.findtext(A + "published")) for e in root.findall(A + "entry")]
    assert published == sorted(published, reverse=True)
    updated = max(rfc3339(e.findtext(A + "updated")) for e in root.findall(A + "entry"))
    assert rfc3339(root.findtext(A + "updated")) == updated
    for entry in root.findall(A + "entry"):
        assert entry.findtext(A + "id") == entry.find(A + "link").get("href")
        assert entry.findtext(A + "summary")


def test_entity_feeds_list_the_briefs_that_mention_the_entity(example_out):
    root = check_atom(example_out / "people/donald-trump/feed.xml")
    assert root.findtext(A + "title") == "Donald Trump — Venezuela Crisis Briefing"
    assert {link.get("rel"): link.get("href") for link in root.findall(A + "link")} == {
        "self": BASE + "people/donald-trump/feed.xml", "alternate": BASE + "people/donald-trump/"}
    page = (example_out / "people/donald-trump/index.html").read_text(encoding="utf-8")
    for href in entry_links(root):
        assert href.startswith(BASE + "briefs/")
        assert f'href="../../{href.removeprefix(BASE)}"' in page  # the same briefs the page lists
    for feed in example_out.glob("*/*/feed.xml"):
        check_atom(feed)


def test_entity_without_briefs_has_an_empty_valid_feed(tmp_path):
    out = build(make_site(tmp_path / "s", BASIC), tmp_path / "out")
    root = check_atom(out / "places/washington/feed.xml")
    assert root.findall(A + "entry") == []
    assert root.findtext(A + "updated") == "1970-01-01T00:00:00Z"


def test_feeds_without_base_url_use_relative_links_that_resolve(tmp_path):
    out = build(make_site(tmp_path / "s", {**BASIC, "briefgen.yaml": "title: T\n"}), tmp_path / "out")
    for rel in ("feed.xml", "people/donald-trump/feed.xml"):
        root = check_atom(out / rel)
        assert root.findtext(A + "id") == f"urn:briefgen:{rel}"
        feed_url = "http://host/sub/" + rel
        for link in root.iter(A + "link"):
            target = urljoin(feed_url, link.get("href")).removeprefix("http://host/sub/")
            path = out / target / "index.html" if target.endswith("/") or not target else out / target
            assert path.is_file(), (rel, link.get("href"))
        assert [e.findtext(A + "id") for e in root.findall(A + "entry")] == ["urn:briefgen:briefs/meeting/"]
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    assert "briefs/meeting/" in [u.findtext(SM + "loc") for u in sitemap]
    assert "Sitemap:" not in (out / "robots.txt").read_text(encoding="utf-8")


def test_feeds_survive_hostile_text(tmp_path):
    nasty = "Cats & dogs <b>]]></b> \"quotes\" 'single' \U0001F600"
    brief = BASIC["content/briefs/2025-12-01-meeting.md"].replace(
        "title: Trump summons security chiefs", f"title: {json.dumps(nasty, ensure_ascii=False)}")
    out = build(make_site(tmp_path / "s", {**BASIC, "content/briefs/2025-12-01-meeting.md": brief}), tmp_path / "out")
    root = check_atom(out / "feed.xml")
    assert root.find(A + "entry").findtext(A + "title") == nasty
    categories = root.find(A + "entry").findall(A + "category")
    assert [(c.get("term"), c.get("label")) for c in categories] == [("venezuela", "venezuela")]


def test_atom_strips_characters_xml_cannot_carry():
    data = feeds.atom(title="a\x01b\x0b", subtitle="", self_path="feed.xml", alternate="", updated=None,
                      entries=[feeds.FeedEntry("t\x00", "briefs/x/", "2025-01-01", "2025-01-01", "s\ufffe")],
                      author="A", language="en", base_url="https://e.org/")
    root = ET.fromstring(data)
    assert root.findtext(A + "title") == "ab"
    assert root.find(A + "entry").findtext(A + "title") == "t"


def test_sitemap_lists_every_page_and_robots_points_to_it(example_out):
    root = ET.parse(example_out / "sitemap.xml").getroot()
    assert root.tag == SM + "urlset"
    locs = [u.findtext(SM + "loc") for u in root.findall(SM + "url")]
    assert len(locs) == len(set(locs))
    pages = set()
    for path in example_out.rglob("*.html"):
        rel = path.relative_to(example_out).as_posix()
        if rel != "404.html":
            pages.add(BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    assert set(locs) == pages
    robots = (example_out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_html_pages_advertise_their_feeds(example_out):
    from .conftest import parse_html

    head = parse_html(example_out / "people/donald-trump/index.html").find("head")
    feeds_ = [link.get("href") for link in head.find_all("link", rel="alternate", type="application/atom+xml")]
    assert feeds_ == ["../../feed.xml", "../../people/donald-trump/feed.xml"]
