"""The cached, parallel halves of loading: reading and parsing content files,
and rendering Markdown. Both give exactly what doing the work again would:

- a content file whose size and mtime match the cache (and that did not change
  within :data:`~briefgen.cache.RACY_NS` of the last scan) is not read again;
  one whose bytes match is not parsed again; its diagnostics come back with it;
- a Markdown text is rendered again unless the same text, at the same place,
  with the same entities to link on first mention, was rendered before and
  every ``[[link]]`` in it still resolves to the same page.

Parsing happens before the site exists, so workers forked for it are small;
Markdown is rendered after resolution, by workers that inherit the site."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import parallel
from .cache import Cache, FileEntry, Markdown, digest, dumps, loads, text_digest
from .config import SiteConfig
from .diagnostics import Diagnostics
from .load import load_brief, load_entity
from .markdown import RenderEnv, make_markdown, render, render_inline
from .model import Brief, Entity
from .resolve import Site
from .sources import SourceFile, find_content, read_text

PARSE_CHUNK = 64
MARKDOWN_CHUNK = 64


@dataclass
class Scan:
    """The content files of a site and, for each, its cache entry once read or reused."""

    sources: list[SourceFile]
    entries: list[FileEntry | None]
    parsed: dict[int, Brief | Entity | None]  # objects parsed in this process, by source index
    inputs: bytes = b""  # digest of every file's path, kind and content

    def release(self) -> None:
        """Let go of the files, their cache entries and parsed objects (the pickled files alone are about
        60 MB at 10,000 briefs) once the site is made from them and they are written: only ``inputs`` is
        used after that."""
        self.sources, self.entries, self.parsed = [], [], {}


def scan(site_dir: Path, config: SiteConfig, diagnostics: Diagnostics, cache: Cache, jobs: int,
         meanwhile: Callable[[], None] | None = None) -> Scan:
    """Find every content file and read (and parse) those the cache does not vouch for. When workers
    parse them, ``meanwhile`` is called here while they do (:func:`briefgen.parallel.stream`)."""
    sources = find_content(site_dir, list(config.entity_kinds), diagnostics)
    entries: list[FileEntry | None] = []
    todo: list[int] = []
    for i, source in enumerate(sources):
        entry = cache.parsed.get(source.rel)
        if entry is None:  # read in any case (a cold build: every file), and stat'ed there
            entries.append(None)
            todo.append(i)
            continue
        try:
            st = os.stat(source.path)
            stat = (st.st_size, st.st_mtime_ns)
        except OSError:
            stat = None
        if stat == (entry.size, entry.mtime_ns) and not cache.racy(entry.mtime_ns):
            entries.append(entry)
        else:
            entries.append(None)
            todo.append(i)
    result = Scan(sources, entries, {})
    if todo:
        chunks = [todo[i:i + PARSE_CHUNK] for i in range(0, len(todo), PARSE_CHUNK)]

        def work(claims, in_parent: bool):
            # Parsing makes trees (nodes, model objects), no cycles, and a worker exits once done: the
            # cyclic collector, which a forked worker turns on, would only walk young objects again and
            # again (the build process itself keeps it off while it loads the site).
            collecting = gc.isenabled()
            gc.disable()
            try:
                for c in claims:
                    done = []
                    for i in chunks[c]:
                        entry, obj = _read_one(sources[i], config, cache.parsed.get(sources[i].rel))
                        done.append((i, entry.as_tuple(), obj if in_parent else None))
                    yield done
            finally:
                if collecting:
                    gc.enable()

        def receive(done) -> None:
            # Unpickled as each chunk comes in, while the workers parse the next ones, rather than all
            # at once after them with a core idle (about 0.4 s at 10,000 briefs).
            for i, fields, obj in done:
                entries[i] = entry = FileEntry(*fields)
                if obj is None and entry.blob is not None:
                    obj = loads(entry.blob)
                if obj is not None:
                    result.parsed[i] = obj

        # Workers parse; this process, which keeps the site, is spared what parsing leaves behind.
        parallel.stream(work, jobs, len(chunks), receive, parent_works=False, meanwhile=meanwhile)
    result.inputs = text_digest(*((s.rel, s.kind, e.digest) for s, e in zip(sources, entries, strict=True)))
    return result


def _read_one(source: SourceFile, config: SiteConfig, old: FileEntry | None) -> tuple[FileEntry, object]:
    """Read one file; parse it unless its bytes are those the cache already parsed."""
    found = Diagnostics()
    try:
        st = os.stat(source.path)
        stat = (st.st_size, st.st_mtime_ns)
    except OSError:
        stat = (-1, -1)
    text = read_text(source.path, source.rel, found, config.max_file_size)
    if text is None:
        return FileEntry(*stat, b"", None, tuple(found.items)), None
    text_hash = digest(text.encode("utf-8", "surrogatepass"))
    if old is not None and old.digest == text_hash:
        return FileEntry(*stat, text_hash, old.blob, old.diagnostics), None
    if source.kind == "briefs":
        obj = load_brief(source.rel, text, config, found)
    else:
        obj = load_entity(source.rel, source.kind, text, config, found)
    return FileEntry(*stat, text_hash, dumps(obj) if obj is not None else None, tuple(found.items)), obj


def model(found: Scan, diagnostics: Diagnostics, new: Cache, drafts: bool) -> tuple[list[Brief], list[Entity]]:
    """The parsed briefs and entities (from this process or unpickled from the cache), in file order."""
    briefs: list[Brief] = []
    entities: list[Entity] = []
    shared: dict[str, str] = {}
    for i, (source, entry) in enumerate(zip(found.sources, found.entries, strict=True)):
        new.parsed[source.rel] = entry
        diagnostics.extend(entry.diagnostics)
        if entry.blob is None:
            continue
        obj = found.parsed.get(i)
        if obj is None:
            obj = loads(entry.blob)
        _share(obj, shared)
        if source.kind == "briefs":
            if drafts or not obj.draft:
                briefs.append(obj)
        else:
            entities.append(obj)
    return briefs, entities


def _share(obj: Brief | Entity, shared: dict[str, str]) -> None:
    """Make the texts that many files repeat (entity kinds, references, tags, outlets, claim statuses
    and claimants) one string each: every file is unpickled (or parsed) on its own, with its own copies.
    The lists are copied to their exact length on the way (unpickling leaves room for more)."""
    one = shared.setdefault
    if isinstance(obj, Entity):
        obj.kind = one(obj.kind, obj.kind)
        return
    obj.tags = [one(t, t) for t in obj.tags][:]
    obj.refs = {one(kind, kind): refs[:] for kind, refs in obj.refs.items()}
    for refs in obj.refs.values():
        for ref in refs:
            ref.text = one(ref.text, ref.text)
    obj.sources = obj.sources[:]
    for source in obj.sources:
        source.outlet = one(source.outlet, source.outlet)
    obj.claims = obj.claims[:]
    for claim in obj.claims:
        claim.status = one(claim.status, claim.status)
        if claim.by is not None:
            claim.by = one(claim.by, claim.by)
        if claim.source is not None:
            claim.source = one(claim.source, claim.source)
        claim.about = claim.about[:]
        for ref in claim.about:
            ref.text = one(ref.text, ref.text)


# --- Markdown ------------------------------------------------------------------------------------------------

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
    return Markdown(html, tuple((p.line, p.col, p.target, p.unclosed) for p in env.problems), tuple(resolutions))


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
    for item, entry in zip(items, results, strict=True):
        new.markdown[item.key] = entry
        if isinstance(item.owner, (Brief, Entity)):
            item.owner.html = entry.html
        else:
            item.owner.note_html = entry.html
        report(item, entry, diagnostics)
        item.text, item.mentions = "", []  # rendered: only where it goes (owner, path, key) is needed now
    return list(zip(items, results, strict=True))


def report(item: _Text, entry: Markdown, diagnostics: Diagnostics) -> None:
    for line, col, target, unclosed in entry.problems:
        if unclosed:
            diagnostics.warning(item.path, line, col, f"link [[{target} is not closed with ]]",
                                "close it with ]]; in a table, write the | of [[target|text]] as \\|")
        else:
            diagnostics.warning(item.path, line, col, f"link [[{target}]] points to no entity or brief",
                                "use an entity id, name or alias, or a brief's slug")
