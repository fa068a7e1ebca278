"""Find and read a site's content files safely: size limit, strict UTF-8, no NUL
bytes, no symlinks that leave the site. The only module that reads content."""

from __future__ import annotations

import os
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

    path: Path
    rel: str
    kind: str  # "briefs" or an entity kind


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def decode(data: bytes, rel: str, diagnostics: Diagnostics) -> str | None:
    """Bytes → text: strict UTF-8, BOM dropped, CRLF/CR → LF, NUL refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
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
    return text


def read_text(path: Path, rel: str, diagnostics: Diagnostics, max_size: int) -> str | None:
    """Read one file as text, or report why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_size:
            diagnostics.error(rel, 1, 1, f"the file is {size:,} bytes, over the limit of {max_size:,}",
                              "split it, or raise max_file_size in briefgen.yaml")
            return None
        data = path.read_bytes()
    except OSError as exc:
        diagnostics.error(rel, 1, 1, f"cannot read the file: {exc.strerror or exc}")
        return None
    return decode(data, rel, diagnostics)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def find_content(site_dir: Path, kinds: list[str], diagnostics: Diagnostics) -> list[SourceFile]:
    """Every brief and entity file under ``content/``, in a stable order.

    Briefs may sit in sub-folders of ``content/briefs/``; entity files sit
    directly in ``content/<kind>/``. Symlinks that point outside the site are
    skipped with a warning; unexpected folders and files are reported."""
    root = site_dir.resolve()
    content = site_dir / "content"
    found: list[SourceFile] = []
    if not content.is_dir():
        return found
    known = [BRIEFS, *kinds]
    for entry in sorted(os.scandir(content), key=lambda e: e.name):
        rel = f"content/{entry.name}"
        if entry.name.startswith(".") or entry.name in IGNORED_NAMES:
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
        if entry.name == BRIEFS:
            _walk(Path(entry.path), rel, BRIEFS, BRIEF_SUFFIXES, True, root, found, diagnostics)
        else:
            _walk(Path(entry.path), rel, entry.name, ENTITY_SUFFIXES, False, root, found, diagnostics)
    return found


def _walk(folder: Path, rel: str, kind: str, suffixes: tuple[str, ...], recurse: bool, root: Path,
          found: list[SourceFile], diagnostics: Diagnostics) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        diagnostics.error(rel, 1, 1, f"cannot read the folder: {exc.strerror or exc}")
        return
    for entry in entries:
        name = entry.name
        path = Path(entry.path)
        entry_rel = f"{rel}/{name}"
        if name.startswith(".") or name.startswith("_") or name.endswith("~") or name in IGNORED_NAMES:
            continue
        if entry.is_symlink() and not _inside(path, root):
            diagnostics.warning(entry_rel, 1, 1, "symlink pointing outside the site is ignored",
                                "copy the file into the site instead")
            continue
        if entry.is_dir():
            if recurse:
                _walk(path, entry_rel, kind, suffixes, recurse, root, found, diagnostics)
            else:
                diagnostics.warning(entry_rel, 1, 1, "sub-folders of entity folders are ignored",
                                    f"put entity files directly in content/{kind}/")
            continue
        if not name.endswith(suffixes):
            diagnostics.warning(entry_rel, 1, 1, f"'{name}' is not a content file and is ignored",
                                "briefs end in .md; entities in .yaml or .md")
            continue
        found.append(SourceFile(path, entry_rel, kind))
