"""The Jinja environment of a theme, and template errors as located diagnostics.

Kept apart from :mod:`briefgen.theme` (which finds a theme's folders) so that a
build with nothing to render — no change, or only briefs' bodies patched in
(:mod:`briefgen.patch`) — does not import Jinja at all."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import traceback
from collections.abc import Sequence
from pathlib import Path

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context, Macro
from markupsafe import Markup

from . import fragments
from .diagnostics import ContentError, Diagnostic, did_you_mean
from .i18n import Strings, default_strings
from .theme import walk

try:  # MarkupSafe 3's escaping of a plain str; older versions: markupsafe.escape as it is
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover - MarkupSafe 2
    _escape_inner = None


def _fast_escape(value: object, _str=str, _markup=Markup, _new=str.__new__, _inner=_escape_inner) -> str:
    """What :func:`markupsafe.escape` gives for a template's ``{{ }}``, without its cost per call (a build
    makes millions): a :class:`Markup` as it is; a ``str`` escaped, and *not* wrapped in a new Markup.
    Compiled templates call ``escape`` only on a value they output, and every piece of output is only
    ever joined to others (into the page, or into a macro's, block's or ``set`` block's markup, which
    Jinja wraps as a whole): so the text is the same, and copying each value into a Markup, which cost
    more than escaping it, is not needed. Anything else as markupsafe does it."""
    kind = type(value)
    if kind is _str:
        return _inner(value)
    if kind is _markup:
        return value
    if hasattr(value, "__html__"):
        return _new(_markup, value.__html__())
    return _inner(_str(value))


_escape = _fast_escape if _escape_inner is not None else markupsafe.escape


class _Template(jinja2.Template):
    """Compiled templates call :func:`_escape` where Jinja's code calls ``escape`` (markupsafe's), and
    know whether they show a brief's body verbatim (``body_verbatim``, see :class:`_CodeGenerator`)."""

    body_verbatim: bool | None = None

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        namespace["escape"] = _escape  # the compiled module's own global: nothing else sees it
        template = super()._from_namespace(environment, namespace, globals)
        template.body_verbatim = namespace.get("briefgen_body_verbatim")
        return template


class _CodeGenerator(CodeGenerator):
    """Jinja's code for a template, and one more module constant: whether the template shows a brief's
    body verbatim (:func:`briefgen.marks.tree_verbatim`), worked out from the tree being compiled, so
    that a build that loads the template compiled need not parse it again to know (28 ms for the
    default theme)."""

    def visit_Template(self, node, frame=None):
        from .marks import tree_verbatim  # marks imports the renderer, which imports this module

        verbatim = tree_verbatim(node)  # before Jinja's optimizer rewrites parts of the tree
        super().visit_Template(node, frame)
        self.writeline(f"briefgen_body_verbatim = {verbatim!r}")


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
                return __obj.get(args[0], args[1:], kwargs) if args else __obj(*args, **kwargs)
            except StopIteration:
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception")
        return super().call(__obj, *args, **kwargs)


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by an earlier build, kept in a folder that builds share
    (:func:`briefgen.theme.compiled_templates_folder`; loading one costs about a twentieth of compiling
    it: 3 ms against 75 ms for the default theme). One file per template file (named by the template's
    name and path), holding a checksum of the template's source and of ``salt`` (briefgen's code and
    Jinja's version: the environment's options and filters shape the code): a changed template, or
    another version of briefgen or Jinja, compiles it again and replaces the file, so the folder does
    not grow with every upgrade. A file that cannot be read or written is no error: the template is
    compiled as it would be without this cache."""

    def __init__(self, folder: Path, salt: bytes, language: str = ""):
        super().__init__(str(folder), "%s.jinja")
        self.salt = salt
        self.language = language  # one file per template and language: sites in two languages do not take turns

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(repr((name, filename, self.language)).encode("utf-8", "surrogatepass")).hexdigest()[:40]

    def get_source_checksum(self, source: str) -> str:
        return hashlib.sha256(self.salt + source.encode("utf-8", "surrogatepass")).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # damaged or unreadable: compiled again (and the file replaced)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class _Loader(jinja2.FileSystemLoader):
    """Jinja's loader over the theme's folders, for files that are not what it expects: a file that is not
    UTF-8 is a template error located in it (Jinja's own loader lets a ``UnicodeDecodeError`` through, which
    names no template), and a UTF-8 byte order mark, which some Windows editors write, is not output."""

    def get_source(self, environment, template):
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            filename = next((path for path in (os.path.join(folder, *template.split("/")) for folder in self.searchpath)
                             if os.path.isfile(path)), None)
            line = exc.object[:exc.start].count(b"\n") + 1
            raise jinja2.TemplateSyntaxError(f"the file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} on line "
                                             f"{line}); save it as UTF-8", line, template, filename) from None
        return source.removeprefix("\ufeff"), filename, uptodate

    def list_templates(self) -> list[str]:
        """Every name a template can be loaded by: every file in the folders, whatever its name (``_meta.j2``,
        ``.partials/x.html``), in symlinked folders too (Jinja's own list leaves out what loading them finds:
        :func:`briefgen.marks.body_verbatim` must see every template a page can include)."""
        found = set()
        for folder in self.searchpath:
            found.update(path.relative_to(folder).as_posix() for path in walk(Path(folder)))
        return sorted(found)


class ThemeEnvironment(jinja2.Environment):
    """A Jinja environment that knows the site folder, to name template files in error messages.

    Its templates escape through :func:`_escape` and call macros through :class:`_Context`
    (both give exactly what Jinja's own do, faster; they use Jinja 3.1's and MarkupSafe's
    internals, so ``pyproject.toml`` keeps Jinja below 3.2 until they are checked again)."""

    site_dir: Path | None = None
    theme_file: Path | None = None  # where a problem of the whole theme is located (briefgen.theme.Theme.source)
    template_class = _Template
    context_class = _Context
    code_generator_class = _CodeGenerator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._failed: dict[str, jinja2.TemplateSyntaxError] = {}  # see _load_template
        self.recursed: dict[str, tuple[str, list[Diagnostic]]] = {}  # see briefgen.render.render_page

    def _load_template(self, name, globals):
        """Jinja's, but a template that does not compile is compiled once: its error is raised again for every
        later page that uses it (a build renders every page to report every template error, and compiling a
        broken template again for each of 10,000 pages would take seconds). An environment lives while the
        theme's files are the same (:func:`briefgen.writer.environment`)."""
        error = self._failed.get(name)
        if error is not None:
            raise error.with_traceback(None)
        try:
            return super()._load_template(name, globals)
        except jinja2.TemplateSyntaxError as exc:
            self._failed[name] = exc
            raise


