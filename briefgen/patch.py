"""Patching the last build's output when only briefs' Markdown bodies changed.

``briefgen serve`` keeps the resolved site in memory, so an edit renders one
page (:mod:`briefgen.session`). A new process — ``briefgen build`` after a
brief was edited — has no site in memory, and loading and resolving it costs
seconds at 10,000 briefs, only to render one page whose every other part is
already in the output. So every full build records, beside the output manifest,
what editing a brief's body needs (``edits.pickle``, :class:`Edits`): where the
body's HTML sits in the brief's page, what rendering the body needs (the
entities it links on first mention, the ``[[links]]`` it resolved, its search
document), and every search term's size. When the next build finds that only
briefs' bodies changed (:func:`briefgen.session.body_changes`), it renders the
new bodies, puts each in its page in place of the old one, and patches the few
search index files whose terms changed (:func:`briefgen.search.patch_files`).

That gives the bytes a full build gives only if the page shows the body as it
is and derives nothing else from it (no length, excerpt or test of it), so a
build records where bodies sit only when the theme's templates show
``brief.html`` in nothing but ``{{ brief.html | safe }}`` and hand neither
``brief`` nor ``page.context`` to anything that could read it
(:func:`briefgen.marks.body_verbatim`); with any other theme every edit takes
the full path. Where the body sits is found while the page renders, by
rendering it between two markers no content can contain, then removing them
(:func:`briefgen.marks.render_marked`).

Anything else — an entity's body, a body with a ``[[link]]`` its last rendering
did not resolve, or whose links do not resolve, a page that is not byte for
byte what the last build wrote, a missing or damaged ``edits.pickle`` — takes
the full path (``None`` from :func:`apply`). This module imports no template
engine: a patching build starts and ends without Jinja."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import search, stages
from .cache import Output, State, digest, dumps, loads, read_edits, write_edits
from .links import ROOT, LinkTarget, Mention, RenderEnv
from .markdown import render as render_markdown
from .model import Brief
from .output import safe_relpath
from .resolve import brief_path

UNRENDERED = b""  # the fingerprint of a patched page: no page has it, so a full build renders that page again


@dataclass
class Edits:
    """What patching the output of one build needs (``edits.pickle``)."""

    inputs: bytes  # State.inputs of that build: the file describes no other output
    # brief file -> its kit, pickled on its own (a build unpickles only the kits of the briefs it patches):
    # (page path, start, length, document number, mentions, resolutions); see :func:`_kit`
    briefs: dict[str, bytes]
    sizes: dict[str, int]  # every search term's size (briefgen.search.patch_files)


def record(inputs: bytes, site, markdown: list, spans: dict[str, tuple | None], sizes: dict[str, int],
           previous: Edits | None) -> Edits:
    """The :class:`Edits` of a build that rendered (or kept) every page. ``markdown``: (text, rendered)
    of every Markdown text; ``spans``: where the body sits in each brief page this build rendered;
    ``previous``: the last build's, for the brief pages this build kept as they were (not rendered)."""
    resolutions = {id(item.owner): entry.resolutions for item, entry in markdown if isinstance(item.owner, Brief)}
    mentions: dict[Any, tuple] = {}  # one tuple per entity, shared by every brief
    old = previous.briefs if previous is not None else {}
    briefs = {}
    for n, brief in enumerate(site.briefs):
        path = brief_path(brief.slug) + "index.html"
        if path in spans:
            span = spans[path]
        else:  # kept: the same bytes as the last build's page, so its body is where it was
            kit = _kit(old.get(brief.path))
            span = kit[1:3] if kit is not None and kit[0] == path else None
        if span is None or id(brief) not in resolutions:
            continue
        linked = tuple(mentions.setdefault(m.target.path, (m.names, m.target)) for m in site.mentions_for(brief))
        briefs[brief.path] = dumps((path, span[0], span[1], n, linked, resolutions[id(brief)]))
    return Edits(inputs, briefs, sizes)


def read(folder: Path, inputs: bytes) -> Edits | None:
    """The :class:`Edits` the build cache in ``folder`` holds for the output of the build whose input
    digest is ``inputs`` (None when there are none, or they are damaged or of another build)."""
    def shape(data: tuple) -> Edits:
        briefs, sizes = data
        if not (type(briefs) is dict and type(sizes) is dict and set(map(type, briefs)) <= {str}
                and set(map(type, briefs.values())) <= {bytes} and set(map(type, sizes)) <= {str}
                and set(map(type, sizes.values())) <= {int}):
            raise ValueError("not an edits file")  # each kit is checked when it is used (_kit)
        return Edits(inputs, briefs, sizes)

    return read_edits(folder, inputs, shape)


def _kit(data: bytes | None) -> tuple | None:
    """A brief's kit from :attr:`Edits.briefs` (None when there is none or it is not one)."""
    if data is None:
        return None
    try:
        kit = loads(data)
    except Exception:  # a damaged or planted file is no cache
        return None
    return kit if _valid_kit(kit) else None


