"""Reading content files: every file found, read and parsed into a brief or an entity,
in workers forked for it, or taken from the build cache. It gives exactly what doing
the work again would: a content file whose size and mtime match the cache (and that
did not change within :data:`~briefgen.cache.RACY_NS` of the last scan) is not read
again; one whose bytes match is not parsed again; its diagnostics come back with it.

Parsing happens before the site exists, so workers forked for it are small. This
module, and what it imports, is all that a build needs before it forks them: the
rest (Markdown, the search index, patching) is imported by the build process while
they parse (:func:`briefgen.build._warm_up`), and not at all by a build that finds
nothing changed."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import parallel
from .cache import Cache, FileEntry, digest, dumps, loads, text_digest
from .config import SiteConfig
from .diagnostics import Diagnostics
from .load import load_brief, load_entity, slug_from_filename
from .model import Brief, Entity, EntityKey
from .sources import SourceFile, find_content, read_text

PARSE_CHUNK = 64


@dataclass
class Scan:
    """The content files of a site and, for each, its cache entry once read or reused."""

    sources: list[SourceFile]
    entries: list[FileEntry | None]
    parsed: dict[int, Brief | Entity | None]  # objects parsed in this process, by source index
    inputs: bytes = b""  # digest of every file's path, kind and content
    drafts: dict[str, str] = field(default_factory=dict)  # slug -> file of each draft brief model() left out

    def release(self) -> None:
        """Let go of the files, their cache entries and parsed objects (the pickled files alone are about
        60 MB at 10,000 briefs) once the site is made from them and they are written: only ``inputs`` is
        used after that."""
        self.sources, self.entries, self.parsed, self.drafts = [], [], {}, {}


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
    # whether content/ is there too: a site without it is warned about, until it has one, even an empty one
    result.inputs = text_digest((site_dir / "content").is_dir(),
                                *((s.rel, s.kind, e.digest) for s, e in zip(sources, entries, strict=True)))
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
    """The parsed briefs and entities (from this process or unpickled from the cache), in file order;
    the drafts left out (unless ``drafts``) go to ``found.drafts``."""
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
                found.drafts.setdefault(obj.slug, source.rel)
        else:
            entities.append(obj)
    return briefs, entities


def unreadable(found: Scan) -> dict[EntityKey, str]:
    """The content files whose errors left no entity or brief, by the key their file name gives: an
    entity's ``(kind, id)``, a brief's ``("briefs", slug)`` (the slug its file name gives)."""
    out: dict[EntityKey, str] = {}
    for source, entry in zip(found.sources, found.entries, strict=True):
        if entry.blob is None:
            name = slug_from_filename(source.rel) if source.kind == "briefs" else PurePosixPath(source.rel).stem
            out[source.kind, name] = source.rel
    return out


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
