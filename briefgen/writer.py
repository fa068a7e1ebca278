"""Turning the resolved site into output files, rendering only what changed.

Every page gets a *fingerprint*: a digest of the page and its whole context
(the view objects the template receives). When the previous build rendered the
same path from the same fingerprint, under the same code, configuration and
theme, and that file is still in the output, the page is neither rendered nor
written. Otherwise it is rendered, and written only when its bytes differ from
the file already there, so unchanged files keep their modification time.

The work is shared with forked workers (:mod:`briefgen.parallel`): every
process walks :func:`briefgen.render.site_pages` in the same order and renders
only the chunks of pages it claims; the search index is one more chunk. Files
go into the staging folder; the caller commits them (:mod:`briefgen.output`)."""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import feeds, fragments, marks, parallel, render, search
from . import views as view_types
from .cache import Output, digest
from .diagnostics import ContentError, Diagnostic, one_line
from .output import MARKER, MARKER_TEXT, safe_relpath
from .resolve import Site, brief_path
from .theme import Theme, static_walk
from .views import BriefView, EntityView, Views

if TYPE_CHECKING:
    from .i18n import Strings

CHUNK = 48  # pages per claim: small enough to balance two processes, large enough to be cheap


class TrackedViews(Views):
    """:class:`Views` that remembers the views it shares between pages (links, brief summaries,
    claims), so that each is fingerprinted once per build, not once per page that shows it."""

    def __init__(self, site: Site):
        super().__init__(site)
        self.kept: dict[int, Any] = {}  # id -> view; holding the view keeps its id unique
        self.digests: dict[int, bytes] = {}  # id of a kept view -> the digest it pickles as (the digest
        # alone is kept, not the tuple that pickles it: 6 MB less per process at 10,000 briefs)
        # The fingerprinting pickler's dispatch table. Pickling a str that is not ASCII makes it keep a UTF-8
        # copy of itself for as long as it lives, so the views that hold rendered Markdown (long, and not
        # ASCII as soon as one name in it is not) give it as bytes: about 20 MB less at 10,000 briefs.
        self.table: dict[type, Any] = {BriefView: _reduce_with_html, EntityView: _reduce_with_html,
                                       **dict.fromkeys(SHARED, self._reduce), **dict.fromkeys(SLOTTED, _reduce_fields)}
        self._picklers: list[tuple[pickle.Pickler, io.BytesIO]] = []  # see digest()
        self._depth = 0

    def make_shared(self, digests: bool) -> None:
        """Make the views that every page process would otherwise make again (each brief's summary, each
        entity's link, each claim), and with ``digests`` the digests they pickle as in fingerprints, once,
        before page workers fork and inherit them. The brief pages and the entity pages each show nearly
        all of them, so each page process made and digested them (about 0.6 s of CPU each at 10,000
        briefs); the build calls this while workers render Markdown, where it takes a core from work that
        is still to do, not from both. Claims with a note are left to the pages: its HTML is not rendered
        yet. A view made here is the one a page would make (views depend on the resolved site alone)."""
        site = self.site
        for brief in site.briefs:
            self.summary(brief)
        for key in site.entities:
            self.link(key)
        for brief in site.briefs:
            for claim in brief.claims:
                if not claim.note:
                    self.claim(claim)
        if digests:
            for view in list(self.kept.values()):
                self._reduce(view)

    def _shared(self, view: Any) -> Any:
        """Views call this once for each view they share (not on every call that finds it made)."""
        self.kept[id(view)] = view
        return view

    def _reduce(self, obj: Any) -> Any:
        """A shared view pickles as the digest of its own pickle."""
        known = self.digests.get(id(obj))
        if known is None:
            if id(obj) not in self.kept:  # a view of a shared type that is not shared itself
                return _reduce_fields(obj)
            known = self.digests[id(obj)] = self.digest(_reduce_fields(obj)[1])
        return _view, (None, known)

    def digest(self, value: Any) -> bytes:
        """The digest of ``value`` pickled through :attr:`table`. A shared view met for the first time is
        digested while the page that holds it is being pickled, so there is one pickler per depth of that
        nesting, each reused while what it pickles is small (a new pickler and buffer per digest cost a
        sixth of it). Clearing a pickler's memo costs as much as the most it ever held (its table never
        shrinks), so after a large pickle (the sitemap's page lists every URL) the next digest at that
        depth gets a new pickler instead."""
        depth = self._depth
        if depth == len(self._picklers):
            self._picklers.append(self._new_pickler())
        pickler, buffer = self._picklers[depth]
        self._depth = depth + 1
        try:
            pickler.dump(value)
            return digest(buffer.getvalue())
        finally:
            self._depth = depth
            if buffer.tell() > REUSE_LIMIT:
                self._picklers[depth] = self._new_pickler()
            else:
                pickler.clear_memo()  # what dump() writes then depends on ``value`` alone, as with a new pickler
                buffer.seek(0)
                buffer.truncate()

    def _new_pickler(self) -> tuple[pickle.Pickler, io.BytesIO]:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=PROTOCOL)
        pickler.dispatch_table = self.table
        return pickler, buffer


