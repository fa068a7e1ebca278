"""Rendering Markdown, cached and parallel: every brief body, claim note and
entity body to HTML. A text is rendered again unless the same text, at the same
place, with the same entities to link on first mention, was rendered before and
every ``[[link]]`` in it still resolves to the same page.

Markdown is rendered after resolution, by workers that inherit the site (reading
content files, before it, is :mod:`briefgen.reading`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import parallel
from .cache import Cache, Markdown, digest, text_digest
from .diagnostics import Diagnostics
from .markdown import RenderEnv, make_markdown, render, render_inline
from .model import Brief, Entity
from .resolve import Site

MARKDOWN_CHUNK = 64

_PARSERS: dict[bool, object] = {}


def _parser(html: bool):
    """One markdown-it instance per process and setting."""
    md = _PARSERS.get(html)
    if md is None:
        md = _PARSERS[html] = make_markdown(html=html)
    return md


@dataclass(slots=True)
class _Text:
    """One Markdown text to render: where it goes and what it is rendered from."""

    owner: object  # Brief, Claim or Entity
    path: str  # the file, for diagnostics
    inline: bool
    text: str
    mentions: list
    first_line: int
    first_col: int
    key: bytes


def _text_key(*parts) -> bytes:
    """The cache key of a Markdown text: ``text_digest`` of ``parts`` with the text (the first part)
    given by its own digest. ``repr`` of a long text with non-ASCII letters checks every character for
    printability (50 µs for a 4 kB body, most of this function); hashing its UTF-8 bytes is ~15x faster."""
    return text_digest(digest(parts[0].encode("utf-8", "surrogatepass")), *parts[1:])


class _Keys:
    """The cache key of each Markdown text: a digest of the text, of what it is (a brief's body, a claim's
    note, an entity's body), where it starts, and for a brief's body the entities it links on first mention
    (each entity's part is digested once per process)."""

    def __init__(self, html: bool):
        self.html = html
        self.each: dict[str, bytes] = {}  # an entity's page -> digest of its mention (names, page, title)

    def __call__(self, item: _Text) -> bytes:
        owner, html = item.owner, self.html
        if isinstance(owner, Brief):
            pieces = []
            for m in item.mentions:
                piece = self.each.get(m.target.path)
                if piece is None:
                    piece = self.each[m.target.path] = text_digest(m.names, m.target.path, m.target.title)
                pieces.append(piece)
            return _text_key(item.text, "brief", html, item.first_line, b"".join(pieces))
        if isinstance(owner, Entity):
            return _text_key(item.text, "entity", html, item.first_line)
        return _text_key(item.text, "note", html, item.first_line, item.first_col)


def texts(site: Site, bodies_of: set[int] | None = None, keyed: bool = True) -> list[_Text]:
    """Every Markdown text of the site, in a stable order; with ``bodies_of`` (ids of briefs and
    entities), only the bodies of those. Without ``keyed``, their cache keys are left empty
    (:class:`_Keys` makes them where they are rendered)."""
    out = []
    for brief in site.briefs:
        if bodies_of is None or id(brief) in bodies_of:
            out.append(_Text(brief, brief.path, False, brief.body, site.mentions_for(brief), brief.body_line, 1, b""))
        for claim in brief.claims if bodies_of is None else ():
            if claim.note:
                if claim.note_lines:  # (located in the note's own lines, then in the file: report())
                    out.append(_Text(claim, brief.path, True, claim.note, [], 1, 1, b""))
                else:
                    at = claim.note_pos or claim.pos
                    out.append(_Text(claim, brief.path, True, claim.note, [], at.line, at.col, b""))
    for entity in site.entities.values():
        if entity.body.strip() and (bodies_of is None or id(entity) in bodies_of):
            out.append(_Text(entity, entity.path, False, entity.body, [], entity.body_line, 1, b""))
    if keyed:
        key = _Keys(site.config.markdown_html)
        for item in out:
            item.key = key(item)
    return out


def _render_one(site: Site, item: _Text) -> Markdown:
    resolutions: list = []

    def resolve(target: str):
        found = site.link_target(target)
        resolutions.append((target, found))
        return found

    env = RenderEnv(resolve, item.mentions, item.first_line, item.first_col)
    md = _parser(site.config.markdown_html)
    html = render_inline(md, item.text, env) if item.inline else render(md, item.text, env)
    return Markdown(html, tuple((p.line, p.col, p.target, p.kind) for p in env.problems), tuple(resolutions))


def render_markdown(site: Site, diagnostics: Diagnostics, cache: Cache, new: Cache, jobs: int,
                    items: list[_Text] | None = None,
                    meanwhile: Callable[[], None] | None = None) -> list[tuple[_Text, Markdown]]:
    """Every brief body, claim note and entity body (or just ``items``) to HTML, reusing what the
    cache holds; their unresolved ``[[links]]`` go to ``diagnostics``. Returns each text with its result
    (the texts no longer hold their Markdown and mentions: they are let go once rendered).

    ``meanwhile`` is called once in this process, while forked workers start rendering (and
    before this process renders any): work that Markdown does not depend on, which would
    otherwise leave a core idle (a build's cross-linking of the site, :func:`briefgen.resolve.cross_link`)."""
    pending = [meanwhile] if meanwhile is not None else []

    def run_pending() -> None:
        while pending:
            pending.pop()()

    # With nothing in the cache to look up (a cold build), the texts' keys are made where they are
    # rendered, in parallel, rather than all here first.
    keyed = items is not None or bool(cache.markdown)
    items = texts(site, keyed=keyed) if items is None else items
    results: list[Markdown | None] = []
    todo: list[int] = []
    for i, item in enumerate(items):
        entry = cache.markdown.get(item.key) if keyed else None
        if entry is not None and all(site.link_target(t) == target for t, target in entry.resolutions):
            results.append(entry)
        else:
            results.append(None)
            todo.append(i)
    if todo:
        chunks = [todo[i:i + MARKDOWN_CHUNK] for i in range(0, len(todo), MARKDOWN_CHUNK)]

        def work(claims, in_parent: bool):
            if in_parent:
                run_pending()
            key = _Keys(site.config.markdown_html)
            for c in claims:
                yield [(i, items[i].key or key(items[i]), _render_one(site, items[i])) for i in chunks[c]]

        def receive(done) -> None:
            for i, key, entry in done:
                items[i].key, results[i] = key, entry

        # A worker's results are sent chunk by chunk while it renders, not in one tail at the end.
        parallel.stream(work, jobs, len(chunks), receive)
    run_pending()
    site.new_report()
    for item, entry in zip(items, results, strict=True):
        new.markdown[item.key] = entry
        if isinstance(item.owner, (Brief, Entity)):
            item.owner.html = entry.html
        else:
            item.owner.note_html = entry.html
        report(site, item, entry, diagnostics)
        item.text, item.mentions = "", []  # rendered: only where it goes (owner, path, key) is needed now
    return list(zip(items, results, strict=True))


def report(site: Site, item: _Text, entry: Markdown, diagnostics: Diagnostics) -> None:
    lines = getattr(item.owner, "note_lines", None) if item.inline else None
    for line, col, target, kind in entry.problems:
        if lines:
            line, col = in_block(lines, item.text, line, col)
        diagnostics.warning(item.path, line, col, *problem_message(site, target, kind))


def in_block(lines: tuple[tuple[int, int, int], ...], text: str, line: int, col: int) -> tuple[int, int]:
    """The file line and column of ``line``:``col`` of the ``text`` of a scalar written over several lines
    (1-based, in the text's own lines), whose ``lines`` start where :func:`briefgen.load._block_lines` found them."""
    own = text.split("\n")
    offset = sum(len(each) + 1 for each in own[:line - 1]) + col - 1
    start, file_line, file_col = next((each for each in reversed(lines) if each[0] <= offset), lines[0])
    return file_line, file_col + max(offset - start, 0)


def problem_message(site: Site, target: str, kind: str) -> tuple[str, str]:
    """The message and hint of a :class:`briefgen.links.Problem` of ``kind`` about ``target``."""
    if kind == "unclosed":
        return (f"link [[{target} is not closed with ]]",
                "close it with ]]; in a table, write the | of [[target|text]] as \\|")
    if kind == "empty-text":
        found = site.link_target(target)
        shown = f"{found.title!r}" if found is not None else "its target's name"
        return (f"link [[{target}|]] has no text after its |; it shows {shown}",
                f"write [[{target}]], or the link's text after the |")
    what, _, why = kind.partition("-")
    if why == "scheme":
        return (f"{what} {target!r} is shown as text: only http, https, mailto and relative links are published",
                "write an https:// or mailto: address, or the text alone; docs/security.md says why")
    if why == "domain":
        return (f"{what} {target!r} has no https://, so it is looked for on this site",
                f"write https://{target} if it is on another site")
    return site.link_problem(target)
