"""Themes: an ordered list of template folders (site ``templates/`` → the theme
→ its parents) and of static folders. The Jinja environment over them is
:mod:`briefgen.templating`'s (not imported by a build that renders nothing).

A theme is a folder with ``templates/`` and/or ``static/`` and an optional
``theme.yaml`` (``extends: default``). A site-local theme lives in
``themes/<name>/`` of the site; built-in themes ship in the package. The
lookup is documented in docs/themes.md."""

from __future__ import annotations

import contextlib
import os
import re
import stat
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .diagnostics import UsageError

if TYPE_CHECKING:
    from .diagnostics import Diagnostics
    from .i18n import Strings
    from .templating import ThemeEnvironment

MAX_THEME_DEPTH = 5
THEME_KEYS = ("extends", "name", "description")
_THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def builtin_themes_dir() -> Path:
    """Folder of the themes shipped inside the package (top-level ``themes/`` in the repository).

    A source checkout run without being installed (``PYTHONPATH=checkout python -m briefgen``, as
    ``bench/run.py`` does) has no ``briefgen.themes`` package: its ``themes/`` folder is used."""
    checkout = Path(__file__).resolve().parent.parent / "themes"
    if (checkout / "__init__.py").is_file() and (Path(__file__).resolve().parent.parent / "pyproject.toml").is_file():
        return checkout
    return Path(str(resources.files("briefgen.themes")))


def builtin_themes() -> list[str]:
    return sorted(p.name for p in builtin_themes_dir().iterdir() if p.is_dir() and not p.name.startswith("_"))


@dataclass(frozen=True)
class Theme:
    """A resolved theme: where templates and static files come from, in lookup order."""

    name: str
    template_dirs: tuple[Path, ...]  # first wins
    static_dirs: tuple[Path, ...]  # copied in this order, so later ones win
    site_dir: Path | None = None
    i18n_dirs: tuple[Path, ...] = ()  # strings (briefgen.i18n): first wins
    folder: Path | None = None  # the theme's own folder (the first of its extends: chain)

    def environment(self, strings: Strings, compiled: Path | None = None) -> ThemeEnvironment:
        """The Jinja environment over the theme's template folders (:mod:`briefgen.templating`), with its
        ``strings``, keeping compiled templates in the folder ``compiled`` if given."""
        from .templating import environment  # Jinja is imported only by builds that render

        env = environment(self.template_dirs, self.site_dir, strings, compiled)
        env.theme_file = self.source()
        return env

    def source(self) -> Path | None:
        """Where the theme is declared, to locate a problem of the whole theme (a page template it lacks): its
        ``theme.yaml``, or its folder when it has none."""
        if self.folder is None:
            return None
        meta = self.folder / "theme.yaml"
        return meta if meta.is_file() else self.folder

    def strings(self, language: str, diagnostics: Diagnostics) -> Strings:
        """The theme's strings in ``language`` (:mod:`briefgen.i18n`), problems with their files reported."""
        from .i18n import load

        return load(self.i18n_dirs, self.site_dir or Path(), language, diagnostics)

    def files(self) -> list[Path]:
        """Every template, static and strings file, for change detection (the build cache): the templates
        as the template loader finds them (:func:`walk`: through symlinked folders too), the static files as
        a build copies them (:func:`static_walk`)."""
        out = []
        for folder in self.template_dirs:
            out += sorted(walk(folder))
        for folder in self.static_dirs:
            out += sorted(static_walk(folder))
        for folder in self.i18n_dirs:
            if folder.is_dir():
                out += sorted(p for p in folder.rglob("*") if p.is_file())
        return out


def walk(folder: Path, inside: Path | None = None, dotted: bool = True, avoid: tuple[Path, ...] = (),
         refused: list[Path] | None = None) -> list[Path]:
    """Every regular file under ``folder`` (in no set order), by the path it is reached through: symlinked
    folders are walked too, as reading a path follows them, but a real folder at most once on any one way
    down, so a symlink loop is not walked without end. With ``inside`` (a resolved folder), a symlink is
    followed only when it points there (static files: docs/security.md). Without ``dotted``, names that
    start with ``.`` are left out, but for a ``.well-known`` folder at the top. A file or folder that is, or
    is inside, one of ``avoid`` (resolved folders) is not walked: its path goes to ``refused``. Dangling
    symlinks and anything but regular files and folders (FIFOs, sockets, devices) are skipped."""
    try:
        real = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        return []
    out: list[Path] = []
    avoided = tuple(str(a) for a in avoid)
    _walk(folder, real, inside, dotted, avoided, refused, {real}, out, top=True)
    return out


