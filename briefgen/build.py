"""The build pipeline: load → validate → render → write.

``check`` is loading and validation; ``build`` adds rendering and the atomic
write; ``serve`` calls ``build`` again on every change.

Each step reuses what the last build into the same output left in its cache
(:mod:`briefgen.cache`) and shares its work with forked workers
(:mod:`briefgen.parallel`):

1. scan the content files; read and parse only those that changed
   (:mod:`briefgen.reading`). When nothing changed since the last build (content,
   configuration, theme, options, briefgen itself) and its output is intact,
   stop here: there is nothing to write (nor anything of the later steps to import);
2. resolve the site (:func:`briefgen.resolve.resolve_site`), then render the
   Markdown that changed (:mod:`briefgen.stages`) while cross-linking it
   (:func:`briefgen.resolve.cross_link`);
3. render the pages whose inputs changed and stage the files whose bytes
   changed (:mod:`briefgen.writer`);
4. commit: swap in a full new output, or move the changed files into the
   previous one (:mod:`briefgen.output`). The output is byte-identical either
   way, and with any number of workers."""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache as caching
from . import output, parallel, reading, schema
from .cache import (
    Cache,
    State,
    cache_folder,
    code_digest,
    digest,
    forget,
    open_cache,
    remember,
    remove_beside,
    text_digest,
)
from .config import SiteConfig, load_config, localized, not_a_site
from .diagnostics import ContentError, Diagnostic, Diagnostics, UsageError
from .output import MARKER, check_output_dir
from .progress import ProgressLine
from .resolve import cross_link, resolve_site
from .theme import Theme, compiled_templates_folder, fallback_theme, load_theme

if TYPE_CHECKING:
    from .i18n import Strings
    from .resolve import Site


@dataclass
class BuildOptions:
    site_dir: Path
    out_dir: Path | None = None
    drafts: bool = False
    strict: bool = False
    base_url: str | None = None
    jobs: int | None = None  # worker processes; None: one per CPU
    progress: bool = True
    session: bool = False  # a long-lived process that rebuilds after edits (serve): keep what makes that fast
    cache: bool = True  # False (--no-cache): a one-off build (CI) neither reads nor writes the build cache
    cache_dir: Path | None = None  # where the build cache is kept; None: cache.cache_folder's choice
    command: str = "build"  # the command that builds, as messages name it


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic]
    out_dir: Path
    pages_written: int = 0
    pages_unchanged: int = 0
    seconds: float = 0.0
    changed: list[str] = field(default_factory=list)  # output paths written, in site order

    def summary(self) -> str:
        warnings = sum(d.severity == "warning" for d in self.diagnostics)
        files = "file" if self.pages_written == 1 else "files"
        text = (f"Built {self.out_dir}: {self.pages_written} {files} written, {self.pages_unchanged} unchanged, "
                f"in {self.seconds:.2f} s")
        return text + (f"; {warnings} warning(s)" if warnings else "")


def _site_dir(path: Path, command: str) -> Path:
    if not path.exists():
        raise UsageError(f"site folder {path} does not exist")
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder")
    problem = not_a_site(path, command)
    if problem is not None:
        raise problem
    return path


def _config(site_dir: Path, diagnostics: Diagnostics, base_url: str | None) -> SiteConfig:
    config = load_config(site_dir, diagnostics)
    if base_url is not None:
        if not base_url.startswith(("http://", "https://")):
            raise UsageError(f"--base-url must start with http:// or https://, not {base_url!r}")
        problem = schema.base_url_problem(base_url)
        if problem is not None:
            raise UsageError(f"--base-url {base_url!r} is not a site's address: {problem}")
        config = replace(config, base_url=base_url if base_url.endswith("/") else base_url + "/")
    return config


def _parsed_key(config: SiteConfig) -> bytes:
    """What parsing and Markdown depend on besides the files themselves."""
    return text_digest("parsed", code_digest(), config)


def load_site(site_dir: Path, diagnostics: Diagnostics, *, drafts: bool = False, base_url: str | None = None,
              cache: Cache | None = None, jobs: int = 1) -> Site:
    """Read, parse, resolve and render the Markdown of every file; problems go to ``diagnostics``."""
    from . import stages  # Markdown (see _build)

    config = _config(site_dir, diagnostics, base_url)
    cache = cache if cache is not None else Cache(Path())
    new = Cache(cache.folder, parsed_key=cache.parsed_key)
    found = reading.scan(site_dir, config, diagnostics, cache, jobs)
    objects = reading.model(found, diagnostics, new, drafts)
    site = resolve_site(config, *objects, diagnostics, reading.unreadable(found), found.drafts)
    stages.render_markdown(site, diagnostics, cache, new, jobs, meanwhile=lambda: cross_link(site))
    return site


