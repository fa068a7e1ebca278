"""What a long-lived process (``briefgen serve``) keeps between builds of one output.

After a build, the resolved site stays in memory with what it was made from.
When the next build finds that only Markdown bodies changed — every changed
file parses, but for its body, to exactly the object it parsed to before — the
kept site is reused: the new bodies are put in, only their Markdown is rendered
again, and loading, parsing and resolving the whole site are skipped, as is
rebuilding the views shared between pages (links, brief summaries, claims).
Pages are not walked either: a body shows on its owner's page and in the search
index only, so those are rendered (:func:`briefgen.writer.render_bodies`) and
every other file of the last build is kept as it is.
That is sound because resolution and those views never read a body; a theme
or model change that made them do so would show in tests/test_incremental.py,
which builds both ways and compares with a cold build. Anything else (a changed
front matter, a file added or removed, a failed build, another process writing
the same output) drops back to the full path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import Cache, FileEntry, dumps, loads
from .diagnostics import Diagnostic, Diagnostics
from .model import Brief, Entity
from .reading import Scan
from .stages import render_markdown, report, texts

if TYPE_CHECKING:  # not imported at run time: a build with nothing to render starts without them
    from .resolve import Site
    from .writer import TrackedViews

KEEP = 2  # outputs remembered at once (a preview needs one)


@dataclass
class Kept:
    identity: tuple  # the cache files this state matches (cache.Cache.identity after the build)
    pages_key: bytes
    drafts: bool
    sources: tuple  # (rel, kind) of every content file, in order
    objects: dict[str, Brief | Entity]  # the site's object for each file that is in it
    site: Site
    views: TrackedViews
    resolve_diagnostics: list[Diagnostic]
    markdown: list = field(default_factory=list)  # (text, Markdown) of every Markdown text, in order
    html_urls: list[str] | None = None  # the site's HTML pages, as the last build listed them for the sitemap
    changed: list = field(default_factory=list)  # the briefs and entities whose bodies this build put in


_KEPT: dict[Path, Kept] = {}


def keep(out: Path, kept: Kept) -> None:
    _KEPT.pop(out.resolve(), None)
    _KEPT[out.resolve()] = kept
    while len(_KEPT) > KEEP:
        del _KEPT[next(iter(_KEPT))]


def forget(out: Path) -> None:
    """Keep nothing for ``out`` (a build that records nothing for the next one: ``--no-cache``)."""
    _KEPT.pop(out.resolve(), None)


def reuse(out: Path, found: Scan, cache: Cache, new: Cache, pages_key: bytes, drafts: bool,
          diagnostics: Diagnostics, jobs: int) -> Kept | None:
    """The kept state with the changed bodies put in and rendered, or None when it cannot be used.
    Taken out of the store: a build that fails must not leave a half-updated site behind."""
    kept = _KEPT.pop(out.resolve(), None)
    if (kept is None or kept.identity != cache.identity or kept.pages_key != pages_key or kept.drafts != drafts
            or kept.sources != tuple((s.rel, s.kind) for s in found.sources)):
        return None
    changes = body_changes(found, cache)
    if changes is None:
        return None
    bodies: list[tuple[Brief | Entity, str]] = []
    for rel, body in changes.items():
        obj = kept.objects.get(rel)
        if obj is None:
            continue  # a draft left out of this build
        if isinstance(obj, Entity) and bool(obj.body.strip()) != bool(body.strip()):
            return None  # an entity body appears or disappears: a text more or less, not worth a special case
        bodies.append((obj, body))
    for obj, body in bodies:
        obj.body = body
    kept.changed = [obj for obj, _ in bodies]
    changed = {id(obj) for obj, _ in bodies}
    rendered = {id(item.owner): (item, entry) for item, entry in
                render_markdown(kept.site, Diagnostics(), cache, new, jobs, texts(kept.site, changed))}
    kept.markdown = [rendered.get(id(item.owner), (item, entry)) for item, entry in kept.markdown]
    new.markdown.clear()
    for item, entry in kept.markdown:
        new.markdown[item.key] = entry
    for source, entry in zip(found.sources, found.entries, strict=True):
        diagnostics.extend(entry.diagnostics)
        new.parsed[source.rel] = entry
    diagnostics.extend(kept.resolve_diagnostics)
    for item, entry in kept.markdown:
        report(kept.site, item, entry, diagnostics)
    return kept


def body_changes(found: Scan, cache: Cache) -> dict[str, str] | None:
    """The new body of every content file that changed since the build ``cache`` comes from, by
    path, when each changed in its Markdown body alone and no file came or went; else None."""
    if len(found.sources) != len(cache.parsed):
        return None
    changes: dict[str, str] = {}
    for source, entry in zip(found.sources, found.entries, strict=True):
        old = cache.parsed.get(source.rel)
        if old is None:
            return None
        if entry.digest == old.digest:
            continue
        body = _new_body(old, entry)
        if body is None:
            return None
        changes[source.rel] = body
    return changes


def _new_body(old: FileEntry, new: FileEntry) -> str | None:
    """The new body when the file changed in its Markdown body alone, else None."""
    if old.blob is None or new.blob is None or old.diagnostics != new.diagnostics:
        return None
    before, after = loads(old.blob), loads(new.blob)
    if not isinstance(after, (Brief, Entity)):
        return None
    body = after.body
    after.body = before.body
    return body if dumps(after) == old.blob else None


def kept_from(identity: tuple, pages_key: bytes, drafts: bool, sources: tuple, objects: list, site: Site,
              views: TrackedViews, resolve_diagnostics: list[Diagnostic], markdown: list[tuple]) -> Kept:
    """``sources``: (rel, kind) of every content file, in order (see :attr:`Kept.sources`)."""
    return Kept(identity, pages_key, drafts, sources, {o.path: o for o in objects}, site, views,
                resolve_diagnostics, markdown)


