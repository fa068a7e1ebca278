"""Live reload for ``briefgen serve``: the build state shared with open pages.

The server injects :data:`SCRIPT_PATH` into every HTML response (never into the
files on disk). The script opens a Server-Sent Events stream on
:data:`EVENTS_PATH`; :class:`LiveReload` fans build results out to every open
stream:

``hello``   sent first on every connection: ``{"build", "ok", "errors"}``, so a
            page that loaded just before a rebuild, or while the build is
            broken, catches up at once.
``reload``  a build succeeded: ``{"build", "changed", "written"}``.
``errors``  a build failed: ``{"build", "ok": false, "errors": [{"text", "path",
            "line", "col", "severity", "message"}]}``; the page shows an overlay.

``build`` is an id unique to this server process and build, so a page served
by an older build (or an earlier run of the server) reloads on reconnect.
"""

from __future__ import annotations

import json
import queue
import secrets
import threading
from collections.abc import Iterable
from typing import Any

from .diagnostics import Diagnostic

RESERVED_PREFIX = "/__briefgen/"
EVENTS_PATH = RESERVED_PREFIX + "events"
SCRIPT_PATH = RESERVED_PREFIX + "live.js"
KEEPALIVE_SECONDS = 15.0

# The browser side. Plain ES5, no dependencies; every text from the build goes
# through textContent, never innerHTML. Hooks for tests (docs/serve.md):
#   window.__briefgenReloads  live reloads so far in this tab (kept in sessionStorage)
#   window.__briefgenLive     {build, connected, errors}
#   <html data-briefgen-live="connected|disconnected">
#   #__briefgen-overlay       the error overlay, present while the build is broken
CLIENT_JS = r"""(function () {
  "use strict";
  var KEY = "__briefgenReloads";
  var me = document.currentScript || document.querySelector("script[data-briefgen-live]");
  var live = window.__briefgenLive = {
    build: me ? me.getAttribute("data-build") : null, connected: false, errors: []
  };
  try { window.__briefgenReloads = Number(sessionStorage.getItem(KEY) || 0); }
  catch (e) { window.__briefgenReloads = 0; }

  function reload() {
    try { sessionStorage.setItem(KEY, String(window.__briefgenReloads + 1)); } catch (e) { /* no storage */ }
    location.reload();
  }
  function whenBody(fn) {
    if (document.body) { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  function hideErrors() {
    live.errors = [];
    var box = document.getElementById("__briefgen-overlay");
    if (box) { box.parentNode.removeChild(box); }
  }
  function showErrors(errors) {
    live.errors = errors;
    whenBody(function () {
      var box = document.getElementById("__briefgen-overlay");
      if (!box) {
        box = document.createElement("div");
        box.id = "__briefgen-overlay";
        box.setAttribute("role", "alert");
        box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;" +
          "padding:2rem;background:rgba(20,20,24,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;";
        document.body.appendChild(box);
      }
      box.textContent = "";
      var title = document.createElement("h2");
      title.style.cssText = "margin:0 0 1rem;font:bold 18px/1.3 system-ui,sans-serif;color:#ff8080;";
      title.textContent = "briefgen: the build failed (" + errors.length + " problem" +
        (errors.length === 1 ? "" : "s") + ")";
      var list = document.createElement("pre");
      list.style.cssText = "white-space:pre-wrap;margin:0 0 1rem;";
      list.textContent = errors.map(function (d) { return d.text; }).join("\n");
      var note = document.createElement("p");
      note.style.cssText = "margin:0 0 1rem;font-family:system-ui,sans-serif;color:#ccc;";
      note.textContent = "This page shows the last good build. Save a fix and it reloads by itself.";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Dismiss";
      close.onclick = function () { box.parentNode.removeChild(box); };
      box.appendChild(title); box.appendChild(list); box.appendChild(note); box.appendChild(close);
    });
  }
  function connection(state) {
    live.connected = state === "connected";
    document.documentElement.setAttribute("data-briefgen-live", state);
  }

  var source = new EventSource("__EVENTS_PATH__");
  source.onopen = function () { connection("connected"); };
  source.onerror = function () { connection("disconnected"); };
  source.addEventListener("hello", function (event) {
    var state = JSON.parse(event.data);
    if (!state.ok) { showErrors(state.errors); }
    else if (live.build !== null && state.build !== live.build) { reload(); }
    else { hideErrors(); }
  });
  source.addEventListener("reload", function () { reload(); });
  source.addEventListener("errors", function (event) { showErrors(JSON.parse(event.data).errors); });
})();
""".replace("__EVENTS_PATH__", EVENTS_PATH)


