"""Where links in rendered text point, and what is allowed: the plain values that
resolving a site makes for Markdown (:mod:`briefgen.markdown`), that the caches keep,
and that pages fill in. Kept apart from the Markdown renderer so that reading and
resolving a site, and a build that finds nothing changed, do not import markdown-it.

Internal links are written as ``ROOT + "kind/id/"``; the page renderer replaces
:data:`ROOT` with the page's relative path to the site root, so one rendering serves
pages at any depth. Only http, https, mailto and relative links survive."""

from __future__ import annotations

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
    - ``"empty-text"``: a ``[[target|]]`` that resolved, with nothing after its ``|``."""

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


def safe_link(url: str) -> bool:
    """Only http(s), mailto and relative links pass (also used for autolinks and images)."""
    return url_scheme(url) in SAFE_SCHEMES

