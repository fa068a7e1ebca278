"""Themes: an ordered list of template folders (site ``templates/`` → the theme
→ its parents) and of static folders, and the Jinja environment over them.

A theme is a folder with ``templates/`` and/or ``static/`` and an optional
``theme.yaml`` (``extends: default``). A site-local theme lives in
``themes/<name>/`` of the site; built-in themes ship in the package. The
lookup is documented in docs/themes.md."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
import yaml
from jinja2.runtime import Context, Macro
from markupsafe import Markup, _escape_inner

from . import fragments
from .diagnostics import ContentError, Diagnostic, UsageError

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


def _escape(value: object, _str=str, _markup=Markup, _new=str.__new__, _inner=_escape_inner) -> Markup:
    """What :func:`markupsafe.escape` returns, without its cost per call (a build makes millions, one per
    ``{{ }}``): a :class:`Markup` is returned as it is (it is immutable and already safe), a ``str`` is
    escaped and wrapped without going through ``Markup.__new__``; anything else as markupsafe does it."""
    kind = type(value)
    if kind is _str:
        return _new(_markup, _inner(value))
    if kind is _markup:
        return value
    if hasattr(value, "__html__"):
        return _new(_markup, value.__html__())
    return _new(_markup, _inner(_str(value)))


class _Template(jinja2.Template):
    """Compiled templates call :func:`_escape` where Jinja's code calls ``escape`` (markupsafe's)."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        namespace["escape"] = _escape  # the compiled module's own global: nothing else sees it
        return super()._from_namespace(environment, namespace, globals)


class _Context(Context):
    """A template context whose ``call`` goes straight to macros (:func:`briefgen.fragments.call_macro`)
    and to the ``cached`` global, which takes neither the context nor the environment: the same result
    as Jinja's, without the checks for ``pass_context`` and the general argument binding that cost more
    than many macros (every ``{{ macro(...) }}`` is a call)."""

    def call(__self, __obj, *args, **kwargs):
        kind = type(__obj)
        if kind is Macro or kind is fragments.Fragments:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            try:
                if kind is Macro:  # Jinja passes it the evaluation context (its autoescaping)
                    return fragments.call_macro(__obj, __self.eval_ctx, args, kwargs)
                return __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


class ThemeEnvironment(jinja2.Environment):
    """A Jinja environment that knows the site folder, to name template files in error messages.

    Its templates escape through :func:`_escape` and call macros through :class:`_Context`
    (both give exactly what Jinja's own do, faster)."""

    site_dir: Path | None = None
    template_class = _Template
    context_class = _Context


@dataclass(frozen=True)
class Theme:
    """A resolved theme: where templates and static files come from, in lookup order."""

    name: str
    template_dirs: tuple[Path, ...]  # first wins
    static_dirs: tuple[Path, ...]  # copied in this order, so later ones win
    site_dir: Path | None = None

    def environment(self) -> ThemeEnvironment:
        env = ThemeEnvironment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.template_dirs]),
            autoescape=True,  # every template is HTML
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Templates are not checked for changes on every use (a stat per template and page): an
            # environment lives while the theme's files are the same (briefgen.writer.environment).
            auto_reload=False,
        )
        env.site_dir = self.site_dir
        fragments.reset(env)
        return env

    def files(self) -> list[Path]:
        """Every template and static file, for change detection (serve, caches)."""
        out = []
        for folder in (*self.template_dirs, *self.static_dirs):
            if folder.is_dir():
                out += sorted(p for p in folder.rglob("*") if p.is_file())
        return out


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
    known = sorted(set(builtin_themes()) | {p.name for p in (site_dir / "themes").glob("*") if p.is_dir()})
    raise UsageError(f"theme '{name}' not found: looked in {site_dir / 'themes' / name} and the built-in themes "
                     f"(known: {', '.join(known)})")


def _read_meta(folder: Path) -> dict:
    meta = folder / "theme.yaml"
    if not meta.is_file():
        return {}
    try:
        data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
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
        folder = _find_theme(site_dir, current, [p.resolve() for p in chain])
        chain.append(folder)
        current = _read_meta(folder).get("extends")
    templates = [site_dir / "templates", *(p / "templates" for p in chain)]
    statics = [*(p / "static" for p in reversed(chain)), site_dir / "static"]
    return Theme(name, tuple(p for p in templates if p.is_dir()), tuple(p for p in statics if p.is_dir()),
                 site_dir)


def template_error(exc: Exception, env: jinja2.Environment, page_path: str) -> ContentError | None:
    """A problem raised while rendering a template, as a diagnostic located in the template file
    (relative to the site folder when inside it). ``None`` when no template is to blame."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename is None:  # a runtime error: Jinja puts the template's file and line in the traceback
        searchpath = [str(Path(p).resolve()) for p in getattr(env.loader, "searchpath", [])]
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if any(str(Path(frame.filename).resolve()).startswith(p) for p in searchpath):
                filename, line = frame.filename, frame.lineno
                break
    if filename is None and not isinstance(exc, jinja2.TemplateError):
        return None
    where = filename or getattr(exc, "name", None) or "templates"
    site_dir = getattr(env, "site_dir", None)
    if filename and site_dir is not None:
        try:
            where = Path(filename).resolve().relative_to(Path(site_dir).resolve()).as_posix()
        except ValueError:
            where = filename
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template {exc.name!r} not found (rendering {page_path})"
        hint = "add it to the site's templates/ or the theme, or fix the name"
    else:
        text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        message = f"template error while rendering {page_path}: {text}"
        hint = "fix the template; docs/themes.md lists what each template receives"
    return ContentError([Diagnostic(str(where), line or 1, 1, "error", message, hint)])
