"""Machine-read files: Atom feeds, ``sitemap.xml`` and ``robots.txt``.

They are generated here, not through theme templates, so they are always
well-formed whatever the content holds, and a theme cannot break them. Pure
functions: data in, bytes out.

The XML is written as strings, which is several times faster than building
and serialising an :mod:`xml.etree.ElementTree` tree, yet byte for byte what
``ET.indent`` plus ``ET.tostring(..., encoding="utf-8", xml_declaration=True)``
would give (``tests/test_feeds.py`` keeps an ElementTree reference to check
this): the same declaration, two-space indentation, ``" />"`` for empty
elements, ``&``, ``<`` and ``>`` escaped in text, and in attributes also ``"``,
CR, LF and tab (as ``&#13;``, ``&#10;`` and ``&#09;``). Every text and
attribute value first loses the characters XML 1.0 cannot carry, so the
output is always well-formed UTF-8.

URLs: with ``base_url`` every URL is absolute. Without it (a preview build),
feed links are relative to the feed file (RFC 4287 lets readers resolve them
against the feed's own address), ids are ``urn:briefgen:<site path>``,
``sitemap.xml`` lists site-relative paths and ``robots.txt`` names no sitemap."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = "1970-01-01T00:00:00Z"

# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"


class FeedEntry(NamedTuple):
    """One Atom entry: a brief (``url`` is site-relative, dates ISO 8601). A named tuple: made in C."""

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
    if text.isascii() and text.isprintable():  # only U+0020..U+007E: nothing to remove
        return text
    return _NOT_XML.sub("", text)


def _text(value: str) -> str:
    """Element text: cleaned, with ``& < >`` escaped, as ElementTree writes it."""
    value = clean(value)
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _attr(value: str) -> str:
    """An attribute value: element text with ``"`` and CR, LF, tab also as references (so they
    survive attribute-value normalisation), as ElementTree writes them."""
    value = _text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "\n" in value:
        value = value.replace("\n", "&#10;")
    if "\t" in value:
        value = value.replace("\t", "&#09;")
    return value


def _leaf(indent: str, tag: str, value: str | None) -> str:
    """A text-only element on its own line, and ``<tag />`` when its text is empty (or ``None``)
    once cleaned."""
    if value:
        value = _text(value)
        if value:
            return f"{indent}<{tag}>{value}</{tag}>"
    return f"{indent}<{tag} />"


def _document(lines: list[str]) -> bytes:
    """Declaration, the lines, and a final newline, as UTF-8."""
    lines.append("")
    return "\n".join(lines).encode("utf-8", "xmlcharrefreplace")


def atom(*, title: str, subtitle: str, self_path: str, alternate: str, updated: str | None,
         entries: Sequence[FeedEntry], author: str, language: str, base_url: str) -> bytes:
    """An Atom 1.0 feed. ``self_path`` and ``alternate`` are site-relative paths."""
    root_rel = "../" * self_path.count("/")
    base = base_url.rstrip("/") + "/" if base_url else ""

    def url(path: str) -> str:
        if base_url:
            return base + path.lstrip("/")
        return root_rel + path or "./"

    def ident(path: str) -> str:
        return url(path) if base_url else "urn:briefgen:" + (path or "/")

    lines = [_DECLARATION, f'<feed xmlns="{ATOM_NS}" xml:lang="{_attr(language)}">', _leaf("  ", "title", title)]
    if subtitle:
        lines.append(_leaf("  ", "subtitle", subtitle))
    lines += (
        _leaf("  ", "id", ident(self_path)),
        f'  <link rel="self" type="application/atom+xml" href="{_attr(url(self_path))}" />',
        f'  <link rel="alternate" type="text/html" href="{_attr(url(alternate))}" />',
        _leaf("  ", "updated", atom_date(updated)),
        "  <author>",
        _leaf("    ", "name", author),
        "  </author>",
        "  <generator>briefgen</generator>",
    )
    # An entry's XML depends on the entry and on how URLs are written: absolute (the same in every
    # feed), or relative to the feed's folder.
    where = base if base_url else root_rel
    memo = _ENTRIES
    for e in entries:
        key = (id(e), where)
        made = memo.get(key)
        if made is None or made[0] is not e:
            if len(memo) >= MEMO_MAX:
                memo.clear()
            made = memo[key] = (e, _entry(e, url(e.url), ident(e.url)))
        lines.append(made[1])
    lines.append("</feed>")
    return _document(lines)


def _entry(e: FeedEntry, href: str, ident: str) -> str:
    """One ``<entry>`` element, its lines joined (``href``: its link; ``ident``: its id)."""
    lines = [
        "  <entry>",
        _leaf("    ", "title", e.title),
        _leaf("    ", "id", ident),
        f'    <link rel="alternate" type="text/html" href="{_attr(href)}" />',
        _leaf("    ", "published", atom_date(e.published)),
        _leaf("    ", "updated", atom_date(e.updated)),
        _leaf("    ", "summary", e.summary),
    ]
    for label, term in e.tags:
        lines.append(f'    <category term="{_attr(term)}" label="{_attr(label)}" />')
    lines.append("  </entry>")
    return "\n".join(lines)


# A brief is an entry of the site's feed and of the feed of every entity it mentions (six or so), alike
# but for relative URLs: when the same entry object comes again, its XML is not made again.
# (id of the entry, how URLs are written) -> (the entry, its XML). The entry is held, so its id cannot be
# another's while the memo lives. Bounded, as a long-lived process (serve) builds again and again; a
# build empties it once its pages are done (forget).
_ENTRIES: dict[tuple[int, str], tuple[FeedEntry, str]] = {}
MEMO_MAX = 50_000


def forget() -> None:
    """Let go of the entries made so far (a process's pages are done)."""
    _ENTRIES.clear()


def sitemap(urls: Iterable[str], base_url: str, lastmod: Mapping[str, str] | None = None) -> bytes:
    """``sitemap.xml`` of site-relative page URLs (absolute with ``base_url``), each with its ``lastmod``
    (a W3C date or datetime) where ``lastmod`` has one."""
    base = base_url.rstrip("/") + "/" if base_url else ""
    lastmod = lastmod or {}
    lines = [_DECLARATION, f'<urlset xmlns="{SITEMAP_NS}">']
    for path in urls:
        lines += ("  <url>", _leaf("    ", "loc", base + path if base_url else path or "./"))
        if path in lastmod:
            lines.append(_leaf("    ", "lastmod", lastmod[path]))
        lines.append("  </url>")
    if len(lines) == 2:  # no children: an empty element, as ElementTree writes it
        lines[1] = f'<urlset xmlns="{SITEMAP_NS}" />'
    else:
        lines.append("</urlset>")
    return _document(lines)


SITEMAP_URLS = 50_000  # sitemaps.org: at most 50,000 URLs in one sitemap; a larger site gets an index of several


def sitemap_index(names: Iterable[str], base_url: str) -> bytes:
    """``sitemap.xml`` of a site with more than :data:`SITEMAP_URLS` pages: the sitemaps that list them."""
    base = base_url.rstrip("/") + "/" if base_url else ""
    lines = [_DECLARATION, f'<sitemapindex xmlns="{SITEMAP_NS}">']
    for name in names:
        lines += ("  <sitemap>", _leaf("    ", "loc", base + name), "  </sitemap>")
    lines.append("</sitemapindex>")
    return _document(lines)


def robots(base_url: str) -> bytes:
    """``robots.txt``: everything allowed; the sitemap's address when it is known."""
    text = "User-agent: *\nAllow: /\n"
    if base_url:
        text += f"\nSitemap: {base_url.rstrip('/')}/sitemap.xml\n"
    return text.encode("utf-8")
