"""Writing the built site: the output folder check and the atomic swap.

The whole site is written into a fresh folder beside the output; only when
every file is written is it swapped in, so a failed or interrupted build leaves
the previous output exactly as it was."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .diagnostics import UsageError

MARKER = ".briefgen-output"
MARKER_TEXT = "This folder is written by briefgen build; anything in it may be replaced.\n"
SOURCE_FOLDERS = ("content", "static", "templates", "themes")  # read by the build: output there would feed back


def check_output_dir(site_dir: Path, out_dir: Path) -> None:
    """Refuse output folders a build must never replace (raises :class:`UsageError`)."""
    site = site_dir.resolve()
    out = out_dir.resolve()
    home = Path.home().resolve()
    if out == Path(out.anchor):
        raise UsageError(f"refusing to build into the filesystem root {out}; choose an output folder with --out")
    if out == home:
        raise UsageError(f"refusing to build into your home folder {out}; choose an output folder with --out")
    if out == site:
        raise UsageError(f"refusing to build into the site folder itself ({out}); use --out site or another folder")
    if site.is_relative_to(out):
        raise UsageError(f"refusing to build into {out}: it contains the site folder; choose a folder inside it")
    for source in SOURCE_FOLDERS:
        if out.is_relative_to(site / source):
            raise UsageError(f"refusing to build into {out}: it is inside the site's {source}/ folder, which the "
                             "build reads; choose a folder such as site/")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output path {out} is a file, not a folder")
    if out.is_dir():
        if (out / "content").exists() or (out / "briefgen.yaml").exists():
            raise UsageError(f"refusing to build into {out}: it holds content/ or briefgen.yaml (a site folder)")
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise UsageError(f"refusing to replace {out}: it is not empty and was not made by briefgen "
                             "(empty it, or choose another folder with --out)")


def write_site(out_dir: Path, files: Iterable[tuple[str, bytes]], static_trees: Iterable[Path] = ()) -> int:
    """Write ``(relative path, content)`` pairs and copy static folders, then swap into place.

    Returns the number of files written. Paths are checked to stay inside the output."""
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.building-", dir=parent))
    count = 0
    try:
        for tree in static_trees:
            if tree.is_dir():
                shutil.copytree(tree, staging, dirs_exist_ok=True, symlinks=False,
                                ignore=shutil.ignore_patterns(".*"))
        for rel, data in files:
            target = staging / safe_relpath(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            count += 1
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        swap(staging, out_dir.resolve())
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def safe_relpath(rel: str) -> str:
    """A relative output path that cannot leave the output folder."""
    parts = rel.replace("\\", "/").split("/")
    if rel.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\x00" in rel:
        raise ValueError(f"unsafe output path {rel!r}")
    return rel


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
