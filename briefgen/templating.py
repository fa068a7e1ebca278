"""The Jinja environment of a theme, and template errors as located diagnostics.

Kept apart from :mod:`briefgen.theme` (which finds a theme's folders) so that a
build with nothing to render — no change, or only briefs' bodies patched in
(:mod:`briefgen.patch`) — does not import Jinja at all."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from pathlib import Path

import jinja2

from . import fragments
from .diagnostics import ContentError, Diagnostic


class ThemeEnvironment(jinja2.Environment):
    """A Jinja environment that knows the site folder, to name template files in error messages."""

    site_dir: Path | None = None


def environment(template_dirs: Sequence[Path], site_dir: Path | None) -> ThemeEnvironment:
    """Autoescaping (every template is HTML), strict about undefined names, over ``template_dirs`` (first wins)."""
    env = ThemeEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.site_dir = site_dir
    fragments.reset(env)
    return env


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
