"""Machine-read files: Atom feeds, ``sitemap.xml`` and ``robots.txt``.

They are generated with :mod:`xml.etree.ElementTree`, not through theme
templates, so they are always well-formed whatever the content holds, and a
theme cannot break them. Pure functions: data in, bytes out.

URLs: with ``base_url`` every URL is absolute. Without it (a preview build),
feed links are relative to the feed file (RFC 4287 lets readers resolve them
against the feed's own address), ids are ``urn:briefgen:<site path>``,
``sitemap.xml`` lists site-relative paths and ``robots.txt`` names no sitemap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = "1970-01-01T00:00:00Z"

# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One Atom entry: a brief (``url`` is site-relative, dates ISO 8601)."""

    title: str
    url: str
    published: str
    updated: str
    summary: str
    tags: tuple[tuple[str, str], ...] = ()  # (label, term)


def atom_date(value: str | None) -> str:
    """An ISO date or datetime as an RFC 3339 timestamp; a bare date is midnight UTC."""
    if not value:
        return EPOCH
    return value + "T00:00:00Z" if len(value) == 10 else value


def clean(text: str) -> str:
    """Text without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrs.items()})
    if text is not None:
        element.text = clean(text)
    return element


def _serialise(root: ET.Element) -> bytes:
    """Indented, deterministic UTF-8 (the default namespace is an ``xmlns`` attribute of the root)."""
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def atom(*, title: str, subtitle: str, self_path: str, alternate: str, updated: str | None,
         entries: Sequence[FeedEntry], author: str, language: str, base_url: str) -> bytes:
    """An Atom 1.0 feed. ``self_path`` and ``alternate`` are site-relative paths."""
    root_rel = "../" * self_path.count("/")

    def url(path: str) -> str:
        if base_url:
            return base_url.rstrip("/") + "/" + path.lstrip("/")
        return root_rel + path or "./"

    def ident(path: str) -> str:
        return url(path) if base_url else "urn:briefgen:" + (path or "/")

    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": clean(language)})
    _sub(feed, "title", title)
    if subtitle:
        _sub(feed, "subtitle", subtitle)
    _sub(feed, "id", ident(self_path))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=url(self_path))
    _sub(feed, "link", rel="alternate", type="text/html", href=url(alternate))
    _sub(feed, "updated", atom_date(updated))
    _sub(_sub(feed, "author"), "name", author)
    _sub(feed, "generator", "briefgen")
    for e in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "title", e.title)
        _sub(entry, "id", ident(e.url))
        _sub(entry, "link", rel="alternate", type="text/html", href=url(e.url))
        _sub(entry, "published", atom_date(e.published))
        _sub(entry, "updated", atom_date(e.updated))
        _sub(entry, "summary", e.summary)
        for label, term in e.tags:
            _sub(entry, "category", term=term, label=label)
    return _serialise(feed)


def sitemap(urls: Iterable[str], base_url: str) -> bytes:
    """``sitemap.xml`` of site-relative page URLs (absolute with ``base_url``)."""
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for path in urls:
        loc = base_url.rstrip("/") + "/" + path if base_url else path or "./"
        _sub(_sub(urlset, "url"), "loc", loc)
    return _serialise(urlset)


def robots(base_url: str) -> bytes:
    """``robots.txt``: everything allowed; the sitemap's address when it is known."""
    text = "User-agent: *\nAllow: /\n"
    if base_url:
        text += f"\nSitemap: {base_url.rstrip('/')}/sitemap.xml\n"
    return text.encode("utf-8")
