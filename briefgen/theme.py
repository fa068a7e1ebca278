"""Themes: an ordered list of template folders (site ``templates/`` → the theme
→ its parents) and of static folders, and the Jinja environment over them."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
import yaml

from .diagnostics import UsageError

MAX_THEME_DEPTH = 5


def builtin_themes_dir() -> Path:
    """Folder of the themes shipped inside the package (top-level ``themes/`` in the repository)."""
    return Path(str(resources.files("briefgen.themes")))


@dataclass(frozen=True)
class Theme:
    """A resolved theme: where templates and static files come from, in lookup order."""

    name: str
    template_dirs: tuple[Path, ...]  # first wins
    static_dirs: tuple[Path, ...]  # copied in this order, so later ones win

    def environment(self) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.template_dirs]),
            autoescape=True,  # every template is HTML or XML
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters["atom_date"] = atom_date
        return env

    def files(self) -> list[Path]:
        """Every template and static file, for change detection (serve, caches)."""
        out = []
        for folder in (*self.template_dirs, *self.static_dirs):
            if folder.is_dir():
                out += sorted(p for p in folder.rglob("*") if p.is_file())
        return out


def atom_date(value: str) -> str:
    """An ISO date or datetime as an RFC 3339 timestamp (a bare date is midnight UTC)."""
    return value + "T00:00:00Z" if len(value) == 10 else value


def _find_theme(site_dir: Path, name: str) -> Path:
    local = site_dir / "themes" / name
    if local.is_dir():
        return local
    builtin = builtin_themes_dir() / name
    if builtin.is_dir():
        return builtin
    raise UsageError(f"theme '{name}' not found: looked in {local} and the built-in themes (default)")


def load_theme(site_dir: Path, name: str) -> Theme:
    """Resolve ``name`` and its ``extends:`` chain (declared in ``theme.yaml``)."""
    chain: list[Path] = []
    current: str | None = name
    while current:
        if len(chain) >= MAX_THEME_DEPTH or any(p.name == current for p in chain):
            raise UsageError(f"theme '{name}' extends itself or nests more than {MAX_THEME_DEPTH} themes")
        folder = _find_theme(site_dir, current)
        chain.append(folder)
        current = None
        meta = folder / "theme.yaml"
        if meta.is_file():
            try:
                data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                raise UsageError(f"{meta}: cannot read theme.yaml: {exc}") from None
            if not isinstance(data, dict):
                raise UsageError(f"{meta}: theme.yaml must be a mapping such as 'extends: default'")
            unknown = set(data) - {"extends", "name", "description"}
            if unknown:
                raise UsageError(f"{meta}: unknown key(s) {', '.join(sorted(unknown))}; "
                                 "known: extends, name, description")
            parent = data.get("extends")
            if parent is not None and not isinstance(parent, str):
                raise UsageError(f"{meta}: 'extends' must be a theme name such as default")
            current = parent
    templates = [site_dir / "templates", *(p / "templates" for p in chain)]
    statics = [*(p / "static" for p in reversed(chain)), site_dir / "static"]
    return Theme(name, tuple(p for p in templates if p.is_dir()), tuple(p for p in statics if p.is_dir()))