def check(site_dir: Path, strict: bool = False, drafts: bool = False) -> list[Diagnostic]:
    """Load and validate; return every problem, sorted. Writes nothing (it may read the build cache)."""
    diagnostics = Diagnostics()
    site_dir = _site_dir(site_dir, "check")
    config = _config(site_dir, Diagnostics(), None)
    out = output_dir(site_dir, config.output_dir, None)
    folder = cache_folder(site_dir, out, make=False)  # (check writes nothing)
    cache = open_cache(out, folder, _parsed_key(config)) if (out / MARKER).is_file() else None
    with _gc_paused():
        load_site(site_dir, diagnostics, drafts=drafts, cache=cache, jobs=parallel.worker_count(None))
    with contextlib.suppress(UsageError):  # (a theme that cannot be loaded is reported by load_config)
        from .i18n import language_files

        theme = load_theme(site_dir, config.theme)
        # the site's strings files in every language, not only the site's language (which a build reads)
        languages = {config.language, *(tag for folder in theme.i18n_dirs if folder.is_relative_to(site_dir)
                                        for tag in language_files(folder))}
        for language in sorted(languages):
            theme.strings(language, diagnostics)
    return diagnostics.sorted()


def output_dir(site_dir: Path, configured: str, out: Path | None) -> Path:
    if out is not None:
        return out
    path = Path(configured)
    return path if path.is_absolute() else site_dir / path


def theme_digest(theme: Theme) -> bytes:
    """The theme's folders and files by size and time; its strings files by their bytes too (small, and an edit
    that keeps both, on a file system that keeps whole seconds, would otherwise leave the old words)."""
    files = []
    strings = tuple(str(folder) for folder in theme.i18n_dirs)
    for path in theme.files():
        st = path.stat()
        files.append((str(path), st.st_size, st.st_mtime_ns))
        if str(path).startswith(strings) and st.st_size <= 1_000_000:
            with contextlib.suppress(OSError):
                files.append(digest(path.read_bytes()))
    return text_digest(theme.name, [str(p) for p in theme.template_dirs], [str(p) for p in theme.static_dirs], files)


def build(options: BuildOptions) -> BuildResult:
    """Build the site; raise :class:`ContentError` (nothing written) when loading fails."""
    start = time.perf_counter()
    site_dir = _site_dir(options.site_dir, options.command)
    jobs = parallel.worker_count(options.jobs)
    diagnostics = Diagnostics()
    config = _config(site_dir, diagnostics, options.base_url)
    if not config.output_dir and options.out_dir is None:  # refused where briefgen.yaml gives it
        raise ContentError(diagnostics.sorted())
    out = output_dir(site_dir, config.output_dir, options.out_dir)
    check_output_dir(site_dir, out)
    folder = options.cache_dir or cache_folder(site_dir, out, make=options.cache)
    if folder.resolve().is_relative_to(out.resolve()):  # (--out .briefgen-cache; a cache folder in the output)
        raise UsageError(f"refusing to build into {out.resolve()}: the build cache {folder} would be inside it, and "
                         "published with it (it holds every parsed file, drafts included); choose another --out")
    if options.cache and (folder.is_symlink() or folder.exists()) and not folder.is_dir():
        raise UsageError(f"the build cache folder {folder} is not a folder: delete it (the cache is safe to "
                         "delete), or build with --no-cache")
    try:
        theme = load_theme(site_dir, config.theme)
    except UsageError:
        if not diagnostics.errors:
            raise
        theme = fallback_theme(site_dir)  # the problem is reported (load_config); the build stops before rendering
    # The theme's words, read when first needed: by a build that renders, or that parses enough files to fork workers
    # (it compiles the templates meanwhile); not by one that finds nothing changed or patches a few bodies (their
    # files are among the theme's, which pages_key digests; their warnings are among the last build's)
    words = functools.cache(lambda: theme.strings(config.language, diagnostics))
    progress = ProgressLine(options.progress)

    def waiting() -> None:  # (the lock is on the folder the output is in: any build into it, this output or another)
        if options.progress:
            print(f"briefgen: another build is writing in {out.resolve().parent}; waiting for it to finish…",
                  file=sys.stderr, flush=True)

    try:
        with output.exclusive(out, waiting), _gc_paused():
            remove_beside(out, folder)
            if output.recover(out):
                _discard_cache(out, folder)
            return _build(options, site_dir, config, out, folder, theme, words, jobs, diagnostics, progress, start)
    finally:
        progress.close()