REUSE_LIMIT = 16 * 1024  # bytes: a larger pickle's pickler is not reused (see TrackedViews.digest)


PROTOCOL = 5
# The types of the views that Views makes once and shares between pages.
SHARED = (view_types.EntityLink, view_types.BriefSummary, view_types.ClaimView)
# The other slotted dataclasses that pages hold. Pickled by default, each would be a dict of its
# slots' names and values (and a frozen one would go through dataclasses' __getstate__, a Python
# loop over fields()): as a tuple of its values, fingerprints cost about a tenth less.
SLOTTED = (render.Page, render.Pagination, render.StatusGroup, render.TimelineItem, render.TimelineDay,
           view_types.DateView, view_types.StatusCount, view_types.SourceView, view_types.EntityGroup,
           view_types.Fact, view_types.EntityListItem)


# Every view pickles for its fingerprint as a call of one function (:func:`_view`) with a tag for its type
# and its fields' values: a pickle names each distinct function or class it holds once, and that cost
# as much as a view's fields (one name per pickle, rather than one per type of view in it: a fifth less).
_TAGS: dict[type, str] = {cls: f"{cls.__module__}.{cls.__qualname__}"
                          for cls in (BriefView, EntityView, *SHARED, *SLOTTED)}


def _view(*tag_and_fields: Any) -> None:
    """The maker that fingerprints' pickles name for every view; never called (they are digested, not loaded)."""
    raise TypeError("a fingerprint's pickle is never loaded")


def _reduce_with_html(view: BriefView | EntityView) -> tuple:
    """A view's fields for its fingerprint, its ``html`` as UTF-8 bytes (see :class:`TrackedViews`)."""
    return _view, (_TAGS[type(view)], *(view.html.encode("utf-8", "surrogatepass") if name == "html"
                                       else getattr(view, name) for name in view.__slots__))


def _reduce_fields(obj: Any) -> tuple:
    """A slotted dataclass as its type's tag and its fields' values, in order (see :data:`SLOTTED`)."""
    return _view, (_TAGS[type(obj)], *map(obj.__getattribute__, obj.__slots__))


# Pages the sitemap leaves out: the 404 page, and the search page, which has nothing to index without a query
# (it says so to search engines too: noindex)
UNLISTED = frozenset({"404.html", "search/index.html"})


def fingerprint(page: render.Page, views: TrackedViews) -> bytes:
    """A digest of everything a page is rendered from (its path, template, title and context)."""
    return views.digest(page)