def strings_filter(strings: Strings):
    """The ``t`` filter: ``{{ "key" | t }}``, ``{{ "key" | t(name=value, count=n) }}`` give the string ``key``
    as markup, its placeholders filled in with the values escaped (markup as it is). With a constant key
    and no values, Jinja calls it when it compiles the template, so the text costs nothing per page
    (the compiled templates' checksum holds the strings' digest)."""
    plain = {key: markupsafe.escape(value).format() for key, value in strings.values.items()
             if isinstance(value, str) and "{" not in value.replace("{{", "")}
    counted: dict[tuple[str, object], Markup] = {}  # by number: what a string given only count= gives for it

    def t(key: str, **fields: object) -> Markup:
        if not fields:
            found = plain.get(key)
            if found is not None:
                return found
        elif len(fields) == 1 and type(fields.get("count")) is int:
            found = counted.get((key, fields["count"]))
            if found is None:
                found = made(key, fields)
                if len(counted) < 10_000:
                    counted[key, fields["count"]] = found
            return found
        return made(key, fields)

    def made(key: str, fields: dict[str, object]) -> Markup:
        count = fields.get("count")
        if "count" in fields and not isinstance(count, jinja2.Undefined) and (type(count) is bool
                                                                           or not isinstance(count, int)):
            # ("1" took the plural for other than 1, 2.5 was shown as it is, and French rules failed on a str)
            raise jinja2.TemplateRuntimeError(f"the string {key!r} is given count={count!r} ({type(count).__name__}), "
                                              "which is not a whole number: give it an int, e.g. count=items | "
                                              "length or count=n | int")
        try:
            return markupsafe.escape(strings.form(key, fields.get("count"))).format(**fields)  # type: ignore[arg-type]
        except KeyError as exc:
            if key not in strings.values:
                close = did_you_mean(key, strings.values)
                raise jinja2.TemplateRuntimeError(f"unknown string {key!r}: no en.yaml of the theme names it"
                                                  f"{' (' + close + ')' if close else ''}; docs/themes.md, Languages"
                                                  ) from None
            raise jinja2.TemplateRuntimeError(f"the string {key!r} needs a value for {{{exc.args[0]}}}: "
                                              f"write {{{{ {key!r} | t({exc.args[0]}=…) }}}}") from None
        except (ValueError, TypeError) as exc:
            raise jinja2.TemplateRuntimeError(str(exc)) from None

    return t


