"""Writing the built site: the output folder check and the atomic swap.

Files are written into a fresh staging folder beside the output; only when
every file is written is anything moved, so a failed or interrupted build
leaves the previous output exactly as it was.

- A full build stages the whole site and swaps it in with two renames
  (:class:`Staging`, :func:`swap`).
- An incremental build stages only the files that changed. The output is moved
  aside, the staged files are moved into it (the files they replace are kept
  in the staging folder), and it is moved back (:func:`commit_changes`). Any
  failure on the way puts every file back; unchanged files are never touched,
  so they keep their modification time. A build killed in that short window
  leaves the output beside its place; the next build puts it back and rebuilds
  it in full (:func:`recover`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from .cache import CACHE_DIR
from .diagnostics import UsageError

MARKER = ".briefgen-output"
MARKER_TEXT = "This folder is written by briefgen build; anything in it may be replaced.\n"
SOURCE_FOLDERS = ("content", "static", "templates", "themes", "i18n")  # read by the build: output there would feed back


def placement_problem(site_dir: Path, out_dir: Path) -> str | None:
    """Why ``out_dir`` can never be a site's output folder, wherever it stands, or None: what it is
    (the filesystem root, a home folder, the site folder or one holding it, a folder the build reads).
    ``briefgen.yaml``'s ``output_dir`` is checked with it too (:mod:`briefgen.config`)."""
    site = site_dir.resolve()
    out = out_dir.resolve()
    if out == Path(out.anchor):
        return "the filesystem root"
    if out == Path.home().resolve():
        return "your home folder"
    if out == site:
        return "the site folder itself"
    if site.is_relative_to(out):
        return "a folder that holds the site folder"
    for source in SOURCE_FOLDERS:
        if out.is_relative_to(site / source):
            return f"inside the site's {source}/ folder, which the build reads"
    if out.is_relative_to(site / CACHE_DIR):  # (what builds keep between them, drafts included: never published)
        return ("" if out == site / CACHE_DIR else "inside ") + f"the site's build cache folder, {CACHE_DIR}/"
    return None


def check_output_dir(site_dir: Path, out_dir: Path) -> None:
    """Refuse output folders a build must never replace (raises :class:`UsageError`)."""
    out = out_dir.resolve()
    problem = placement_problem(site_dir, out_dir)
    if problem is not None:
        raise UsageError(f"refusing to build into {out}: it is {problem}; choose a folder of its own, such as "
                         "site/ (--out, or output_dir in briefgen.yaml)")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output path {out} is a file, not a folder")
    above = next((p for p in out.parents if p.exists()), None)  # the nearest folder that is there
    if above is not None and not above.is_dir():
        raise UsageError(f"cannot build into {out}: {above} is a file, not a folder; choose another --out")
    if out.is_dir():
        if (out / "content").exists() or (out / "briefgen.yaml").exists():
            raise UsageError(f"refusing to build into {out}: it holds content/ or briefgen.yaml (a site folder)")
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise UsageError(f"refusing to replace {out}: it is not empty and was not made by briefgen "
                             "(empty it, or choose another folder with --out)")


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def staging_folder(out_dir: Path) -> Path:
    """A new folder beside the output, with the permissions a plain ``mkdir`` would give it (not
    mkdtemp's 0700: the output must stay readable by a web server running as another user)."""
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=parent))
    except OSError as exc:  # a build makes its output beside where it goes: the folder must be writable
        raise UsageError(f"cannot make the output folder {out_dir.resolve()}: {exc.strerror or exc} "
                         f"({exc.filename or parent}); choose another --out, in a folder you can write to") from None
    path.chmod(0o777 & ~_UMASK)
    return path


def safe_relpath(rel: str) -> str:
    """A relative output path that cannot leave the output folder."""
    parts = rel.replace("\\", "/").split("/")
    if rel.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\x00" in rel:
        raise ValueError(f"unsafe output path {rel!r}")
    return rel


class Staging:
    """A fresh folder beside the output that a build writes into."""

    def __init__(self, out_dir: Path):
        self.path = staging_folder(out_dir)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