def inject(html: bytes, build_id: str) -> bytes:
    """``html`` with the live-reload script tag before its last ``</body>`` (or at the end)."""
    tag = f'<script src="{SCRIPT_PATH}" data-briefgen-live data-build="{build_id}" defer></script>'.encode()
    at = html.lower().rfind(b"</body")
    if at < 0:
        return html + tag
    return html[:at] + tag + html[at:]


def diagnostic_payload(diagnostics: Iterable[Diagnostic]) -> list[dict[str, Any]]:
    """The JSON-ready form of diagnostics sent with ``errors`` events."""
    return [
        {"text": d.format(), "path": d.path, "line": d.line, "col": d.col,
         "severity": d.severity, "message": d.message}
        for d in diagnostics
    ]


def message_payload(message: str) -> list[dict[str, Any]]:
    """An ``errors`` payload for a failure that is not tied to a file (an internal error)."""
    return [{"text": message, "path": "", "line": 0, "col": 0, "severity": "error", "message": message}]


def _event(name: str, data: dict[str, Any]) -> bytes:
    # json.dumps never emits a raw newline, so the data fits on one SSE line.
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class LiveReload:
    """The current build state and the queues of the open event streams. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: set[queue.SimpleQueue[bytes | None]] = set()
        self._instance = secrets.token_hex(4)
        self._builds = 0
        self._errors: list[dict[str, Any]] | None = None
        self._closed = False

    @property
    def build_id(self) -> str:
        """Id of the last good build, stamped into served pages."""
        with self._lock:
            return f"{self._instance}-{self._builds}"

    @property
    def has_site(self) -> bool:
        """True once a build has succeeded, so the output folder exists (apart from during a swap)."""
        with self._lock:
            return self._builds > 0

    @property
    def clients(self) -> int:
        with self._lock:
            return len(self._clients)

    def succeeded(self, changed: list[str], written: int) -> None:
        with self._lock:
            self._builds += 1
            self._errors = None
            payload = {"build": f"{self._instance}-{self._builds}", "changed": changed, "written": written}
            self._broadcast(_event("reload", payload))

    def failed(self, errors: list[dict[str, Any]]) -> None:
        with self._lock:
            self._errors = errors
            payload = {"build": f"{self._instance}-{self._builds}", "ok": False, "errors": errors}
            self._broadcast(_event("errors", payload))

    def subscribe(self) -> queue.SimpleQueue[bytes | None]:
        """A new stream's queue, primed with the ``hello`` event (atomically, so no event is missed)."""
        q: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        with self._lock:
            q.put(b"retry: 1000\n\n")
            q.put(_event("hello", {"build": f"{self._instance}-{self._builds}",
                                   "ok": self._errors is None, "errors": self._errors or []}))
            if self._closed:
                q.put(None)
            else:
                self._clients.add(q)
        return q

    def unsubscribe(self, q: queue.SimpleQueue[bytes | None]) -> None:
        with self._lock:
            self._clients.discard(q)

    def close(self) -> None:
        """End every open stream (at shutdown)."""
        with self._lock:
            self._closed = True
            for q in self._clients:
                q.put(None)
            self._clients.clear()

    def _broadcast(self, message: bytes) -> None:
        for q in self._clients:
            q.put(message)
