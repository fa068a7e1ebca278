"""Atom feeds, sitemap.xml and robots.txt: parsed with xml.etree, checked for the
elements RFC 4287 and the sitemap protocol require, with and without base_url; and
the string-built feeds and sitemap compared byte for byte with an ElementTree
reference (the way they were built before) on hostile text."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    # dated with the site's feed, not 1970 (feed readers show the date)
    site_feed = check_atom(out / "feed.xml")
    assert root.findtext(A + "updated") == site_feed.findtext(A + "updated") == "2025-12-01T00:00:00Z"


def test_an_empty_feed_s_date_follows_the_site_s(tmp_path):
    site = make_site(tmp_path / "s", BASIC)
    out = build(site, tmp_path / "out")
    brief = site / "content/briefs/2025-12-01-meeting.md"
    text = brief.read_text(encoding="utf-8")
    brief.write_text(text.replace("date: 2025-12-01", "date: 2025-12-03"), encoding="utf-8")
    build(site, out)
    assert check_atom(out / "places/washington/feed.xml").findtext(A + "updated") == "2025-12-03T00:00:00Z"
    cold = build(site, tmp_path / "cold", "--no-cache")
    assert (out / "places/washington/feed.xml").read_bytes() == (cold / "places/washington/feed.xml").read_bytes()


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
        if rel not in ("404.html", "search/index.html"):  # (the search page has nothing to index: noindex)
            pages.add(BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    assert set(locs) == pages
    search = (example_out / "search/index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in search


def test_sitemap_gives_each_brief_its_publication_or_update_date(example_out):
    from .test_site import example_briefs, iso_day

    root = ET.parse(example_out / "sitemap.xml").getroot()
    lastmod = {u.findtext(SM + "loc"): u.findtext(SM + "lastmod") for u in root.findall(SM + "url")}
    briefs = example_briefs()
    assert {loc: mod for loc, mod in lastmod.items() if mod} == {
        f"{BASE}briefs/{slug}/": iso_day(fm.get("updated") or fm["date"]) for slug, fm in briefs.items()}
    assert any(fm.get("updated") for fm in briefs.values())  # (the example has an updated brief to test)
    robots = (example_out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_html_pages_advertise_their_feeds(example_out):
    from .conftest import parse_html

    head = parse_html(example_out / "people/donald-trump/index.html").find("head")
    feeds_ = [link.get("href") for link in head.find_all("link", rel="alternate", type="application/atom+xml")]
    assert feeds_ == ["../../people/donald-trump/feed.xml", "../../feed.xml"]  # the page's own first: readers take it


# --- The string builder against ElementTree -------------------------------------------------
# feeds.atom and feeds.sitemap write XML as strings for speed. The reference below is how they
# were built before, with ElementTree; the output must stay byte-identical.

NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # XML 1.0 cannot carry


def _clean(text: str) -> str:
    return NOT_XML.sub("", text)


def _et_sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _et_serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def et_atom(*, title, subtitle, self_path, alternate, updated, entries, author, language, base_url) -> bytes:
    root_rel = "../" * self_path.count("/")

    def url(path: str) -> str:
        if base_url:
            return base_url.rstrip("/") + "/" + path.lstrip("/")
        return root_rel + path or "./"

    def ident(path: str) -> str:
        return url(path) if base_url else "urn:briefgen:" + (path or "/")

    feed = ET.Element("feed", {"xmlns": feeds.ATOM_NS, "xml:lang": _clean(language)})
    _et_sub(feed, "title", title)
    if subtitle:
        _et_sub(feed, "subtitle", subtitle)
    _et_sub(feed, "id", ident(self_path))
    _et_sub(feed, "link", rel="self", type="application/atom+xml", href=url(self_path))
    _et_sub(feed, "link", rel="alternate", type="text/html", href=url(alternate))
    _et_sub(feed, "updated", feeds.atom_date(updated))
    _et_sub(_et_sub(feed, "author"), "name", author)
    _et_sub(feed, "generator", "briefgen")
    for e in entries:
        entry = _et_sub(feed, "entry")
        _et_sub(entry, "title", e.title)
        _et_sub(entry, "id", ident(e.url))
        _et_sub(entry, "link", rel="alternate", type="text/html", href=url(e.url))
        _et_sub(entry, "published", feeds.atom_date(e.published))
        _et_sub(entry, "updated", feeds.atom_date(e.updated))
        _et_sub(entry, "summary", e.summary)
        for label, term in e.tags:
            _et_sub(entry, "category", term=term, label=label)
    return _et_serialise(feed)


def et_sitemap(urls, base_url: str) -> bytes:
    urlset = ET.Element("urlset", {"xmlns": feeds.SITEMAP_NS})
    for path in urls:
        loc = base_url.rstrip("/") + "/" + path if base_url else path or "./"
        _et_sub(_et_sub(urlset, "url"), "loc", loc)
    return _et_serialise(urlset)


HOSTILE = [
    "", " ", "   \n  ", "\t", "\r", "\n", "a\r\nb", "\r\n\r\n", "tab\there", '"double" & \'single\'',
    "<b>bold</b>", "a < b > c", "]]>", "<![CDATA[x]]>", "&amp; &lt; &#13; &#x9;", "&", "<!-- c --> <?pi?>",
    "\x00", "\x00\x01\x08\x0b\x0c\x0e\x1f", "nul\x00in\x7fside", "\x85\u2028\u2029", "\ud800", "x\udfffy",
    "\ud83d\ude00", "\U0001F600 emoji", "\ufffe\uffff", "\ue000\ufffd", "Ünïcødé — «quotes» 日本語",
    "\U0010FFFF", "path/with spaces/?q=1&r=2#frag", "../../x/", "/", "//",
]


def _both(**kwargs) -> bytes:
    fast = feeds.atom(**kwargs)
    assert fast == et_atom(**kwargs)
    return fast


def _feed_args(s: str, base_url: str) -> dict:
    entry = feeds.FeedEntry(s, "briefs/" + s + "/", "2025-01-02", "2025-01-02T03:04:05Z", s, ((s, s), ("L", "t")))
    return dict(title=s, subtitle=s, self_path="people/" + s + "/feed.xml", alternate=s, updated=s or None,
                entries=[entry, feeds.FeedEntry(s, s, s, s, s)], author=s, language=s, base_url=base_url)


@pytest.mark.parametrize("base_url", ["", "https://e.org/x/", "https://e.org/x"])
@pytest.mark.parametrize("s", HOSTILE)
def test_atom_matches_elementtree_on_hostile_text(s, base_url):
    data = _both(**_feed_args(s, base_url))
    ET.fromstring(data)  # and it is well-formed


@pytest.mark.parametrize("s", HOSTILE)
def test_sitemap_matches_elementtree_on_hostile_text(s):
    for base_url in ("", "https://e.org/x/"):
        urls = ["", s, "briefs/" + s + "/", "people/x/"]
        data = feeds.sitemap(urls, base_url)
        assert data == et_sitemap(urls, base_url)
        ET.fromstring(data)


def test_edge_shapes_match_elementtree():
    base = dict(title="T", subtitle="", self_path="feed.xml", alternate="", updated=None, entries=[],
                author="A", language="en", base_url="")
    _both(**base)  # no subtitle, no entries
    _both(**{**base, "title": None, "author": None})  # None text: empty elements, as ElementTree wrote them
    _both(**{**base, "entries": [feeds.FeedEntry("t", "", "", "", None)]})
    assert feeds.sitemap([], "") == et_sitemap([], "") == (
        b"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" />\n")
    assert feeds.sitemap(iter(["a/", "b/"]), "https://e.org") == et_sitemap(["a/", "b/"], "https://e.org")


_chars = st.one_of(
    st.characters(exclude_categories=()),  # any code point (but rarely a surrogate)
    st.characters(categories=["Cs"]),  # lone surrogates
    st.sampled_from([*"&<>\"'\r\n\t ]\x00\x0b\x7f\x85\ufffe\uffff", "\U0001F600", "\u2028"]),
)
_texts = st.text(_chars, max_size=30)


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(_texts, min_size=8, max_size=8), base_url=st.sampled_from(["", "https://e.org/b/"]),
       n_entries=st.integers(0, 3))
def test_atom_and_sitemap_match_elementtree_on_random_text(texts, base_url, n_entries):
    a, b, c, d, e, f, g, h = texts
    entries = [feeds.FeedEntry(a, b, c, d, e, ((f, g), (h, a))) for _ in range(n_entries)]
    data = _both(title=a, subtitle=b, self_path=c + "/feed.xml", alternate=d, updated=e or None, entries=entries,
                 author=f, language=g, base_url=base_url)
    ET.fromstring(data)
    assert feeds.sitemap(texts, base_url) == et_sitemap(texts, base_url)


def test_an_entry_is_made_once_per_way_of_writing_its_urls(monkeypatch):
    """A brief is an entry of several feeds: its XML is made once for every feed that writes its URLs
    alike (all, with base_url; those in one folder depth, without), and each feed is still exactly
    what ElementTree writes."""
    made = []
    entry_xml = feeds._entry
    monkeypatch.setattr(feeds, "_entry", lambda e, *rest: made.append(e) or entry_xml(e, *rest))
    feeds.forget()
    entries = [feeds.FeedEntry("One & <two>", "briefs/one/", "2025-01-02", "2025-01-03", "S", (("Tag", "tag"),)),
               feeds.FeedEntry("Two", "briefs/two/", "2025-01-01", "2025-01-01", "S2")]
    common = dict(title="T", subtitle="", alternate="", updated=None, author="A", language="en")
    for base_url in ("", "https://e.org/x/"):
        for self_path in ("feed.xml", "people/a/feed.xml", "people/b/feed.xml", "ships/c/feed.xml"):
            _both(**common, self_path=self_path, entries=entries, base_url=base_url)
    # without base_url: the site's feed (depth 0) and the entities' (depth 2); with it: all alike
    assert len(made) == 2 * 2 + 2
    feeds.forget()
    _both(**common, self_path="feed.xml", entries=entries[:1], base_url="")
    assert len(made) == 7  # forgotten: made again


def test_a_site_over_the_sitemap_limit_gets_an_index_of_sitemaps_and_loses_it_when_it_shrinks(tmp_path, monkeypatch):
    from briefgen import feeds

    from .conftest import BASIC, make_site, run_cli

    site = make_site(tmp_path / "s", BASIC)
    out = tmp_path / "out"
    extra = site / "content/briefs/2025-12-02-extra.md"
    extra.write_text("---\ntitle: Extra\ndate: 2025-12-02\nsummary: One more.\n---\nBody.\n")
    assert run_cli("build", site, "--out", out, "--no-cache")[0] == 0
    everything = re.findall(r"<loc>(.*?)</loc>", (out / "sitemap.xml").read_text())
    extra.unlink()
    assert run_cli("build", site, "--out", out)[0] == 0
    fewer = re.findall(r"<loc>(.*?)</loc>", (out / "sitemap.xml").read_text())
    monkeypatch.setattr(feeds, "SITEMAP_URLS", 4)  # sitemaps.org's limit is 50,000
    extra.write_text("---\ntitle: Extra\ndate: 2025-12-02\nsummary: One more.\n---\nBody.\n")
    assert run_cli("build", site, "--out", out)[0] == 0  # cached, incremental
    index = (out / "sitemap.xml").read_text()
    assert "<sitemapindex" in index and "<urlset" not in index
    parts = re.findall(r"<loc>(.*?)</loc>", index)
    n = -(-len(everything) // 4)
    assert parts == [f"https://example.org/briefs/sitemap-{i}.xml" for i in range(1, n + 1)]
    listed = [re.findall(r"<loc>(.*?)</loc>", (out / f"sitemap-{i}.xml").read_text()) for i in range(1, n + 1)]
    assert all(len(urls) <= 4 for urls in listed) and [u for urls in listed for u in urls] == everything
    assert run_cli("build", site, "--out", tmp_path / "cold", "--no-cache")[0] == 0  # the same as a cold build
    for name in ["sitemap.xml", *(f"sitemap-{i}.xml" for i in range(1, n + 1))]:
        assert (out / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name
    monkeypatch.setattr(feeds, "SITEMAP_URLS", 50_000)
    extra.unlink()
    assert run_cli("build", site, "--out", out)[0] == 0
    assert re.findall(r"<loc>(.*?)</loc>", (out / "sitemap.xml").read_text()) == fewer
    assert not list(out.glob("sitemap-*.xml"))