def environment(template_dirs: Sequence[Path], site_dir: Path | None, strings: Strings | None = None,
                compiled: Path | None = None) -> ThemeEnvironment:
    """Autoescaping (every template is HTML), strict about undefined names, over ``template_dirs`` (first
    wins), with the site's ``strings`` (the built-in theme's English when None); keeping compiled
    templates in the folder ``compiled`` (:class:`CompiledTemplates`), if given."""
    env = ThemeEnvironment(
        loader=_Loader([str(p) for p in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates are not checked for changes on every use (a stat per template and page): an
        # environment lives while the theme's files are the same (briefgen.writer.environment).
        auto_reload=False,
    )
    env.site_dir = site_dir
    strings = strings or default_strings()
    env.filters["t"] = strings_filter(strings)
    if compiled is not None:
        from .cache import code_digest

        env.bytecode_cache = CompiledTemplates(compiled, code_digest() + jinja2.__version__.encode() + strings.digest,
                                               strings.language.lower())
    fragments.reset(env)
    return env


def template_error(exc: Exception, env: jinja2.Environment, page_path: str) -> ContentError | None:
    """A problem raised while rendering a template, as a diagnostic located in the template file
    (relative to the site folder when inside it). ``None`` when no template is to blame."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    code = ""  # where the line is, as Jinja names it in the traceback: top-level template code, a block, a macro
    if filename is None:  # a runtime error: Jinja puts the template's file and line in the traceback
        searchpath = [str(Path(p).resolve()) for p in getattr(env.loader, "searchpath", [])]
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if any(str(Path(frame.filename).resolve()).startswith(p) for p in searchpath):
                filename, line, code = frame.filename, frame.lineno, frame.name
                break
    if filename is None and not isinstance(exc, jinja2.TemplateError):
        return None
    imported = _NOT_EXPORTED.match(getattr(exc, "message", None) or "") if isinstance(exc, jinja2.UndefinedError) \
        else None
    if imported is not None:  # at its import, as the message says: not where the name is used
        with contextlib.suppress(Exception):
            filename, line = env.get_template(imported["into"]).filename, int(imported["line"])
    elif filename is None and isinstance(exc, jinja2.TemplateNotFound):  # a page template no folder of the theme has
        filename = getattr(env, "theme_file", None)
        line = 1
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
        if filename is not None and filename == getattr(env, "theme_file", None):  # the theme lacks a page template
            from .render import PAGE_TEMPLATES  # (render imports this module)

            missing = [name for name in PAGE_TEMPLATES if name != exc.name and not _found(env, name)]
            if missing:
                message += f"; nor are {', '.join(missing)}" if len(missing) > 1 else f"; nor is {missing[0]}"
            hint = ("add each to the theme's templates/ (or the site's), or extend a theme that has them: extends: "
                    "default in its theme.yaml (docs/themes.md)")
    elif imported is not None:
        message = f"template error while rendering {page_path}: {exc.message}"
        template = imported["template"]
        hint = (f"{imported['name']!r} is not a macro of {template}: a {template} of the site's or a theme's replaces "
                "the one after it whole, so it must have every macro the templates import (docs/themes.md)")
    elif isinstance(exc, RecursionError) and code == "top-level template code":
        # {% extends %} or {% include %} of itself (found first again), or templates that include each other
        message = f"template error while rendering {page_path}: it extends or includes itself, without end"
        hint = ("a template found first on the path is found again by its own name: extend or include another "
                "name (docs/themes.md, 'Where templates and static files come from')")
    elif isinstance(exc, RecursionError):  # a macro, a block or a recursive loop that calls itself every time
        message = (f"template error while rendering {page_path}: a macro, block or recursive loop here calls itself "
                   "(directly or through others) without end")
        hint = "make the call depend on something that changes, e.g. {% if n < 10 %}{{ r(n + 1) }}{% endif %}"
    else:
        text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        message = f"template error while rendering {page_path}: {text}"
        hint = "fix the template; docs/themes.md lists what each template receives"
    return ContentError([Diagnostic(str(where), line or 1, 1, "error", message, hint)])


def _found(env: jinja2.Environment, name: str) -> bool:
    """Whether a folder of the theme has the template ``name``."""
    try:
        env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        return False
    except Exception:  # there, if not readable: the page that uses it says so
        return True
    return True


# Jinja's message for a name that a {% from … import … %} asks for and the template does not have
_NOT_EXPORTED = re.compile(r"the template '(?P<template>.+)' \(imported on line (?P<line>\d+) in '(?P<into>.+)'\) "
                           r"does not export the requested name '(?P<name>.+)'$")