@dataclass
class Plan:
    """What the page stage needs; forked workers inherit it."""

    site: Site
    theme: Theme
    staging: Path
    previous: dict[str, Output]  # the last build's outputs (empty: write everything)
    present: set[str]  # paths of the previous output still there, unchanged in size
    same_key: bool  # the last build used the same code, configuration, theme and options
    views: TrackedViews | None = None  # kept from an earlier build with the same site, or made here
    env: Any = None  # the theme's Jinja environment (see :func:`environment`)
    progress: parallel.Progress = field(default_factory=parallel.Progress)
    folders: set[str] = field(default_factory=set)  # made in staging by this process (relative, "/"-separated)
    keep_search: bool = False  # a long-lived process (serve): this process builds the search index and keeps it
    mark_bodies: bool = False  # record where each brief page shows its body, for patching it later (briefgen.patch)
    record: bool = True  # give outputs their digests and pages their fingerprints (False: a build that keeps no cache)
    save_terms: Callable[[dict], Any] | None = None  # a worker that builds the search index gives it its memo
    # Work no page needs (writing cache files from what this process holds), done by this process before its
    # first page while a worker renders, rather than after the pages with a core idle (not by a worker, which
    # would copy every object it touches); the caller does it when no page stage ran (Pages.chores_done).
    chores: tuple[Callable[[], Any], ...] = ()


@dataclass
class Pages:
    """What the page stage made: every output in order, the paths written into staging, the site's
    HTML URLs (None: the sitemap stays as it is), and, when ``plan.mark_bodies``, where each brief
    page rendered by this build shows its body (path -> (start, length) or None) and every search
    term's size (None when the index was not built, or its sizes could not be had)."""

    outputs: dict[str, Output]
    written: list[str]
    html_urls: list[str] | None = None
    spans: dict[str, tuple | None] = field(default_factory=dict)
    sizes: dict[str, int] | None = None
    terms_saved: bool = False  # a worker gave the search memo to ``plan.save_terms``
    chores_done: bool = False  # ``plan.chores`` are done


@dataclass
class Written:
    """What one process made: ``(order, path, Output, written?)`` rows and the site's HTML URLs."""

    rows: list[tuple] = field(default_factory=list)
    html_urls: list[str] | None = None
    spilled: bool = False  # this worker wrote the search terms' sizes to the spill file
    spans: dict[str, tuple | None] = field(default_factory=dict)  # see Pages.spans
    sizes: dict[str, int] | None = None  # see Pages.sizes: the search index was built here (a worker spills them)
    terms_saved: bool = False
    chores_done: bool = False
    in_feeds: bool = False  # the last page this process rendered was an entity's feed (see _page)
    errors: list[tuple[tuple, list[Diagnostic]]] = field(default_factory=list)  # (order, a template's error)


def _keep_or_write(plan: Plan, path: str, data: bytes, fp: bytes | None) -> tuple[Output, bool]:
    out = Output(digest(data) if plan.record else b"", len(data), fp)
    old = plan.previous.get(path)
    if old is not None and old.digest == out.digest and path in plan.present:
        return out, False
    rel = safe_relpath(path)
    folder = rel.rpartition("/")[0]
    staging = os.fspath(plan.staging)  # paths as strings: a Path made per file cost more than the rest
    if folder not in plan.folders:
        _make_folder(staging, folder, plan.folders)
    _write_file(f"{staging}/{rel}", data)
    return out, True


# What open(path, "wb") asks for (on Windows, O_BINARY: no newline translation).
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _write_file(path: str, data: bytes) -> None:
    """One output file's bytes into staging (tests/test_output_safety.py stops a build here): written
    through the file descriptor, as ``open(path, "wb")`` writes it without its two file objects (a
    quarter of the CPU time of a page's file, 0.1 s at 10,000 briefs)."""
    fd = os.open(path, _CREATE, 0o666)
    try:
        written = os.write(fd, data)
        if written < len(data):  # a regular file takes it all at once but for a signal or a full disk
            rest = memoryview(data)[written:]
            while rest:
                rest = rest[os.write(fd, rest):]
    finally:
        os.close(fd)


