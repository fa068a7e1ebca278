"""Find and read a site's content files safely: size limit, strict UTF-8, no NUL
bytes, no symlinks that leave the site. The only module that reads content."""

from __future__ import annotations

import errno
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostics, did_you_mean

BRIEFS = "briefs"
BRIEF_SUFFIXES = (".md", ".markdown")
ENTITY_SUFFIXES = (".yaml", ".yml", ".md")
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep", "README.md", "README.txt"}


@dataclass(frozen=True)
class SourceFile:
    """A content file found in the site: its absolute path and its path relative to the site."""

    path: str  # as os.scandir gives it: a Path per file cost more than the rest of a no-change scan
    rel: str
    kind: str  # "briefs" or an entity kind


# C0 control characters other than tab and line ends, DEL and the C1 controls: never text; invalid in XML
# feeds or, like U+0085 (often a Windows-1252 "…" decoded wrongly), a line break to YAML.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _may_have_control(data: bytes) -> bool:
    """False when the UTF-8 ``data`` cannot hold a :data:`CONTROL` character: none of its ASCII ones as a
    byte, and no C1 one (encoded as ``\\xc2\\x80``–``\\xc2\\x9f``) without a ``\\xc2`` byte. Counting bytes
    is several times faster than searching the text with the pattern, which then finds the first."""
    return b"\xc2" in data or len(data.translate(None, _CONTROL_BYTES)) != len(data)


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, not bytes) of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1


def decode(data: bytes, rel: str, diagnostics: Diagnostics) -> str | None:
    """Bytes → text: strict UTF-8, BOM dropped, CRLF/CR → LF, NUL and other control characters refused,
    Unicode NFC (so a name written with decomposed accents is the same text as one written without)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        diagnostics.error(rel, 1, 1, "the file is UTF-16", "save it as UTF-8 in your editor")
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        diagnostics.error(rel, line, col, "the file contains a NUL byte (it looks binary)",
                          "content files must be plain UTF-8 text")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        diagnostics.error(rel, line, col, f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                          "save the file as UTF-8 in your editor")
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = CONTROL.search(text) if _may_have_control(data) else None
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        diagnostics.error(rel, line, col, f"the file contains the control character U+{ord(bad[0]):04X}",
                          "remove it; it often comes from copying out of a PDF or a terminal, or from "
                          "Windows-1252 text read as Latin-1")
        return None
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):  # editors on macOS may decompose accents
        text = unicodedata.normalize("NFC", text)
    return text


def _read_at_most(fd: int, limit: int, size: int) -> bytes:
    """Up to ``limit`` bytes of the open file ``fd`` of ``size`` bytes (when opened): asked for all of
    it and one byte more at once, with plain reads (a buffered file object costs more than it saves on
    one small file); a file that grew meanwhile is read on, never past ``limit``."""
    chunks: list[bytes] = []
    want = min(size + 1, limit)
    while limit > 0:
        chunk = os.read(fd, min(want, limit))
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
        want = 1 << 16
    return b"".join(chunks)


def read_text(path: str | Path, rel: str, diagnostics: Diagnostics, max_size: int,
              too_big: str = "split it, or raise max_file_size in briefgen.yaml") -> str | None:
    """Read one regular file of at most ``max_size`` bytes as text, or report why it cannot be read.

    Opened without blocking and checked after opening, so a FIFO or device never hangs
    the build, and never more than ``max_size + 1`` bytes are read (a growing file too)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                diagnostics.error(rel, 1, 1, "not a regular file (a pipe, socket or device) and is not read",
                                  "content files must be plain text files")
                return None
            if info.st_size > max_size:
                diagnostics.error(rel, 1, 1, f"the file is {info.st_size:,} bytes, over the limit of {max_size:,}",
                                  too_big)
                return None
            data = _read_at_most(fd, max_size + 1, info.st_size)
        finally:
            os.close(fd)
    except OSError as exc:
        diagnostics.error(rel, 1, 1, f"cannot read the file: {exc.strerror or exc}")
        return None
    if len(data) > max_size:
        diagnostics.error(rel, 1, 1, f"the file is over the limit of {max_size:,} bytes", too_big)
        return None
    return decode(data, rel, diagnostics)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _bad_name(name: str) -> bool:
    """File names with control characters or bytes that are not UTF-8 (they break terminals and other systems)."""
    if name.isascii() and name.isprintable():  # the common case, in C: no control character, no stray byte
        return False
    return bool(CONTROL.search(name)) or any("\udc80" <= c <= "\udcff" for c in name)


def is_editor_temp(name: str) -> bool:
    """Swap, backup and atomic-save files that editors write next to the real one (``serve`` does not rebuild
    for them, and builds do not read them: an autosave left behind must not fail a strict build)."""
    return (
        name.endswith(("~", ".swp", ".swo", ".swx", ".swpx", ".tmp", ".part", ".crdownload", ".kate-swp"))
        or name.startswith((".#", ".goutputstream-", ".~lock.", "flycheck_"))
        or (name.startswith("#") and name.endswith("#"))
        or "___jb_" in name
        or name in {"4913", ".DS_Store", "Thumbs.db"}
    )