def _walk(folder: Path, real_folder: Path, inside: Path | None, dotted: bool, avoid: tuple[str, ...],
          refused: list[Path] | None, seen: set[Path], out: list[Path], top: bool = False) -> None:
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not dotted and name.startswith(".") and not (top and name == ".well-known"):
            continue
        path = Path(entry.path)
        try:
            if entry.is_symlink():
                real = path.resolve(strict=True)
                if inside is not None and not real.is_relative_to(inside):
                    continue
                mode = os.stat(real).st_mode
                is_dir, is_file = stat.S_ISDIR(mode), stat.S_ISREG(mode)
            else:  # (the file's type as the folder listing gives it: no system call)
                real = real_folder / name
                is_dir, is_file = entry.is_dir(follow_symlinks=False), entry.is_file(follow_symlinks=False)
        except (OSError, RuntimeError):  # a dangling link, or a loop
            continue
        if avoid and (is_dir or is_file):
            text = str(real)
            if any(text == a or text.startswith(a + os.sep) for a in avoid):
                if refused is not None:
                    refused.append(path)
                continue
        if is_dir:
            if real not in seen:
                _walk(path, real, inside, dotted, avoid, refused, seen | {real}, out)
        elif is_file:
            out.append(path)


def static_walk(tree: Path, avoid: tuple[Path, ...] = (), refused: list[Path] | None = None) -> list[Path]:
    """The files a build copies from the static folder ``tree`` (in no set order; :func:`walk`): a symlink is
    followed only when it points inside the folder that holds ``tree`` (the site, or the theme), and nothing
    at all when ``tree`` itself is a symlink out of it; names that start with ``.`` are left out, but for
    ``.well-known`` at the top. ``avoid`` and ``refused``: as for :func:`walk`."""
    if not tree.is_dir():
        return []
    holder, root = tree.parent.resolve(), tree.resolve()
    if not root.is_relative_to(holder):
        return []
    return walk(tree, holder, dotted=False, avoid=avoid, refused=refused)


def user_cache_folder(name: str, make: bool = True) -> Path | None:
    """The folder ``briefgen/<name>/`` in the user's cache folder (``$XDG_CACHE_HOME`` if it is an absolute
    path, else ``~/.cache``; ``%LOCALAPPDATA%`` on Windows), made if missing. None when there is none, or when
    it (or ``briefgen/``) is not a real folder that only this user may write to: what is kept there holds code
    that builds run (compiled templates, like Python's ``__pycache__``) or the parsed content of sites.
    ``make=False``: None rather than make it."""
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    try:
        # A relative path is ignored, as the XDG specification says.
        root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    except RuntimeError:  # no home folder
        return None
    if not root.is_absolute():  # a relative $HOME
        return None
    folder = root / "briefgen"
    try:
        for path in (folder, folder / name):
            if make:
                with contextlib.suppress(FileExistsError):
                    path.mkdir(mode=0o700, parents=True)
            st = os.lstat(path)
            if not stat.S_ISDIR(st.st_mode):
                return None
            if os.name != "nt" and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                return None
    except OSError:
        return None
    return folder / name


def compiled_templates_folder() -> Path | None:
    """Where builds keep compiled templates: ``briefgen/templates/`` in the user's cache folder
    (:func:`user_cache_folder`)."""
    return user_cache_folder("templates")


