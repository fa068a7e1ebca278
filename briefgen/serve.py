"""``briefgen serve``: build into a private preview folder, serve it, rebuild on
every change and tell open pages to reload (or show the errors).

One long-lived process runs every rebuild through :func:`briefgen.build.build`,
so whatever the build keeps in memory between runs speeds up the next one. The
preview is built into a temporary folder, never into ``site/``: serving drafts
or a half-edited site must not change the deployable build, and the folder is
removed when the server stops.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from pathlib import Path

import watchfiles

from .cache import CACHE_DIR
from .config import CONFIG_FILE, load_config, not_a_site
from .diagnostics import BriefgenError, ContentError, Diagnostics, UsageError, format_all, one_line, shell_word
from .livereload import LiveReload, diagnostic_payload, message_payload
from .server import PreviewServer, open_server
from .sources import is_editor_temp
from .theme import builtin_themes_dir

# What a change under the site folder can affect; anything else (site/, .git, notes) is ignored.
WATCHED_DIRS = frozenset({"content", "templates", "static", "themes", "i18n"})
IGNORED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules", CACHE_DIR})
DEBOUNCE_MS = 50  # a batch ends after this long without a further change
RUST_TIMEOUT_MS = 200


class SourceFilter:
    """Decides which file-system changes trigger a rebuild (a ``watchfiles`` filter)."""

    def __init__(self, site_dir: Path, themes_dir: Path | None, ignored: list[Path]):
        self.site_dir = site_dir
        self.themes_dir = themes_dir
        self.ignored = ignored  # replaced, never mutated, when the config changes (read from another thread)

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        p = Path(path)
        if is_editor_temp(p.name) or any(part in IGNORED_DIRS for part in p.parts):
            return False
        if any(p == d or d in p.parents for d in self.ignored):
            return False
        if self.themes_dir is not None and (p == self.themes_dir or self.themes_dir in p.parents):
            return True
        try:
            rel = p.relative_to(self.site_dir)
        except ValueError:
            return False
        return rel.parts == (CONFIG_FILE,) or (bool(rel.parts) and rel.parts[0] in WATCHED_DIRS)


def _named(paths: list[str]) -> list[str]:
    """The changes worth naming: not the temporary files that editors and tools (``sed -i``'s ``sedX1y2z3``)
    write and rename away in the same batch, with no suffix, unless there is nothing else to name."""
    named = [p for p in paths if Path(p).suffix or os.path.lexists(p)]
    return named or paths


def describe_changes(paths: list[str]) -> str:
    """``content/briefs/a.md``, or ``content/briefs/a.md and 3 more``."""
    if not paths:
        return "initial build"
    if len(paths) == 1:
        return paths[0]
    return f"{paths[0]} and {len(paths) - 1} more"


class Watcher:
    """Runs ``watchfiles`` in a thread; each debounced batch of changed paths lands on a queue.

    It starts before the first build, so an edit made while that build runs is not lost.
    """

    def __init__(self, paths: list[Path], watch_filter: SourceFilter):
        self.paths = paths
        self.filter = watch_filter
        self._batches: queue.SimpleQueue[set[str] | BaseException] = queue.SimpleQueue()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="briefgen-watch", daemon=True)

    def start(self, timeout: float = 5.0) -> None:
        self._thread.start()
        self._ready.wait(timeout)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)

    def next_batch(self, timeout: float) -> set[str]:
        """Every path changed since the last call (waits up to ``timeout`` for the first one)."""
        try:
            item = self._batches.get(timeout=timeout)
        except queue.Empty:
            return set()
        paths: set[str] = set()
        while True:
            if isinstance(item, BaseException):
                raise BriefgenError(f"cannot watch the site for changes: {item}; set WATCHFILES_FORCE_POLLING=1 "
                                    "to poll for changes instead") from item
            paths |= item
            try:
                item = self._batches.get_nowait()
            except queue.Empty:
                return paths

    def _run(self) -> None:
        try:
            # yield_on_timeout: the first (empty) batch says the watches are in place.
            for changes in watchfiles.watch(*self.paths, watch_filter=self.filter, step=DEBOUNCE_MS,
                                            rust_timeout=RUST_TIMEOUT_MS, yield_on_timeout=True,
                                            stop_event=self._stop, raise_interrupt=False):
                self._ready.set()
                if changes:
                    self._batches.put({path for _, path in changes})
        except BaseException as exc:  # reported by the main thread, which owns the terminal
            self._batches.put(exc)
        finally:
            self._ready.set()


class Preview:
    """The site being previewed: runs builds and reports them to the terminal and the pages."""

    def __init__(self, site_dir: Path, out_dir: Path, drafts: bool, live: LiveReload):
        self.site_dir = site_dir
        self.out_dir = out_dir
        self.cache_dir = out_dir.parent / CACHE_DIR / out_dir.name  # in the preview's temporary folder too
        self.drafts = drafts
        self.live = live
        # The preview is served at the server's root, so absolute URLs (canonical links, feeds, and the
        # 404 page's links, which start from base_url's path) must point there, not at the published site.
        self.base_url: str | None = None
        self.filter = SourceFilter(site_dir, builtin_themes_dir(), [out_dir])
        self.built = False  # whether a build has succeeded yet (there is a last good build to serve)
        self.configure()

    def _serving(self) -> str:
        """What a failed build leaves served."""
        return "still serving the last good build" if self.built else "nothing to serve until a build succeeds"

    def configure(self) -> None:
        """Ignore the configured output folder (read again after briefgen.yaml changes)."""
        config = load_config(self.site_dir, Diagnostics())  # its problems are reported by the build
        self.filter.ignored = [self.out_dir, (self.site_dir / config.output_dir).resolve()]

    def watcher(self) -> Watcher:
        paths = [self.site_dir]
        themes = self.filter.themes_dir
        if themes is not None and themes != self.site_dir and self.site_dir not in themes.parents:
            paths.append(themes)
        return Watcher(paths, self.filter)

    def rebuild(self, changed: list[str]) -> bool:
        """Build once; print one line; tell the pages. Never raises for a broken site."""
        from .build import BuildOptions, build  # local: the build pulls in the whole renderer

        what = describe_changes(changed)
        stamp = time.strftime("%H:%M:%S")
        started = time.perf_counter()
        try:
            result = build(BuildOptions(site_dir=self.site_dir, out_dir=self.out_dir, cache_dir=self.cache_dir,
                                        drafts=self.drafts, progress=False, base_url=self.base_url, session=True))
        except ContentError as exc:
            errors = [d for d in exc.diagnostics if d.severity == "error"]
            _say(f"[{stamp}] {what}: build failed with {len(errors)} error(s), "
                 f"{len(exc.diagnostics) - len(errors)} warning(s); {self._serving()}")
            _report(format_all(exc.diagnostics))
            self.live.failed(diagnostic_payload(exc.diagnostics))
            return False
        except BriefgenError as exc:
            _say(f"[{stamp}] {what}: build failed: {exc}")
            self.live.failed(message_payload(str(exc)))
            return False
        except Exception as exc:  # a bug in the build must not take the preview down with it
            _report(traceback.format_exc().rstrip())
            _say(f"[{stamp}] {what}: build crashed ({exc!r}); {self._serving()}")
            self.live.failed(message_payload(f"internal error in briefgen: {exc!r} (see the terminal)"))
            return False
        ms = (time.perf_counter() - started) * 1000
        if result.diagnostics:
            _report(format_all(result.diagnostics))
        warned = f", {len(result.diagnostics)} warning(s)" if result.diagnostics else ""
        files = "file" if result.pages_written == 1 else "files"
        _say(f"[{stamp}] {what}: built in {ms:.0f} ms, {result.pages_written} {files} written, "
             f"{result.pages_unchanged} unchanged{warned}")
        self.built = True
        self.live.succeeded(changed, result.pages_written)
        return True

    def run(self, watcher: Watcher, stop: threading.Event) -> None:
        """Rebuild after every batch of changes until ``stop`` is set (or Ctrl-C)."""
        while not stop.is_set():
            paths = watcher.next_batch(timeout=0.5)
            if not paths:
                continue
            changed = sorted(self._display(path) for path in _named(paths))
            if CONFIG_FILE in changed:
                self.configure()
            self.rebuild(changed)

    def _display(self, path: str) -> str:
        p = Path(path)
        try:
            return p.relative_to(self.site_dir).as_posix()
        except ValueError:
            return str(p)


def _say(line: str) -> None:
    print(one_line(line), flush=True)  # one line, whatever the changed files' names hold


def _report(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class StopSignals:
    """Ctrl-C (SIGINT) and SIGTERM raise KeyboardInterrupt, so the server stops and cleans up either way.

    SIGINT is handled even when inherited as ignored (a background job), as uvicorn and Hugo do.
    Once ``stopping`` is set, further signals are ignored so a second Ctrl-C cannot cut the cleanup short.
    """

    def __init__(self) -> None:
        self.stopping = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for name in ("SIGINT", "SIGTERM"):
                if hasattr(signal, name):
                    number = getattr(signal, name)
                    self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: object) -> None:
        if not self.stopping:
            raise KeyboardInterrupt


def _non_loopback_warning(host: str) -> str:
    return (f"warning: listening on {host or 'all interfaces'}: other machines on your network can "
            f"see the preview, drafts included; the preview server is meant for local use "
            f"(default --host 127.0.0.1)")


def _not_a_site_folder(site_dir: Path) -> str:
    """Why ``site_dir`` cannot be served, and what to do: ``init`` only where nothing is there yet (it
    refuses a file, or a symlink to nothing, as a site folder)."""
    if os.path.lexists(site_dir):
        return f"{site_dir} is not a folder; pass the site folder (default: .)"
    return f"{site_dir} does not exist; to create a site there, run: briefgen init {shell_word(str(site_dir))}"


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000, drafts: bool = False,
          open_browser: bool = False) -> int:
    """Build, serve on ``host:port``, rebuild on change. Returns 0 after Ctrl-C or SIGTERM."""
    site_dir = Path(os.path.abspath(site_dir))
    if not site_dir.is_dir():
        raise UsageError(_not_a_site_folder(site_dir))
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is out of range; use 1-65535, or 0 for a free port")
    problem = not_a_site(site_dir, "serve")
    if problem is not None:
        raise problem
    site_dir = site_dir.resolve()
    live = LiveReload()
    tmp = Path(tempfile.mkdtemp(prefix="briefgen-serve-"))
    server: PreviewServer | None = None
    thread: threading.Thread | None = None
    watcher: Watcher | None = None
    with StopSignals() as signals:
        try:
            preview = Preview(site_dir, tmp / "site", drafts, live)
            server = open_server(host, port, preview.out_dir, live)
            if not server.loopback_only:
                _report(_non_loopback_warning(host))
            preview.base_url = server.url
            watcher = preview.watcher()
            watcher.start()
            preview.rebuild([])
            thread = threading.Thread(target=server.serve_forever, args=(0.2,), name="briefgen-http", daemon=True)
            thread.start()
            _say(f"Serving {site_dir} at {server.url} (preview build in {tmp}); press Ctrl-C to stop")
            if open_browser:
                webbrowser.open(server.url)
            preview.run(watcher, threading.Event())
        except KeyboardInterrupt:
            pass
        finally:
            signals.stopping = True
            live.close()
            if watcher is not None:
                watcher.stop()
            if server is not None:
                if thread is not None:
                    server.shutdown()
                server.server_close()
            shutil.rmtree(tmp, ignore_errors=True)
    _say("Stopped; preview files removed.")
    return 0