def _skipped(name: str) -> bool:
    """Hidden, set aside (``_drafts``), an editor's backup or temporary file (``x.md~``, ``#x.md#``), or a
    system's file: not read."""
    return name.startswith((".", "_")) or name in IGNORED_NAMES or is_editor_temp(name)


def find_content(site_dir: Path, kinds: list[str], diagnostics: Diagnostics) -> list[SourceFile]:
    """Every brief and entity file under ``content/``, in a stable order.

    Briefs may sit in sub-folders of ``content/briefs/``; entity files sit
    directly in ``content/<kind>/``. Symlinks that point outside the site are
    skipped with a warning, and so is a folder reached twice (a symlink loop);
    unexpected folders and files are reported."""
    root = site_dir.resolve()
    content = site_dir / "content"
    found: list[SourceFile] = []
    if content.is_symlink() and not _inside(content, root):
        diagnostics.warning("content", 1, 1, "content/ is a symlink to a folder outside the site and is ignored",
                            "copy the files into the site instead")
        return found
    if not content.is_dir():  # most likely the wrong folder (a site with nothing in it has content/ all the same)
        diagnostics.warning("content", 1, 1, f"there is no content/ folder in {site_dir}: nothing to build",
                            "give the site folder (briefgen build DIR), or make one with briefgen init DIR")
        return found
    known = [BRIEFS, *kinds]
    for entry in sorted(os.scandir(content), key=lambda e: e.name):
        rel = f"content/{entry.name}"
        if _skipped(entry.name):
            continue
        if _bad_name(entry.name):
            diagnostics.error("content", 1, 1, f"the name {entry.name!r} has control characters or is not UTF-8",
                              "rename it")
            continue
        if entry.is_symlink() and not _inside(Path(entry.path), root):
            diagnostics.warning(rel, 1, 1, "symlink to a folder outside the site is ignored",
                                "copy the files into the site instead")
            continue
        if not entry.is_dir():
            diagnostics.warning(rel, 1, 1, "file directly under content/ is ignored",
                                "briefs go in content/briefs/, entities in content/<kind>/")
            continue
        if entry.name not in known:
            diagnostics.warning(rel, 1, 1, f"unknown content folder '{entry.name}' is ignored",
                                did_you_mean(entry.name, known) or f"known folders: {', '.join(known)}")
            continue
        seen = {Path(entry.path).resolve()}
        if entry.name == BRIEFS:
            _walk(Path(entry.path), rel, BRIEFS, BRIEF_SUFFIXES, True, root, found, diagnostics, seen)
        else:
            _walk(Path(entry.path), rel, entry.name, ENTITY_SUFFIXES, False, root, found, diagnostics, seen)
    return found


def _walk(folder: Path, rel: str, kind: str, suffixes: tuple[str, ...], recurse: bool, root: Path,
          found: list[SourceFile], diagnostics: Diagnostics, seen: set[Path]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        diagnostics.error(rel, 1, 1, f"cannot read the folder: {exc.strerror or exc}")
        return
    for entry in entries:
        name = entry.name
        entry_rel = f"{rel}/{name}"
        if _skipped(name):
            continue
        if _bad_name(name):
            diagnostics.error(rel, 1, 1, f"the name {name!r} has control characters or is not UTF-8", "rename it")
            continue
        if entry.is_symlink():
            try:
                os.stat(entry.path)
            except OSError as exc:  # said as what it is, not as a link out of the site
                what = "symlink loop" if exc.errno == errno.ELOOP else "symlink to nothing (its target does not exist)"
                diagnostics.warning(entry_rel, 1, 1, f"{what} is ignored",
                                    "remove the symlink, or point it at a file in the site")
                continue
            if not _inside(Path(entry.path), root):
                diagnostics.warning(entry_rel, 1, 1, "symlink pointing outside the site is ignored",
                                    "copy the file into the site instead")
                continue
        try:
            is_dir = entry.is_dir()
        except OSError:  # a symlink loop
            is_dir = False
        if is_dir:
            if not recurse:
                diagnostics.warning(entry_rel, 1, 1, "sub-folders of entity folders are ignored",
                                    f"put entity files directly in content/{kind}/")
                continue
            path = Path(entry.path)
            real = path.resolve()
            if real in seen:
                diagnostics.warning(entry_rel, 1, 1, "folder already read (a symlink loop) is ignored",
                                    "remove the symlink")
                continue
            seen.add(real)
            _walk(path, entry_rel, kind, suffixes, recurse, root, found, diagnostics, seen)
            continue
        if not name.endswith(suffixes):
            diagnostics.warning(entry_rel, 1, 1, f"'{name}' is not a content file and is ignored",
                                "briefs end in .md; entities in .yaml or .md")
            continue
        found.append(SourceFile(entry.path, entry_rel, kind))