def _valid_kit(kit: Any) -> bool:
    if not (type(kit) is tuple and len(kit) == 6 and type(kit[0]) is str and type(kit[4]) is tuple
            and type(kit[5]) is tuple and all(type(v) is int and v >= 0 for v in kit[1:4])):
        return False
    return (all(type(m) is tuple and len(m) == 2 and type(m[0]) is tuple and all(type(x) is str for x in m[0])
                and type(m[1]) is LinkTarget for m in kit[4])
            and all(type(r) is tuple and len(r) == 2 and type(r[0]) is str
                    and (r[1] is None or type(r[1]) is LinkTarget) for r in kit[5]))


def write(folder: Path, edits: Edits) -> None:
    write_edits(folder, edits.inputs, (edits.briefs, edits.sizes))


# --- a build after an edit ------------------------------------------------------------------------------------

@dataclass
class Patched:
    outputs: dict[str, Output]  # every file of the site, in the order a full build lists them
    files: dict[str, bytes]  # what changed, by path
    removed: list[str]
    edits: Edits


class _Unresolved(Exception):
    """A ``[[link]]`` the last rendering of the body did not look up."""


def apply(out: Path, edits: Edits | None, state: State, changes: dict[str, str], entries: dict,
          config, inputs: bytes) -> Patched | None:
    """The output after the bodies ``changes`` (file -> new body) changed, patched from the last
    build's (``state``, ``edits``); None when it cannot be patched (the caller builds as usual).
    ``entries``: the new :class:`briefgen.cache.FileEntry` of each changed file."""
    if edits is None or edits.inputs != state.inputs or not changes:
        return None
    sizes = dict(edits.sizes)
    briefs = dict(edits.briefs)
    files: dict[str, bytes] = {}
    removed: set[str] = set()
    index_paths: list[str] | None = None
    digests = {p: o.digest for p, o in state.outputs.items() if search.is_index_file(p)}  # kept current below

    def current(path: str) -> bytes:
        data = files.get(path)
        if data is None:
            if path not in state.outputs:  # a kit can only name a file the last build wrote
                raise OSError(f"{path} is not a file of the last build")
            data = (out / safe_relpath(path)).read_bytes()
            if digest(data) != state.outputs[path].digest:
                raise OSError(f"{path} is not what the last build wrote")
        return data

    try:
        for rel, body in sorted(changes.items()):
            kit = _kit(briefs.get(rel))
            entry = entries.get(rel)
            if kit is None or entry is None or entry.blob is None:
                return None  # an entity's body, a draft, a page whose body was not found
            brief = loads(entry.blob)
            if not isinstance(brief, Brief) or any(d.path == rel and d.line >= brief.body_line
                                                   for d in state.diagnostics):
                return None  # the last build reported a problem in this body: let a full build say it again
            path, start, length, n, mentions, known = kit
            resolved, looked_up = dict(known), []

            def resolve(target: str, resolved=resolved, looked_up=looked_up) -> LinkTarget | None:
                if target not in resolved:
                    raise _Unresolved(target)
                looked_up.append((target, resolved[target]))
                return resolved[target]

            env = RenderEnv(resolve, [Mention(names, target) for names, target in mentions], brief.body_line, 1)
            html = render_markdown(stages._parser(config.markdown_html), body, env)
            if env.problems:
                return None
            page = current(path)
            root = "../" * path.count("/")  # the page's way back to the site root (render.Page.root)
            new = html.replace(ROOT, root).encode("utf-8")
            old = page[start:start + length].decode("utf-8")
            files[path] = page[:start] + new + page[start + length:]
            briefs[rel] = dumps((path, start, len(new), n, mentions, tuple(looked_up)))
            strong, other = (brief.title, *brief.tags), (brief.summary,)
            before = search.document_terms(strong, other, old)[1]
            after = search.document_terms(strong, other, html)[1]
            changed, index_paths, gone = search.patch_files(sizes, n, before, after, current, digests)
            files.update(changed)
            digests.update((p, digest(d)) for p, d in changed.items())
            removed.update(gone)
            for p in gone:
                files.pop(p, None)
    except _Unresolved:
        return None
    except (OSError, UnicodeError, ValueError, KeyError):
        return None  # the output is not as the last build left it: build it in full
    outputs: dict[str, Output] = {}
    for path, old in state.outputs.items():  # in the order of a full build's
        if search.is_index_file(path):
            if index_paths is not None:
                for p in index_paths:
                    outputs[p] = _output(files[p], None) if p in files else state.outputs[p]
                index_paths = None
        elif path in files and not _same(old, files[path]):
            outputs[path] = _output(files[path], UNRENDERED)
        else:
            outputs[path] = old
    files = {p: d for p, d in files.items() if not _same(state.outputs.get(p), d)}
    gone = sorted(p for p in removed if p in state.outputs and p not in outputs)
    return Patched(outputs, files, gone, Edits(inputs, briefs, sizes))


def _output(data: bytes, fingerprint: bytes | None) -> Output:
    return Output(digest(data), len(data), fingerprint)


def _same(old: Output | None, data: bytes) -> bool:
    """Whether the last build wrote exactly ``data`` where it wrote ``old``."""
    return old is not None and old.size == len(data) and old.digest == digest(data)
