"""The build cache: what an earlier build parsed, rendered and wrote, kept in the
site folder's ``.briefgen-cache/`` (for the default ``site/``: ``.briefgen-cache/site/``),
or for an output outside the site folder in the user's cache folder
(:func:`cache_folder`). Never inside or beside the output, so it is never published
with it — it holds every parsed file, drafts included. Safe to delete at any time.

Five files, each tagged with the key it is valid for. ``parsed.pickle`` and
``markdown.pickle`` are addressed by content, so they are valid whatever the
output holds; ``state.pickle`` describes the output, so a build removes it
before changing the output and writes it again only once the output is in place:

``parsed.pickle``    every content file's size, mtime and content digest, its
                     parsed brief or entity and its diagnostics. Key: briefgen's
                     code and the site configuration.
``markdown.pickle``  rendered Markdown by a digest of everything it is made
                     from (text, position, linked mentions), with the
                     ``[[links]]`` it resolved so a renamed target invalidates it.
``state.pickle``     the output manifest (path → digest, size and a fingerprint
                     of what the page was rendered from) and the diagnostics
                     and input digest of the build, for no-change rebuilds.
                     Key: code, configuration, theme files and build options.
``edits.pickle``     what patching the output after a brief's body alone changed
                     needs (:mod:`briefgen.patch`): where each brief page shows
                     its body, what rendering the body needs, every search term's
                     size. Key: the input digest of the build that wrote the
                     output; removed with ``state.pickle``.
``terms.pickle``     the search index's terms of each document, by a digest of
                     its texts (:data:`briefgen.search._TERMS`), so that a new
                     process folds only the documents whose texts changed. A
                     memo: any entry it lacks is computed again. Key: as
                     ``parsed.pickle``.

The files hold no time or absolute path, so two builds of one site make the same
bytes. They are read with an unpickler that only builds briefgen's plain model
classes, so a planted cache file cannot run code. A long-lived process
(``briefgen serve``) keeps the last cache in memory and reads the files again
only when another build replaced them."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__

CACHE_DIR = ".briefgen-cache"
FORMAT = 1
PROTOCOL = 5
RACY_NS = 2_000_000_000  # a file changed this close to the last scan is read again, whatever its mtime says

_ALLOWED = {
    "briefgen.model": {"Brief", "Entity", "Claim", "Source", "Ref"},
    "briefgen.schema": {"Pos"},
    "briefgen.diagnostics": {"Diagnostic"},
    "briefgen.links": {"LinkTarget"},
    "datetime": {"date", "datetime", "timezone", "timedelta"},
    "builtins": {"set", "frozenset"},
}


def digest(data: bytes, _sha256=hashlib.sha256) -> bytes:
    """128 bits of SHA-256: outputs, files and fingerprints are told apart by it. SHA-256 rather than
    BLAKE2b because the CPUs of the last years compute it in hardware (x86 SHA extensions, ARMv8):
    1.4 GB/s against 0.7 GB/s on the reference machine, and a cold build digests every output file
    (565 MB at 10,000 briefs)."""
    return _sha256(data).digest()[:16]


def text_digest(*parts: Any) -> bytes:
    """Digest of values with a deterministic ``repr`` (strings, numbers, tuples, frozen dataclasses)."""
    return digest(repr(parts).encode("utf-8", "surrogatepass"))


_FOUND: dict[tuple[str, str], Any] = {}  # allowed classes once looked up: every parsed file is unpickled on its own


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _FOUND.get((module, name))
        if found is not None:
            return found
        if name in _ALLOWED.get(module, ()):
            found = _FOUND[module, name] = super().find_class(module, name)
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a briefgen cache")


def loads(data: bytes) -> Any:
    return _SafeUnpickler(io.BytesIO(data)).load()


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=PROTOCOL)


_CODE: bytes | None = None


def code_digest() -> bytes:
    """briefgen's version, its source files (name, size, mtime) and the Python version."""
    global _CODE
    if _CODE is None:
        package = Path(__file__).resolve().parent
        parts: list[Any] = [__version__, sys.version_info[:2], FORMAT]
        for path in sorted(package.glob("*.py")):
            st = path.stat()
            parts.append((path.name, st.st_size, st.st_mtime_ns))
        _CODE = text_digest(*parts)
    return _CODE


@dataclass
class FileEntry:
    """One content file as the last build read it."""

    size: int
    mtime_ns: int
    digest: bytes
    blob: bytes | None  # the pickled Brief or Entity, None when it did not load
    diagnostics: tuple  # Diagnostic, ... (reading and parsing this file)

    def as_tuple(self) -> tuple:
        return (self.size, self.mtime_ns, self.digest, self.blob, self.diagnostics)