def _build(options: BuildOptions, site_dir: Path, config: SiteConfig, out: Path, folder: Path, theme: Theme,
           words: Callable[[], Strings], jobs: int, diagnostics: Diagnostics, progress: ProgressLine,
           start: float) -> BuildResult:
    parsed_key = _parsed_key(config)  # parsing does not depend on the site's language: check shares the cache
    pages_key = text_digest("pages", parsed_key, theme_digest(theme), options.drafts)
    # A one-off build (--no-cache) reads nothing, and records nothing a later build could reuse: no page
    # fingerprints, output digests or body positions, no cache files (any manifest there is dropped).
    keep = options.cache
    cache = open_cache(out, folder, parsed_key) if keep else Cache(folder, parsed_key=parsed_key)
    new = Cache(cache.folder, parsed_key=parsed_key)

    progress.set("reading content")
    compiled = compiled_templates_folder() if keep else None  # where templates are kept compiled (None: compile)
    found = reading.scan(site_dir, config, diagnostics, cache, jobs,
                         meanwhile=lambda: _warm_up(theme, words, pages_key, compiled))
    inputs = text_digest(pages_key, found.inputs)
    state = cache.state
    present, strays = _present(out, state)
    if state is not None and state.inputs == inputs and not strays and len(present) == len(state.outputs):
        diagnostics.extend(state.diagnostics)  # nothing changed: the last build's output is this build's
        if diagnostics.failed(options.strict):
            raise ContentError(diagnostics.sorted())
        remember(out, cache)
        return BuildResult(diagnostics.sorted(), out, 0, len(state.outputs), time.perf_counter() - start)
    # What a build that finds nothing changed does not need (Markdown among it): imported here, or by
    # this process while workers parse content files (_warm_up).
    from . import patch, session, stages

    incremental = state is not None and out.is_dir()
    intact = incremental and state.pages_key == pages_key and not strays and len(present) == len(state.outputs)
    kept = session.reuse(out, found, cache, new, pages_key, options.drafts, diagnostics, jobs) if keep else None
    # Only Markdown bodies changed since the last build into an output that is all there: only the
    # pages that show them and the search index change (what a kept site gives serve, from the cache).
    bodies = session.body_changes(found, cache) if kept is None and intact else None
    bodies = bodies or None  # no body changed, yet the inputs did: nothing to vouch for, walk every page
    if bodies is not None and not options.session:
        # A new process (the command line) after body edits: patch the last build's output if it can.
        patched = _patch(out, cache, state, found, bodies, config, inputs, diagnostics, options.strict, start)
        if patched is not None:
            return patched
    # What only a build that renders needs (Jinja among it): imported here, so that a build with
    # nothing to render, or that patches, starts faster.
    from . import marks, search, writer

    strings = words()

    staging = output.Staging(out)
    try:
        progress.set("resolving")
        if kept is None:
            objects = reading.model(found, diagnostics, new, options.drafts)
            unreadable, drafts = reading.unreadable(found), found.drafts
        cache_dir = cache.folder
        if keep and (not incremental or caching.parsed_changed(cache, new)):
            caching.write_parsed(new, cache_dir)
        new.parsed = cache.parsed = {}  # written: not kept while pages are rendered
        listing = tuple((s.rel, s.kind) for s in found.sources)
        found.release()
        if kept is None:
            before = len(diagnostics.items)
            site = resolve_site(config, *objects, diagnostics, unreadable, drafts)
            # Pages name things in the site's language; what reading and resolving reported did not (diagnostics
            # are English, and the same from check, which does not localize)
            site.config = localized(config, strings)
            resolve_diagnostics = diagnostics.items[before:]
            progress.set("rendering Markdown")
            views = writer.TrackedViews(site)

            def meanwhile() -> None:
                # While workers already render Markdown (which needs none of it): the site is cross-linked,
                # and the views that every page process would make are made (and digested) once.
                cross_link(site)
                views.make_shared(digests=keep)

            markdown = stages.render_markdown(site, diagnostics, cache, new, jobs, meanwhile=meanwhile)
            _drop_bodies(site)
        else:
            site, views = kept.site, kept.views
        if diagnostics.failed(options.strict):
            raise ContentError(diagnostics.sorted())

        env = writer.environment(theme, strings, pages_key, compiled)
        # Where each brief page shows its body, so that a later build after body edits can patch it in
        # (briefgen.patch); a long-lived process (serve) keeps its site instead.
        mark = keep and not options.session and marks.body_verbatim(env)
        plan = writer.Plan(site, theme, staging.path, state.outputs if incremental else {},
                           present if incremental else set(), incremental and state.pages_key == pages_key, views,
                           env, keep_search=options.session, mark_bodies=mark, record=keep)
        if keep:  # cache files written while pages render (put in place after success), not after them
            plan.chores = (lambda: caching.write_markdown(new, cache_dir, pending=True),)
        if keep and not options.session:  # by the worker that builds the search index: its memo
            plan.save_terms = lambda memo: caching.write_terms(cache_dir, parsed_key, memo, pending=True)
        estimate = len(state.outputs) if state else len(site.briefs) + 2 * len(site.entities)
        progress.set("rendering pages", plan.progress, estimate)
        if keep:
            search.preload(caching.read_terms(cache_dir, parsed_key))  # before workers fork: they inherit it
        parallel.trim_memory()  # before workers fork: what the parent freed is not counted again for them
        gc.freeze()  # the site lives until the end: keep the collector (and forked workers) off its pages
        _young_collections_only()
        if kept is not None and kept.html_urls is not None and intact:
            pages = writer.render_bodies(plan, kept.changed)
            html_urls: list[str] | None = kept.html_urls
        elif bodies is not None:
            owners = [o for o in (*site.briefs, *site.entities.values()) if o.path in bodies]
            pages = writer.render_bodies(plan, owners)
            html_urls = None  # the sitemap and robots.txt stay as they are
        else:
            pages = writer.render_pages(plan, jobs, estimate)
            html_urls = pages.html_urls
        outputs, written = pages.outputs, pages.written
        edits = None
        if mark and kept is None and pages.sizes is not None:
            previous = patch.read(cache_dir, state.inputs) if incremental and plan.same_key else None
            edits = patch.record(inputs, site, markdown, pages.spans, pages.sizes, previous)
        progress.set("writing")
        if html_urls is not None:
            writer.write_extras(plan, html_urls, outputs, written)
        blocked: list[tuple[Path, str]] = []
        refused: list[Path] = []  # links into the output or the cache
        known = state.statics if state else {}
        avoid = (out.resolve(), site_dir.resolve() / caching.CACHE_DIR, folder.resolve())
        statics, kept_out = writer.published_statics(writer.static_files(theme.static_dirs, blocked, avoid, refused),
                                                     outputs, known, plan.previous)
        _hidden_statics(kept_out, blocked, site_dir, diagnostics)
        _looping_statics(refused, out, site_dir, diagnostics)
        if diagnostics.failed(options.strict):
            raise ContentError(diagnostics.sorted())
        statics = writer.copy_statics(plan, statics, known, outputs, written)
        new.state = State(pages_key, inputs, outputs, tuple(diagnostics.sorted()), statics)
        caching.drop_state(cache_dir)
        if incremental:
            deleted = [p for p in state.outputs if p not in outputs and p in present] + strays
            output.commit_changes(staging.path, out, written, deleted)
        else:
            output.swap(staging.path, out.resolve())
    except BaseException as exc:
        staging.discard()
        caching.discard_pending(cache.folder)
        if isinstance(exc, ContentError):  # a template's error: reported with the content's warnings
            diagnostics.extend(exc.diagnostics)
            raise ContentError(diagnostics.sorted()) from None
        raise
    if not keep:  # nothing of this build is kept, here or in this process's memory (serve's kept site)
        _forget_session(out)
        return BuildResult(diagnostics.sorted(), out, len(written), len(outputs) - len(written),
                           time.perf_counter() - start, written)
    caching.commit_parsed(cache_dir, *(("markdown.pickle",) if pages.chores_done else ()),
                          *(("terms.pickle",) if pages.terms_saved else ()))
    if not pages.chores_done:
        caching.write_markdown(new, cache_dir)
    caching.write_state(new, cache_dir)
    if edits is not None:
        patch.write(cache_dir, edits)
    if not options.session and not pages.terms_saved:  # serve keeps its memo in memory: writing it would slow edits
        caching.write_terms(cache_dir, parsed_key, search.memo())
    identity = remember(out, new)
    if kept is None:
        kept = session.kept_from(identity, pages_key, options.drafts, listing, [*objects[0], *objects[1]], site,
                                 views, resolve_diagnostics, markdown)
    kept.identity = identity
    kept.html_urls = html_urls
    session.keep(out, kept)
    return BuildResult(diagnostics.sorted(), out, len(written), len(outputs) - len(written),
                       time.perf_counter() - start, written)


