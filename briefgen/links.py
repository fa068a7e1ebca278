"""Where links in rendered text point, and what is allowed: the plain values that
resolving a site makes for Markdown (:mod:`briefgen.markdown`), that the caches keep,
and that pages fill in. Kept apart from the Markdown renderer so that reading and
resolving a site, and a build that finds nothing changed, do not import markdown-it.

Internal links are written as ``ROOT + "kind/id/"``; the page renderer replaces
:data:`ROOT` with the page's relative path to the site root, so one rendering serves
pages at any depth. Only http, https, mailto and relative links survive."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .schema import url_scheme

ROOT = "\x02root\x03/"  # placeholder for the page's relative root; control characters never reach content
SAFE_SCHEMES = frozenset({"", "http", "https", "mailto"})


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where a ``[[...]]`` link or a mention points: a site-relative path and a title."""

    path: str
    title: str

    def __reduce__(self):  # as briefgen.schema.Pos: faster to unpickle from the cache
        return (LinkTarget, (self.path, self.title))


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity to link on first mention: the names that count, and its page."""

    names: tuple[str, ...]
    target: LinkTarget


@dataclass
class Problem:
    """A link of the body that is not what it seems, located in it. ``kind`` says what is wrong:

    - ``""``: a ``[[target]]`` that resolved to nothing (or names nothing: ``[[]]``, ``[[|text]]``);
    - ``"unclosed"``: a ``[[`` with no ``]]`` after it (``target`` is what follows it);
    - ``"empty-text"``: a ``[[target|]]`` that resolved, with nothing after its ``|``;
    - ``"link-scheme"``, ``"image-scheme"``: a link or image whose URL (``target``) has a scheme that is
      not published (:func:`safe_link`), shown as text;
    - ``"link-domain"``, ``"image-domain"``: a relative link or image whose URL (``target``) starts with
      a domain name (:func:`looks_like_domain`)."""

    line: int
    col: int
    target: str
    kind: str = ""


@dataclass
class RenderEnv:
    """Per-document state handed to the plugins through markdown-it's ``env``."""

    resolve: Callable[[str], LinkTarget | None]
    mentions: list[Mention] = field(default_factory=list)
    first_line: int = 1  # file line of the text's first line
    first_col: int = 1  # file column of the text's first character (inline values in YAML)
    lines: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    block_line: int = 0  # set per inline block while parsing
    cell: int = -1  # the inline block is this table cell of its row (0 for the first; -1: not a cell)
    # (line, col, url) of each refused <url> reported as the address of a link or a reference definition: not
    # reported again as an autolink
    reported_urls: set[tuple[int, int, str]] = field(default_factory=set)


def safe_link(url: str) -> bool:
    """Only http(s), mailto and relative links pass (also used for autolinks and images)."""
    return url_scheme(url) in SAFE_SCHEMES


# A domain name at the start of a relative URL: www.<anything>, or a name ending in a common top-level domain, or in
# one of a country's usual second levels (bbc.co.uk); not every country's own: .md, .py or .sh name files more often
_DOMAIN_LIKE = re.compile(r"(?:www\.[^/?#\s]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\."
                          r"(?:(?:ac|co|com|edu|gov|net|org)\.[a-z]{2}|com|edu|gov|info|int|io|mil|net|news|org))"
                          r"(?:[/?#]|$)", re.IGNORECASE)


def looks_like_domain(url: str) -> bool:
    """Whether a relative ``url`` starts with what reads as a domain name (``www.cnn.com/story``,
    ``cnn.com``): most likely a web address written without its ``https://``, which a browser looks
    for on this site."""
    return url_scheme(url) == "" and _DOMAIN_LIKE.match(url) is not None