@dataclass(slots=True)
class Markdown:
    html: str
    problems: tuple  # (line, col, target, unclosed) of [[links]] that resolved to nothing or were never closed
    resolutions: tuple  # (text, LinkTarget | None) of every [[link]] looked up


@dataclass(slots=True)
class Output:
    """One file of the built site."""

    digest: bytes
    size: int
    fingerprint: bytes | None  # of what the page was rendered from; None for files not rendered from a page


@dataclass
class State:
    pages_key: bytes  # code + config + theme + options: fingerprints are only comparable under one key
    inputs: bytes  # digest of pages_key and every content file: equal means nothing changed
    outputs: dict[str, Output] = field(default_factory=dict)
    diagnostics: tuple = ()
    statics: dict[str, tuple] = field(default_factory=dict)  # source path -> (size, mtime_ns, digest)


@dataclass
class Cache:
    """Everything one build may reuse, and what it leaves for the next."""

    folder: Path
    parsed: dict[str, FileEntry] = field(default_factory=dict)
    parsed_key: bytes = b""
    state: State | None = None
    scanned_ns: int = 0  # mtime of parsed.pickle: files changed after (minus RACY_NS) are read again
    identity: tuple = ()  # stat of the files as loaded, to notice another build replacing them
    unread_markdown: bool = False  # markdown.pickle is read when ``markdown`` is first used
    _markdown: dict[bytes, Markdown] = field(default_factory=dict, repr=False)

    def racy(self, mtime_ns: int) -> bool:
        return mtime_ns >= self.scanned_ns - RACY_NS

    @property
    def markdown(self) -> dict[bytes, Markdown]:
        """Rendered Markdown by key. Read from ``markdown.pickle`` when first used, so a build that
        renders no Markdown (nothing changed, or bodies patched in: briefgen/patch.py) never reads it."""
        if self.unread_markdown:
            self.unread_markdown = False
            self._markdown = _read_markdown(self.folder / "markdown.pickle", self.parsed_key) or {}
        return self._markdown

    @markdown.setter
    def markdown(self, value: dict[bytes, Markdown]) -> None:
        self.unread_markdown = False
        self._markdown = value

    def share_markdown(self, other: Cache) -> None:
        """Use ``other``'s Markdown, read or not yet (it is read once, by whichever uses it first)."""
        self.unread_markdown, self._markdown = other.unread_markdown, other._markdown


_MEMORY: dict[Path, Cache] = {}


def cache_folder(site_dir: Path, out_dir: Path, make: bool = True) -> Path:
    """Where the cache of the output ``out_dir`` of the site in ``site_dir`` lives. It holds every parsed file,
    drafts included, so it is never in the output nor in any folder the output is in that might be published
    with it (``public/`` of ``--out public/en``; a web server's document root):

    - an output inside the site folder: ``.briefgen-cache/<its path there>`` in the site folder, the path made
      one name (``site/`` → ``.briefgen-cache/site``, ``public/en`` → ``.briefgen-cache/public%2Fen``);
    - an output elsewhere: ``briefgen/builds/<its name>@<a digest of its path>`` in the user's cache folder
      (where compiled templates are kept), else in the site folder's ``.briefgen-cache/``. A name made from a
      path never holds ``@`` (it is quoted), so the two kinds never meet."""
    site, out = site_dir.resolve(), out_dir.resolve()
    if out.is_relative_to(site):
        return site / CACHE_DIR / urllib.parse.quote(out.relative_to(site).as_posix(), safe="")
    from .theme import user_cache_folder  # (theme imports nothing of this module's users)

    name = f"{urllib.parse.quote(out.name, safe='')}@{hashlib.sha256(os.fsencode(out)).hexdigest()[:16]}"
    builds = user_cache_folder("builds", make)
    return (builds if builds is not None else site / CACHE_DIR) / name


OLD_CACHE_FILES = ("parsed.pickle", "markdown.pickle", "terms.pickle", "state.pickle", "edits.pickle")


def remove_beside(out_dir: Path, folder: Path) -> None:
    """Remove the cache that earlier versions of briefgen kept beside the output (``<parent>/.briefgen-cache/<name>``)
    when this output's cache now lives elsewhere (``folder``): for an output such as ``public/en`` it was in
    the folder that is published. Only the cache's own files go, and the folders they leave empty."""
    out = out_dir.resolve()
    old = out.parent / CACHE_DIR / out.name
    if old == folder or not old.is_dir() or old.is_symlink():
        return
    for name in OLD_CACHE_FILES:
        for file in (name, f"{name}.next", f"{name}.tmp", f"{name}.next.tmp"):
            with contextlib.suppress(OSError):
                (old / file).unlink()
    for empty in (old, old.parent):
        try:
            empty.rmdir()
        except OSError:  # something else is in it
            break