def _make_folder(staging: str, folder: str, made: set[str]) -> None:
    """Make ``folder`` (relative, "/"-separated) in ``staging``, its parents first unless ``made``
    has them: one ``mkdir`` per folder. Another process may have made it already."""
    parent = folder.rpartition("/")[0]
    if parent and parent not in made:
        _make_folder(staging, parent, made)
    if folder:
        with contextlib.suppress(FileExistsError):
            os.mkdir(f"{staging}/{folder}")
    made.add(folder)


def _render(plan: Plan, env: Any, page: render.Page, site_view: dict, spans: dict) -> bytes:
    """A page's bytes; a brief's page, when ``plan.mark_bodies``, with where its body sits (``spans``)."""
    config = plan.site.config
    if plan.mark_bodies and page.template == "brief.html" and "brief" in page.context:
        data, spans[page.path] = marks.render_marked(env, page, site_view, config)
        return data
    return render.render_page(env, page, site_view, config)


def _search_index(plan: Plan, views: TrackedViews, result: Written, bodies: list | None = None) -> None:
    """The search index's files; kept in this process for the next edit when ``plan.keep_search``;
    ``bodies``: only these briefs' and entities' Markdown bodies changed since it was kept."""
    if bodies is not None:
        files = search.update_files(plan.site, views, bodies, keep=plan.keep_search)
    else:
        files = search.index_files(plan.site, views, keep=plan.keep_search)
    for order, (path, data) in enumerate(files):
        out, wrote = _keep_or_write(plan, path, data, None)
        result.rows.append(((1, order), path, out, wrote))
    if plan.mark_bodies:
        result.sizes = search.term_sizes()