def _warm_up(theme: Theme, words: Callable[[], Strings], pages_key: bytes, compiled: Path | None) -> None:
    """Import what rendering needs (Markdown, the template engine, the search index), compile the
    theme's templates (or load them compiled from ``compiled``) and check how it shows brief
    bodies, while workers parse content files (when there are enough to fork workers for, this build
    will most likely render): this process would otherwise wait, and do it after them with a core idle,
    or before it forks them. A failure is left for the build to meet again, and report, where it renders."""
    with contextlib.suppress(Exception):
        from . import marks, patch, session, stages, writer  # noqa: F401 - imported for later

        marks.body_verbatim(writer.environment(theme, words(), pages_key, compiled))


def _patch(out: Path, cache: Cache, state: State, found: reading.Scan, bodies: dict[str, str], config: SiteConfig,
           inputs: bytes, diagnostics: Diagnostics, strict: bool, start: float) -> BuildResult | None:
    """The build after only briefs' Markdown bodies changed, in a process that has no site in memory:
    the new bodies are rendered and put in their pages in place of the old ones, and the few search
    index files whose terms changed are patched (:mod:`briefgen.patch`), without loading or
    resolving the site. None when the last build's output cannot be patched (build as usual).
    The diagnostics are the last build's: the edited bodies had none and have none."""
    from . import patch

    entries = {s.rel: e for s, e in zip(found.sources, found.entries, strict=True) if s.rel in bodies}
    patched = patch.apply(out, patch.read(cache.folder, state.inputs), state, bodies, entries, config, inputs)
    if patched is None:
        return None
    diagnostics.extend(state.diagnostics)
    if diagnostics.failed(strict):
        raise ContentError(diagnostics.sorted())
    new = Cache(cache.folder, parsed_key=cache.parsed_key)
    new.share_markdown(cache)  # this build renders none: the last build's stays the memo
    for source, entry in zip(found.sources, found.entries, strict=True):
        new.parsed[source.rel] = entry
    new.state = State(state.pages_key, inputs, patched.outputs, tuple(diagnostics.sorted()), state.statics)
    written = [path for path in patched.outputs if path in patched.files]  # in site order
    staging = output.Staging(out)
    try:
        for path in written:
            target = staging.path / output.safe_relpath(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(patched.files[path])
        caching.write_parsed(new, cache.folder)
        caching.drop_state(cache.folder)
        output.commit_changes(staging.path, out, written, patched.removed)
    except BaseException:
        staging.discard()
        caching.discard_pending(cache.folder)
        raise
    caching.commit_parsed(cache.folder)
    caching.write_state(new, cache.folder)
    patch.write(cache.folder, patched.edits)
    remember(out, new)
    return BuildResult(diagnostics.sorted(), out, len(written), len(patched.outputs) - len(written),
                       time.perf_counter() - start, written)


def _hidden_statics(kept_out: list[tuple[Path, str, str]], blocked: list[tuple[Path, str]], site_dir: Path,
                    diagnostics: Diagnostics) -> None:
    """Warn about static files that generated output keeps out of the site (it wins: a page at the same
    path, a file where one of its folders would be, a folder at its path; ``kept_out``,
    :func:`briefgen.writer.published_statics`), and about those that another static folder's file or
    folder keeps out (``blocked``, :func:`briefgen.writer.static_files`); each with what is in its way."""

    def shown(source: Path) -> str:
        return source.relative_to(site_dir).as_posix() if source.is_relative_to(site_dir) else str(source)

    for source, rel, in_the_way in kept_out:
        if in_the_way.endswith("/"):
            message = f"not published: the generated folder {in_the_way} has this path"
            hint = "rename the file: briefgen writes that folder itself (docs/themes.md)"
        elif in_the_way != rel:
            message = f"not published: the generated file {in_the_way} is where a folder of its path would be"
            hint = "rename the folder: briefgen writes that file itself (docs/themes.md)"
        elif in_the_way.endswith(".html"):
            message = f"not published: the generated page {in_the_way} has this path"
            hint = "rename the file; to change that page, override its template (docs/themes.md)"
        else:
            message = f"not published: the generated file {in_the_way} has this path"
            hint = "rename the file: briefgen writes this one itself (docs/themes.md)"
        diagnostics.warning(shown(source), 1, 1, message, hint)
    for source, in_the_way in blocked:  # (only a theme's static files come before others)
        if not in_the_way:
            diagnostics.warning(shown(source), 1, 1, "not published: its path has a backslash or a control character",
                                "rename it with letters, digits, '-', '_' and '.'")
            continue
        if in_the_way.endswith("/"):
            message = f"not published: the theme's static folder {in_the_way} has this path"
        else:
            message = f"not published: the theme's static file {in_the_way} is where a folder of its path would be"
        diagnostics.warning(shown(source), 1, 1, message,
                            "rename it; to replace a theme's file, give yours the same path (docs/themes.md)")


def _looping_statics(refused: list[Path], out: Path, site_dir: Path, diagnostics: Diagnostics) -> None:
    """Refuse the symlinks in ``static/`` that lead into the output folder or the build cache
    (:func:`briefgen.writer.static_files`): the output would copy itself, growing with every build, or
    publish the cache (every parsed file, drafts included), as an output folder inside ``static/`` would."""
    output_dir = out.resolve()
    for path in refused:
        shown = path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)
        if path.resolve().is_relative_to(output_dir):
            where = output_dir.relative_to(site_dir.resolve()).as_posix() + "/" \
                if output_dir.is_relative_to(site_dir.resolve()) else str(output_dir)
            message = (f"this leads through a symlink into the output folder {where}: the build would copy its own "
                       "output into it")
        else:
            message = (f"this leads through a symlink into the build cache {caching.CACHE_DIR}/, which is never "
                       "published")
        diagnostics.error(shown, 1, 1, message, "remove the link: static/ may link to files of the site, not to what "
                          "builds write")