UNDO = ".briefgen-undo"  # inside the staging folder: the files an incremental commit replaced


def commit_changes(staging: Path, out: Path, changed: list[str], deleted: list[str]) -> None:
    """Move the staged files ``changed`` (relative paths) into ``out`` and remove ``deleted``, all or
    nothing. ``staging`` is removed."""
    out = out.resolve()
    undo = staging / UNDO
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.updating-", dir=out.parent))
    aside.rmdir()
    moves: list[tuple[Path, Path]] = []  # (from, to), in the order done
    made: list[Path] = []  # folders created in the output
    os.replace(out, aside)
    try:
        for rel in [*deleted, *changed]:
            current = aside / safe_relpath(rel)
            if current.is_file() or current.is_symlink():
                backup = undo / rel
                backup.parent.mkdir(parents=True, exist_ok=True)
                os.replace(current, backup)
                moves.append((current, backup))
        # Folders the deleted files leave empty: a full build would not have them, and a changed file
        # may take one's place (a static folder replaced by a file of its name). Undo makes them again.
        for rel in deleted:
            folder = (aside / safe_relpath(rel)).parent
            while folder != aside:
                try:
                    folder.rmdir()
                except OSError:
                    break
                folder = folder.parent
        for rel in changed:
            target = aside / rel
            _make_parents(target.parent, aside, made)
            os.replace(staging / rel, target)
            moves.append((staging / rel, target))
        os.replace(aside, out)
    except BaseException:
        for src, dst in reversed(moves):
            with contextlib.suppress(OSError):
                src.parent.mkdir(parents=True, exist_ok=True)  # (a folder the deleted files left empty)
                os.replace(dst, src)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        if aside.exists() and not out.exists():
            os.replace(aside, out)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)


def _make_parents(folder: Path, root: Path, made: list[Path]) -> None:
    missing = []
    while folder != root and not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


@contextlib.contextmanager
def exclusive(out_dir: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Builds into ``out_dir`` one at a time: a lock on the folder it is in (made if missing), held while the
    body runs and released when it ends, or when the process does (a killed build leaves no lock). A second
    build waits, after calling ``waiting``, rather than clean away the first one's staging folder
    (:func:`recover`) or write its cache files at the same time. Where the system has no ``flock`` (Windows),
    builds are not kept apart. A lock this thread holds already is held again (``briefgen deploy`` holds it
    from its build until it has read the output)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    parent = out_dir.resolve().parent
    holder = (parent, threading.get_ident())
    if holder in list(_LOCKS.values()):  # (a copy: another thread may take or drop a lock meanwhile)
        yield
        return
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent, os.O_RDONLY)
    _LOCKS[fd] = holder
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        del _LOCKS[fd]
        os.close(fd)


# The lock's descriptors held by this process, with the folder each locks and the thread that holds it. A
# flock belongs to the open file, which a forked worker would share: it is closed in every child, so that the
# lock ends with the build, not with the last worker to exit.
_LOCKS: dict[int, tuple[Path, int]] = {}


def _close_locks_in_child() -> None:
    for fd in _LOCKS:
        with contextlib.suppress(OSError):
            os.close(fd)
    _LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_locks_in_child)


def recover(out_dir: Path) -> bool:
    """Clean what an interrupted build left beside ``out_dir``. An output moved aside by a killed
    commit is put back; returns True when that happened (its state is then unknown)."""
    out = out_dir.resolve()
    parent = out.parent
    if not parent.is_dir():
        return False
    recovered = False
    for entry in sorted(parent.iterdir()):
        name = entry.name
        if not name.startswith(f".{out.name}.") or not entry.is_dir() or entry.is_symlink():
            continue
        kind = name[len(out.name) + 2:].split("-", 1)[0]
        if kind == "updating" and not out.exists() and (entry / MARKER).is_file():
            os.replace(entry, out)
            recovered = True
        elif kind in ("building", "old", "updating"):
            shutil.rmtree(entry, ignore_errors=True)
    return recovered


def swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with two renames; the old tree is removed last."""
    if not out.exists():
        os.replace(staging, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.replace(out, old)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