def _identity(folder: Path) -> tuple:
    out = []
    for name in ("parsed.pickle", "markdown.pickle", "state.pickle"):
        try:
            st = (folder / name).stat()
            out.append((name, st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            out.append((name, None))
    return tuple(out)


def _read(path: Path, key: bytes | None = None) -> tuple[bytes, Any] | None:
    """``(key, data)`` of a cache file, or None when it is missing, damaged or of another format."""
    try:
        raw = path.read_bytes()
        fmt, file_key, data = loads(raw)
    except Exception:  # a damaged or foreign cache is a cold build, never an error
        return None
    if fmt != FORMAT or (key is not None and file_key != key):
        return None
    return file_key, data


def open_cache(out_dir: Path, folder: Path, parsed_key: bytes, use_memory: bool = True) -> Cache:
    """The cache kept in ``folder`` for ``out_dir`` (empty when there is none or it is for another configuration)."""
    identity = _identity(folder)
    remembered = _MEMORY.get(out_dir.resolve()) if use_memory else None
    cache = Cache(folder, parsed_key=parsed_key, identity=identity)
    if all(len(part) == 2 for part in identity):  # nothing there
        return cache
    if remembered is not None and remembered.identity == identity and remembered.parsed_key == parsed_key:
        cache.share_markdown(remembered)
        cache.state = remembered.state
    else:
        cache.unread_markdown = True
        cache.state = _shaped(folder / "state.pickle", None, _state)
    cache.parsed = _shaped(folder / "parsed.pickle", parsed_key,
                           lambda data: {rel: FileEntry(*entry) for rel, entry in data.items()}) or {}
    try:
        cache.scanned_ns = (folder / "parsed.pickle").stat().st_mtime_ns
    except OSError:
        cache.parsed = {}
    return cache


def _state(file: tuple) -> State:
    pages_key, (inputs, outputs, diagnostics, statics) = file
    return State(pages_key, inputs, {p: Output(*o) for p, o in outputs.items()}, tuple(diagnostics), dict(statics))


def _shaped(path: Path, key: bytes | None, shape: Any) -> Any:
    """A cache file's data made into its objects by ``shape``; None when missing, damaged or of
    another shape (a planted or foreign file is no cache, never an error)."""
    found = _read(path, key)
    if found is None:
        return None
    try:
        return shape(found if key is None else found[1])
    except Exception:
        return None


def _dump(path: Path, data: Any) -> None:
    """Write one cache file whole or not at all (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        pickle.dump(data, f, protocol=PROTOCOL)
    tmp.replace(path)


def write_parsed(cache: Cache, folder: Path) -> None:
    """Write the new ``parsed.pickle`` as ``parsed.pickle.next`` (early, so the parse results need not
    stay in memory while pages render); :func:`commit_parsed` puts it in place once the build succeeded."""
    _dump(folder / "parsed.pickle.next",
          (FORMAT, cache.parsed_key, {rel: e.as_tuple() for rel, e in cache.parsed.items()}))


def commit_parsed(folder: Path, *pending: str) -> None:
    """Put the new ``parsed.pickle`` in place (once the build succeeded), and the files ``pending``
    names that this build wrote as ``<name>.next`` (:func:`write_markdown`, :func:`write_terms`)."""
    for name in ("parsed.pickle", *pending):
        file = folder / f"{name}.next"
        if file.is_file():
            file.replace(folder / name)


PENDING = ("parsed.pickle", "markdown.pickle", "terms.pickle")  # what a build may write as <name>.next


def discard_pending(folder: Path) -> None:
    """A failed build leaves the cache as it was: its pending files are removed, and so are the cache
    folders it made for them (:func:`write_parsed` writes early), if nothing else is in them."""
    for name in PENDING:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            (folder / f"{name}.next").unlink()
    for empty in (folder, folder.parent):
        try:
            empty.rmdir()
        except OSError:  # not empty (an earlier build's cache), or not there
            break


MARKDOWN_BATCH = 256  # texts per pickle of markdown.pickle


def write_markdown(cache: Cache, folder: Path, pending: bool = False) -> None:
    """Write ``markdown.pickle`` into ``folder`` (``pending``: as ``markdown.pickle.next``, which
    :func:`commit_parsed` puts in place once the build succeeded): a pickle of ``(FORMAT, parsed_key,
    count)``, then pickles of up to :data:`MARKDOWN_BATCH` ``(key, HTML as UTF-8, problems, resolutions)``.
    Each HTML text is encoded here, a batch at a time, because pickling a ``str`` that is not ASCII
    leaves a UTF-8 copy inside it for as long as it lives (about 30 MB at 10,000 briefs): so the main
    process can write this file while it still renders pages, without holding a second copy of them."""
    path = folder / ("markdown.pickle.next" if pending else "markdown.pickle")
    path.parent.mkdir(parents=True, exist_ok=True)
    items = list(cache.markdown.items())
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        pickler = pickle.Pickler(f, protocol=PROTOCOL)
        pickler.dump((FORMAT, cache.parsed_key, len(items)))
        for start in range(0, len(items), MARKDOWN_BATCH):
            pickler.clear_memo()  # holds what it pickled (this batch's encoded texts) until cleared
            pickler.dump([(k, m.html.encode("utf-8", "surrogatepass"), m.problems, m.resolutions)
                          for k, m in items[start:start + MARKDOWN_BATCH]])
    tmp.replace(path)


def _read_markdown(path: Path, key: bytes) -> dict[bytes, Markdown] | None:
    """What :func:`write_markdown` wrote, or None when it is missing, damaged or of another key."""
    try:
        stream = io.BytesIO(path.read_bytes())
        fmt, file_key, count = _SafeUnpickler(stream).load()
        if fmt != FORMAT or file_key != key:
            return None
        out: dict[bytes, Markdown] = {}
        while len(out) < count:  # one unpickler per pickle: each was written with a fresh memo
            for k, html, problems, resolutions in _SafeUnpickler(stream).load():
                out[k] = Markdown(html.decode("utf-8", "surrogatepass"), problems, resolutions)
        return out
    except Exception:  # a damaged or foreign cache is a cold build, never an error
        return None


def read_terms(folder: Path, key: bytes) -> dict[bytes, tuple[str, str]]:
    """The search terms memo of ``terms.pickle`` (empty when missing, damaged or of another key)."""
    def shape(data: dict) -> dict[bytes, tuple[str, str]]:
        if not all(type(k) is bytes and type(v) is tuple and len(v) == 2 and all(type(t) is str for t in v)
                   for k, v in data.items()):
            raise ValueError("not a terms memo")
        return data

    return _shaped(folder / "terms.pickle", key, shape) or {}


def write_terms(folder: Path, key: bytes, terms: dict[bytes, tuple[str, str]], pending: bool = False) -> None:
    """Write ``terms.pickle`` (``pending``: as ``terms.pickle.next``, which :func:`commit_parsed` puts in
    place once the build succeeded: the page worker that builds the search index writes it)."""
    _dump(folder / ("terms.pickle.next" if pending else "terms.pickle"), (FORMAT, key, terms))


def drop_state(folder: Path) -> None:
    """Forget the output manifest (and what patching that output needs): called before the output
    changes, so a build stopped half-way leaves no manifest that describes an output that is no longer there."""
    for name in ("state.pickle", "edits.pickle"):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):  # none there, or no cache folder
            (folder / name).unlink()


def read_edits(folder: Path, inputs: bytes, shape: Any) -> Any:
    """``edits.pickle`` made into its object by ``shape`` when it describes the output of the build
    whose input digest is ``inputs``; None when missing, damaged, of another build or shape."""
    return _shaped(folder / "edits.pickle", inputs, shape)


def write_edits(folder: Path, inputs: bytes, data: Any) -> None:
    """Write ``edits.pickle`` (plain data) for the output of the build whose input digest is ``inputs``."""
    _dump(folder / "edits.pickle", (FORMAT, inputs, data))


def write_state(cache: Cache, folder: Path) -> None:
    """Write ``state.pickle`` (the output manifest) into ``folder``, once the output is in place."""
    state = cache.state
    if state is not None:
        outputs = {p: (o.digest, o.size, o.fingerprint) for p, o in state.outputs.items()}
        _dump(folder / "state.pickle",
              (FORMAT, state.pages_key, (state.inputs, outputs, state.diagnostics, state.statics)))


def remember(out_dir: Path, cache: Cache) -> tuple:
    """Keep the Markdown and output state of ``cache`` for the next build into ``out_dir`` in this
    process, as long as its files are the ones just written (parsed files are read again: cheap).
    Returns the identity of those files."""
    identity = _identity(cache.folder)
    kept = _MEMORY[out_dir.resolve()] = Cache(cache.folder, parsed_key=cache.parsed_key, state=cache.state,
                                              identity=identity)
    kept.share_markdown(cache)
    return identity


def forget(out_dir: Path) -> None:
    _MEMORY.pop(out_dir.resolve(), None)


def parsed_changed(old: Cache, new: Cache) -> bool:
    """Whether ``parsed.pickle`` must be written again."""
    if old.parsed.keys() != new.parsed.keys():
        return True
    return any(e is not old.parsed[rel] and (e.as_tuple()[:3] != old.parsed[rel].as_tuple()[:3]
                                              or e.blob is not old.parsed[rel].blob)
               for rel, e in new.parsed.items())