def _drop_bodies(site: Site) -> None:
    """Let go of the briefs' Markdown bodies once rendered (about 40 MB at 10,000 briefs, which every
    forked worker would count again): pages, feeds and the search index show the rendered HTML, and a
    session that reuses the kept site puts in, and renders, only the bodies that changed. Entities keep
    theirs (few and short), since whether an entity has a body decides whether it has a Markdown text."""
    for brief in site.briefs:
        brief.body = ""


def _present(out: Path, state: State | None) -> tuple[set[str], list[str]]:
    """Files of the last build still in ``out`` with their size, and files there it did not make
    (symlinks among them). One ``scandir`` per folder and one ``lstat`` per file: at 10,000 briefs
    the output has 15,000 folders, so this is much of what a build with nothing to do costs."""
    if state is None or not out.is_dir():
        return set(), []
    present: set[str] = set()
    strays: list[str] = []
    outputs = state.outputs

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, rel + "/")
                    continue
                size = entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
            known = outputs.get(rel)
            if known is None:
                strays.append(rel)
            elif known.size == size and not entry.is_symlink():
                present.add(rel)

    walk(str(out), "")
    return present, strays


def _forget_session(out: Path) -> None:
    """Forget what this process keeps for ``out`` (the cache's contents, serve's site)."""
    from . import session

    forget(out)
    session.forget(out)


def _discard_cache(out: Path, folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    forget(out)


NO_FULL_COLLECTION = 1 << 30  # the collector's third threshold while pages are rendered (see below)


def _young_collections_only() -> None:
    """The collector for the page stage (this process and the workers it forks): the young generations
    are collected as usual, for the few cycles rendering makes (they die young), but not the oldest.
    A full collection walks everything a process keeps while it renders (the fragment memo, its rows,
    a worker's search index) and, measured at 10,000 briefs, ten of them cost 0.8 s of CPU and freed
    nothing. Restored at the end of the build (:class:`_gc_paused`)."""
    threshold0, threshold1, _ = gc.get_threshold()
    gc.set_threshold(threshold0, threshold1, NO_FULL_COLLECTION)
    gc.enable()


class _gc_paused:
    """No cyclic garbage collection while the site is built (it makes millions of long-lived objects
    and few cycles); restored (with the collector's thresholds), and frozen objects released, at the end."""

    def __enter__(self):
        self.enabled = gc.isenabled()
        self.thresholds = gc.get_threshold()
        gc.disable()

    def __exit__(self, *exc):
        gc.set_threshold(*self.thresholds)
        gc.unfreeze()
        if self.enabled:
            gc.enable()
        else:
            gc.disable()