def _work(plan: Plan, claims: parallel.Claims, in_parent: bool, chunks: int, extras: parallel.Once,
          spill: Any = None) -> Written:
    """One process's share: page chunks as claimed, and the search index if it takes it (a worker
    takes it first; this process, which must walk every page anyway, only when no worker did;
    with ``plan.keep_search``, this process always, to keep it for the next edit). A worker that
    builds the index gives its memo to ``plan.save_terms`` and writes the terms' sizes to ``spill``, a
    file made before it forked. This process does ``plan.chores`` before its first page."""
    site = plan.site
    env = plan.env or plan.theme.environment(plan.site.config.strings)
    fragments.reset(env)
    render.forget_recursion(env)
    site_view = render.site_context(site)
    views = plan.views or TrackedViews(site)
    result = Written(html_urls=[] if in_parent else None)
    if in_parent and plan.keep_search and extras.take():
        _search_index(plan, views, result)
    if not in_parent and not plan.keep_search and extras.take():
        _search_index(plan, views, result)
        # The memo (every document's terms) goes to the build cache from here, and the terms' sizes through
        # the spill file; both are let go at once (this worker builds no other index), rather than kept, and
        # copied into its result, while it renders pages: about 20 MB at 10,000 briefs.
        if plan.save_terms is not None:
            plan.save_terms(search.memo())
            result.terms_saved = True
        if spill is not None and result.sizes is not None:
            pickle.dump(result.sizes, spill, protocol=PROTOCOL)
            spill.flush()
            result.spilled = True
        result.sizes = None  # sent through the spill file, or not at all
        search.forget_terms()
        parallel.trim_memory()
        if claims.peek() > chunks // 2:
            return result  # the others are past half way: walking every page to help with the rest costs more
    if in_parent:  # chunks from the front (every page is walked: the parent lists the site's URLs)
        for chore in plan.chores:
            chore()
        result.chores_done = bool(plan.chores)
        claimed = iter(claims)
        current = next(claimed, None)
        for index, item in enumerate(render.site_pages(site, views)):
            if result.html_urls is not None and item.path.endswith(".html") and item.path not in UNLISTED:
                result.html_urls.append(render.url_of(item.path))
            if index // CHUNK == current:
                _page(plan, env, views, site_view, item, index, result)
                if (index + 1) % CHUNK == 0:
                    current = next(claimed, None)
    else:
        # Workers take chunks from the back: the front has the briefs' pages, the back the entities' and
        # lists' pages, which show the same brief cards and claims, rendered once per process
        # (briefgen.fragments): each kind of page mostly in one process, fewer are rendered twice. The
        # entities' feeds lie between (render.site_pages), so the two mostly meet where nothing is shared.
        items = list(render.site_pages(site, views))
        for chunk in claims.from_end(-(-len(items) // CHUNK)):
            for index in range(chunk * CHUNK, min(len(items), (chunk + 1) * CHUNK)):
                _page(plan, env, views, site_view, items[index], index, result)
    _let_go(env)  # this process's pages are done: the fragments they shared (tens of MB) go now
    if in_parent and extras.take():
        _search_index(plan, views, result)
    return result


def _page(plan: Plan, env: Any, views: TrackedViews, site_view: dict, item: Any, index: int, result: Written) -> None:
    """Render (or keep) page number ``index`` of the site, ``item`` (a :class:`render.Page` or
    :class:`render.Deferred`), and add its row to ``result``."""
    page = item.page()
    feed = page.template == "feed.xml"
    if feed is not result.in_feeds:
        # The entities' feeds lie between the briefs' pages and the entities' (render.site_pages), and share
        # nothing with either: the brief pages' cards (related briefs, with their count) are not the entity
        # and list pages' cards, and feeds are not rendered through the theme. So what a process has kept for
        # the pages on one side goes as it crosses the feeds (tens of MB of fragments at 10,000 briefs), and
        # the feeds' entries once past them, rather than all of it living through the build's peak.
        result.in_feeds = feed
        _let_go(env)
    fp = fingerprint(page, views) if plan.record else None
    old = plan.previous.get(page.path)
    if plan.same_key and old is not None and old.fingerprint == fp and page.path in plan.present:
        result.rows.append(((0, index), page.path, old, False))
    else:
        try:
            data = _render(plan, env, page, site_view, result.spans)
        except ContentError as exc:  # a template's error: the other pages go on, to find every other one
            result.errors.append(((0, index), exc.diagnostics))
        else:
            out, wrote = _keep_or_write(plan, page.path, data, fp)
            result.rows.append(((0, index), page.path, out, wrote))
    plan.progress.add()


def template_errors(errors: Iterable[tuple[tuple, list[Diagnostic]]]) -> ContentError | None:
    """The template errors of a build's pages (``(order, diagnostics)`` from every process), one per place in a
    template, as the first page in site order met it (whichever process rendered it); None when there are none."""
    first: dict[tuple, tuple[tuple, Diagnostic]] = {}
    for order, diagnostics in errors:
        for d in diagnostics:
            where = (d.path, d.line, d.col)
            if where not in first or order < first[where][0]:
                first[where] = (order, d)
    return ContentError(sorted(d for _, d in first.values())) if first else None


def _let_go(env: Any) -> None:
    """Drop what this process kept for the pages it rendered (the fragment memo, the feeds' entries) and
    give the memory back to the system."""
    fragments.reset(env)
    render.forget_feeds()
    parallel.trim_memory()


_ENVIRONMENTS: dict[tuple, Any] = {}


def environment(theme: Theme, strings: Strings | None, key: bytes, compiled: Path | None = None) -> Any:
    """The theme's Jinja environment with ``strings``, kept while the theme (folders, site) and ``key`` (code,
    configuration, theme files, strings) are the same, so a long-lived process compiles each template once;
    warmed before workers fork. ``compiled``: the folder of compiled templates that builds share
    (:func:`briefgen.theme.compiled_templates_folder`), or None to compile every template."""
    env = _ENVIRONMENTS.get((key, theme, compiled))
    if env is None:
        _ENVIRONMENTS.clear()
        env = _ENVIRONMENTS[(key, theme, compiled)] = theme.environment(strings, compiled)
        for name in env.list_templates():  # (every file of the template folders: a page may include any)
            with contextlib.suppress(Exception):  # a broken template is reported when a page uses it
                env.get_template(name)
    return env


def render_pages(plan: Plan, jobs: int, estimate: int) -> Pages:
    """Render (or keep) every page and the search index: the outputs in order, the paths written
    into staging, and the site's HTML URLs (for the sitemap). ``estimate``: about how many pages
    there are, to decide whether workers are worth forking."""
    chunks = 1 + estimate // CHUNK
    extras = parallel.Once()
    sizes = None
    with contextlib.ExitStack() as stack:
        spill = None  # where a worker that builds the search index leaves the terms' sizes (see _work)
        if jobs > 1 and parallel.can_fork() and not plan.keep_search and plan.mark_bodies:
            with contextlib.suppress(OSError):
                spill = stack.enter_context(tempfile.TemporaryFile())
        results = parallel.run(lambda claims, in_parent: _work(plan, claims, in_parent, chunks, extras, spill),
                               jobs, chunks, total=None)
        for r in results:
            if r.sizes is not None:
                sizes = r.sizes
            if r.spilled:
                spill.seek(0)
                sizes = pickle.load(spill)
    failed = template_errors(error for r in results for error in r.errors)
    if failed is not None:
        raise failed
    rows: list[tuple] = []
    pages = Pages({}, [], [], sizes=sizes)
    for r in results:
        rows += r.rows
        pages.spans.update(r.spans)
        pages.terms_saved |= r.terms_saved
        pages.chores_done |= r.chores_done
        if r.html_urls is not None:
            pages.html_urls = r.html_urls
    rows.sort(key=lambda row: row[0])
    for _, path, out, wrote in rows:
        pages.outputs[path] = out
        if wrote:
            pages.written.append(path)
    return pages


def render_bodies(plan: Plan, owners: list) -> Pages:
    """The pages of a build in which only the Markdown bodies of ``owners`` changed since the last
    build into the same output (:func:`briefgen.session.body_changes`; serve's kept site, or the
    cache from the command line): a body shows on its owner's page and in the search index,
    nowhere else, so every other output of the last build stays as it is (and the sitemap too:
    ``html_urls`` is None). The caller checks that the last build's output is all there."""
    site = plan.site
    env = plan.env or plan.theme.environment(plan.site.config.strings)
    fragments.reset(env)
    render.forget_recursion(env)
    views = plan.views or TrackedViews(site)
    index = Written()
    _search_index(plan, views, index, owners)
    pages = Pages({}, [path for _, path, _, wrote in index.rows if wrote], sizes=index.sizes)
    outputs = pages.outputs
    for path, out in plan.previous.items():  # in the same order as a full build's
        if not search.is_index_file(path):
            outputs[path] = out
        elif index.rows:
            outputs.update((row[1], row[2]) for row in index.rows)
            index.rows = []
    outputs.update((row[1], row[2]) for row in index.rows)
    site_view = render.site_context(site)
    errors = []
    for order, page in enumerate(render.body_pages(site, views, owners)):
        fp = fingerprint(page, views)
        old = plan.previous[page.path]
        if plan.same_key and old.fingerprint == fp:
            continue
        try:
            data = _render(plan, env, page, site_view, pages.spans)
        except ContentError as exc:  # reported with every other page's (render_pages)
            errors.append(((order,), exc.diagnostics))
            continue
        out, wrote = _keep_or_write(plan, page.path, data, fp)
        outputs[page.path] = out
        if wrote:
            pages.written.append(page.path)
    failed = template_errors(errors)
    if failed is not None:
        raise failed
    return pages


def write_extras(plan: Plan, html_urls: list[str], outputs: dict[str, Output], written: list[str]) -> None:
    """sitemap.xml, robots.txt and .nojekyll, rendered (like pages) only when what they show changed."""
    site, config = plan.site, plan.site.config
    env = plan.env or plan.theme.environment(plan.site.config.strings)
    views = plan.views or TrackedViews(site)
    site_view = render.site_context(site)
    size = feeds.SITEMAP_URLS
    # a brief's page changes with its content: when it was published, or last updated
    lastmod = {brief_path(b.slug): view_types.iso(b.updated or b.date) for b in site.briefs}
    drafts = {brief_path(b.slug) for b in site.briefs if b.draft}  # (--drafts) pages that say noindex
    if drafts:
        html_urls = [u for u in html_urls if u not in drafts]
    if len(html_urls) > size:  # sitemap-1.xml, sitemap-2.xml... and sitemap.xml their index
        parts = [(f"sitemap-{n}.xml", {"urls": (chunk := html_urls[i:i + size]),
                                       "lastmod": {u: lastmod[u] for u in chunk if u in lastmod}})
                 for n, i in enumerate(range(0, len(html_urls), size), 1)]
        extras = [*parts, ("sitemap.xml", {"parts": [name for name, _ in parts]})]
    else:
        extras = [("sitemap.xml", {"urls": html_urls, "lastmod": lastmod})]
    for name, context in (*extras, ("robots.txt", {})):
        page = render.Page(name, "sitemap.xml" if name.startswith("sitemap") else name, name, context=context)
        fp = fingerprint(page, views)
        old = plan.previous.get(name)
        if plan.same_key and old is not None and old.fingerprint == fp and name in plan.present:
            outputs[name] = old
            continue
        out, wrote = _keep_or_write(plan, name, render.render_page(env, page, site_view, config), fp)
        outputs[name] = out
        if wrote:
            written.append(name)
    out, wrote = _keep_or_write(plan, ".nojekyll", b"", None)
    outputs[".nojekyll"] = out
    if wrote:
        written.append(".nojekyll")


def static_files(trees: Iterable[Path], blocked: list[tuple[Path, str]] | None = None, avoid: tuple[Path, ...] = (),
                 refused: list[Path] | None = None) -> dict[str, Path]:
    """What copying the static folders in order gives: relative path → source file (later folders win).

    Names starting with '.' are skipped at any depth (``.git``, ``.DS_Store``, an ``.env`` left there),
    but for a ``.well-known`` folder at the top, where the web keeps ``security.txt`` and the like
    (RFC 8615). A symlink is followed only when it points inside the folder that holds the static folder
    (the site, or the theme); symlink loops, and anything that is not a regular file (FIFOs, sockets,
    devices), are skipped, so a build can neither publish a file from elsewhere on the machine nor hang
    or recurse without end. A file whose path an earlier folder's file needs as a folder, or that would
    be where an earlier folder's folder is (``assets`` against the theme's ``assets/style.css``), cannot
    be copied: it goes to ``blocked`` (source, the path in the way; a folder's ends in ``/``) instead, and
    so does a file whose path has a backslash or a control character (with ``""`` for the path). A link that
    leads into one of ``avoid`` (resolved folders: the output, the build cache) is not followed and goes to
    ``refused``: copied, the output would copy itself, growing with every build."""
    found: dict[str, Path] = {}
    for tree in trees:
        earlier = set(found)
        folders = {f for rel in earlier for f in _parent_folders(rel)}
        for path in sorted(static_walk(tree, avoid, refused)):
            rel = path.relative_to(tree).as_posix()
            if "\\" in rel or one_line(rel) != rel:  # not a path the output can have as it is (\ is / to some)
                if blocked is not None:
                    blocked.append((path, ""))
                continue
            in_the_way = next((f for f in _parent_folders(rel) if f in earlier), None) or \
                (rel + "/" if rel in folders else None)
            if in_the_way is not None:
                if blocked is not None:
                    blocked.append((path, in_the_way))
                continue
            found[rel] = path
    return found


def _parent_folders(rel: str) -> list[str]:
    """The folders a relative path goes through: ``a/b/c`` → ``a``, ``a/b``."""
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _kept_static(rel: str, src: Path, known: dict[str, tuple], outputs: dict[str, Output],
                previous: dict[str, Output]) -> bool:
    """Whether ``outputs[rel]`` is the last build's copy of the static file ``src``, kept as it was (a
    build that renders only the pages of changed bodies keeps every other output), rather than a page
    generated at that path. ``known``: the last build's static files (:func:`copy_statics`)."""
    cached = known.get(str(src))
    out = outputs.get(rel)
    return cached is not None and out is not None and out == previous.get(rel) and out.digest == cached[2]


def _generated_folders(outputs: Iterable[str], statics: Iterable[str]) -> set[str]:
    """The folders of the generated ``outputs`` that a static file could be in the way of: those under the
    top-level folders of ``statics`` (most often ``assets/`` alone, where nothing is generated)."""
    tops = {rel.partition("/")[0] for rel in statics}
    return {f for rel in outputs if rel.partition("/")[0] in tops for f in _parent_folders(rel)}


def _generated_in_the_way(rel: str, outputs: Mapping[str, Output], folders: set[str]) -> str | None:
    """The generated output that keeps the static file ``rel`` out, if any: a file at its path (a page
    wins, as it always has), a file where one of its folders would be (``feed.xml`` for
    ``feed.xml/a.txt``), or a folder at its path (``claims/`` for a file ``claims``); the folder ends in
    ``/``. ``folders``: :func:`_generated_folders`."""
    if rel in outputs:
        return rel
    above = next((f for f in _parent_folders(rel) if f in outputs), None)
    if above is not None:
        return above
    return rel + "/" if rel in folders else None


def published_statics(sources: dict[str, Path], outputs: Mapping[str, Output], known: dict[str, tuple],
                      previous: dict[str, Output]) -> tuple[dict[str, Path], list[tuple[Path, str, str]]]:
    """The static files to copy, and those that generated output keeps out: (source, path, the output in
    its way, :func:`_generated_in_the_way`). A copy the build kept from the last one is a static file still,
    not a page (:func:`_kept_static`; ``known`` and ``previous``: the last build's)."""
    folders = _generated_folders(outputs, sources)
    publish: dict[str, Path] = {}
    kept_out: list[tuple[Path, str, str]] = []
    for rel, src in sources.items():
        in_the_way = _generated_in_the_way(rel, outputs, folders)
        if in_the_way is None or (in_the_way == rel and _kept_static(rel, src, known, outputs, previous)):
            publish[rel] = src
        else:
            kept_out.append((src, rel, in_the_way))
    return publish, kept_out


def copy_statics(plan: Plan, sources: dict[str, Path], known: dict[str, tuple], outputs: dict[str, Output],
                 written: list[str]) -> dict[str, tuple]:
    """Copy the static files ``sources`` (:func:`published_statics`); returns their (size, mtime_ns,
    digest) by source path."""
    seen: dict[str, tuple] = {}
    for rel, src in sources.items():
        st = src.stat()
        key = str(src)
        cached = known.get(key)
        if cached is not None and cached[:2] == (st.st_size, st.st_mtime_ns):
            file_digest = cached[2]
        else:
            file_digest = digest(src.read_bytes())
        seen[key] = (st.st_size, st.st_mtime_ns, file_digest)
        out = Output(file_digest, st.st_size, None)
        old = plan.previous.get(rel)
        outputs[rel] = out
        if old is not None and old.digest == file_digest and rel in plan.present:
            continue
        target = plan.staging / safe_relpath(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        written.append(rel)
    marker = MARKER_TEXT.encode("utf-8")
    out, wrote = _keep_or_write(plan, MARKER, marker, None)
    outputs[MARKER] = out
    if wrote:
        written.append(MARKER)
    return seen