def _find_theme(site_dir: Path, name: str, used: list[Path]) -> Path:
    """The folder of theme ``name``: the site's ``themes/<name>/``, else the built-in one.
    A folder already in the chain is skipped, so a local ``default`` may extend the built-in ``default``."""
    if not _THEME_NAME.match(name):
        raise UsageError(f"invalid theme name {name!r}: use letters, digits, '-', '_' or '.'")
    candidates = [site_dir / "themes" / name, builtin_themes_dir() / name]
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in used:
            return folder
    if any(folder.is_dir() for folder in candidates):
        raise UsageError(f"theme '{name}' extends itself (through {' → '.join(p.name for p in used)})")
    raise UsageError(f"theme '{name}' not found: looked in {site_dir / 'themes' / name} and the built-in themes "
                     f"(known: {', '.join(_known(site_dir))})")


def _known(site_dir: Path) -> list[str]:
    return sorted(set(builtin_themes()) | {p.name for p in (site_dir / "themes").glob("*") if p.is_dir()})


def fallback_theme(site_dir: Path) -> Theme:
    """The built-in default theme alone: what a build uses while it reports that the site's theme cannot
    be loaded (:func:`theme_problem`), with every other problem, before it stops without rendering."""
    folder = builtin_themes_dir() / "default"
    return Theme("default", (folder / "templates",), (folder / "static",), site_dir, (folder / "i18n",), folder)


def theme_problem(site_dir: Path, name: str) -> tuple[str, str] | None:
    """What is wrong with the configured theme ``name`` (message, likely fix), or None when it and the themes
    it extends load, so that ``briefgen.yaml`` reports it where it is written (``check`` included)."""
    if not _THEME_NAME.match(name):
        return f"invalid theme name {name!r}", "use letters, digits, '-', '_' or '.', e.g. default"
    if not ((site_dir / "themes" / name).is_dir() or (builtin_themes_dir() / name).is_dir()):
        return (f"theme {name!r} not found in themes/ or the built-in themes",
                f"known: {', '.join(_known(site_dir))}; or make the folder themes/{name}/")
    try:
        load_theme(site_dir, name)
    except UsageError as exc:  # its theme.yaml, or a theme it extends (each message names the file)
        return f"theme {name!r} cannot be used: {exc}", "fix the theme's theme.yaml (docs/themes.md)"
    return None


def _read_meta(folder: Path) -> dict:
    meta = folder / "theme.yaml"
    if not meta.is_file():
        return {}
    try:
        data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
    except yaml.MarkedYAMLError as exc:  # one line: where, and what YAML found
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise UsageError(f"{meta}: cannot read theme.yaml: {where}{exc.problem or exc.context}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"{meta}: cannot read theme.yaml: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{meta}: theme.yaml must be a mapping such as 'extends: default'")
    unknown = sorted(set(map(str, data)) - set(THEME_KEYS))
    if unknown:
        raise UsageError(f"{meta}: unknown key(s) {', '.join(unknown)}; known: {', '.join(THEME_KEYS)}")
    parent = data.get("extends")
    if parent is not None and not isinstance(parent, str):
        raise UsageError(f"{meta}: 'extends' must be a theme name such as default")
    return data


def load_theme(site_dir: Path, name: str) -> Theme:
    """Resolve ``name`` and its ``extends:`` chain (declared in ``theme.yaml``)."""
    chain: list[Path] = []
    current: str | None = name
    while current:
        if len(chain) >= MAX_THEME_DEPTH:
            raise UsageError(f"theme '{name}' nests more than {MAX_THEME_DEPTH} themes through 'extends'")
        try:
            folder = _find_theme(site_dir, current, [p.resolve() for p in chain])
        except UsageError as exc:
            if not chain:
                raise
            raise UsageError(f"{chain[-1] / 'theme.yaml'}: 'extends: {current}': {exc}") from None
        chain.append(folder)
        current = _read_meta(folder).get("extends")
    templates = [site_dir / "templates", *(p / "templates" for p in chain)]
    statics = [*(p / "static" for p in reversed(chain)), site_dir / "static"]
    # The built-in default theme's strings come last whatever the chain: they name every string briefgen itself shows
    builtin = builtin_themes_dir() / "default"
    strings = [site_dir / "i18n", *(p / "i18n" for p in chain if p.resolve() != builtin.resolve()), builtin / "i18n"]
    return Theme(name, tuple(p for p in templates if p.is_dir()), tuple(p for p in statics if p.is_dir()),
                 site_dir, tuple(p for p in strings if p.is_dir()), chain[0])
