"""The HTTP side of ``briefgen serve``: a small threaded server that serves an
output folder the way GitHub Pages does, plus the live-reload endpoints.

- ``/x/`` serves ``x/index.html``; ``/x`` redirects to ``/x/`` when ``x`` is a
  folder; ``/x`` serves ``x.html`` when that file exists; anything else gets the
  site's ``404.html`` with status 404. No directory listings.
- No file outside the output folder is ever served: the request path is
  percent-decoded once, ``..`` segments, backslashes and NUL are refused, and the
  fully resolved path (symlinks followed) must still lie inside the folder.
- HTML responses get the live-reload script tag (:mod:`briefgen.livereload`);
  the files on disk are never changed.
"""

from __future__ import annotations

import errno
import ipaddress
import mimetypes
import os
import queue
import shutil
import socket
import sys
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote_to_bytes

from . import livereload
from .diagnostics import UsageError
from .livereload import LiveReload

# What GitHub Pages sends for the files a site is made of; text types get a charset.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".webmanifest": "application/manifest+json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
}

FALLBACK_404 = (
    b"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n"
    b"<body><h1>Not found</h1><p>This page is not in the preview build.</p></body></html>\n"
)

SWAP_RETRIES = 20
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def content_type(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


@dataclass(frozen=True)
class Target:
    """What a request path maps to: a file to send, a redirect, or nothing."""

    kind: Literal["file", "redirect", "missing"]
    path: str = ""
    location: str = ""


MISSING = Target("missing")


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def resolve(root: Path, target: str) -> Target:
    """Map a request target (path and query, as sent) to a file under ``root``.

    Pure apart from looking at the file system; never returns a path outside
    ``root`` once symlinks are resolved.
    """
    raw, sep, query = target.partition("?")
    raw = raw.partition("#")[0]
    if not raw.startswith("/"):
        return MISSING
    try:
        decoded = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return MISSING
    if "\x00" in decoded or "\\" in decoded:
        return MISSING
    segments = [s for s in decoded.split("/") if s not in ("", ".")]
    if ".." in segments or (os.name == "nt" and any(":" in s for s in segments)):
        return MISSING
    root_real = os.path.realpath(root)
    real = os.path.realpath(os.path.join(root_real, *segments))
    if not _inside(real, root_real):
        return MISSING
    wants_folder = decoded.endswith("/")
    if os.path.isdir(real):
        if not wants_folder:
            # Built from the checked segments, so never "//host" (no open redirect).
            return Target("redirect", location="/" + quote("/".join(segments)) + "/" + sep + query)
        index = os.path.realpath(os.path.join(real, "index.html"))
        if _inside(index, root_real) and os.path.isfile(index):
            return Target("file", path=index)
        return MISSING
    if wants_folder:
        return MISSING
    if os.path.isfile(real):
        return Target("file", path=real)
    html = os.path.realpath(real + ".html")
    if _inside(html, root_real) and os.path.isfile(html):
        return Target("file", path=html)
    return MISSING


class PreviewServer(ThreadingHTTPServer):
    """Serves ``root`` (read again on every request, so a rebuilt folder is picked up)."""

    daemon_threads = True  # open event streams never hold up exit
    allow_reuse_address = os.name != "nt"  # on Windows SO_REUSEADDR would let two servers share a port

    def __init__(self, address: tuple[str, int], root: Path, live: LiveReload):
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.root = root
        self.live = live
        self.loopback_only = _is_loopback(host)
        super().__init__(address, PreviewHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1" if host == "0.0.0.0" else "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}/"

    def handle_error(self, request, client_address) -> None:  # type: ignore[override]
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # the browser went away; nothing to report
        print(f"briefgen: error serving a request: {exc!r}", file=sys.stderr, flush=True)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def open_server(host: str, port: int, root: Path, live: LiveReload) -> PreviewServer:
    """Bind the preview server; a taken port or a bad address is a :class:`UsageError`."""
    try:
        return PreviewServer((host, port), root, live)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on {host} is already in use; stop the other server, "
                f"or pick another port with --port N (--port 0 picks a free one)"
            ) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise UsageError(f"not allowed to listen on {host}:{port}; use a port above 1023, "
                             f"e.g. --port 8000 (--port 0 picks a free one)") from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                         f"check --host (default 127.0.0.1)") from None


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "briefgen-serve"

    def version_string(self) -> str:
        return self.server_version
    timeout = 60  # idle keep-alive connections are dropped after this

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _not_allowed(self) -> None:
        """A method HTTP knows but a preview of static files does not take: 405, naming those it does
        (methods HTTP does not know get the standard library's 501)."""
        data = b"Method not allowed: the preview only reads (GET, HEAD)\n"
        self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")  # a body the client sent is not read: nothing may follow it
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed

    def log_message(self, format: str, *args) -> None:
        pass  # one line per rebuild is printed instead of an access log

    def _respond(self, body: bool) -> None:
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, b"Forbidden: unexpected Host header\n",
                       "text/plain; charset=utf-8", body)
            return
        path = self.path.partition("?")[0]
        if path == livereload.EVENTS_PATH:
            self._events(body)
            return
        if path == livereload.SCRIPT_PATH:
            self._send(HTTPStatus.OK, livereload.CLIENT_JS.encode(), "text/javascript; charset=utf-8", body)
            return
        if path.startswith(livereload.RESERVED_PREFIX):
            self._not_found(body)
            return
        target = resolve(self.server.root, self.path)
        for _ in range(SWAP_RETRIES):
            if target.kind != "missing" or not self.server.live.has_site or self.server.root.is_dir():
                break
            time.sleep(0.01)  # a rebuild is swapping the new folder in; it is back within microseconds
            target = resolve(self.server.root, self.path)
        if target.kind == "redirect":
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", target.location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
        elif target.kind == "file":
            self._send_file(HTTPStatus.OK, target.path, body)
        else:
            self._not_found(body)

    def _host_allowed(self) -> bool:
        """Against DNS rebinding: a loopback-only server answers only to loopback host names."""
        if not self.server.loopback_only:
            return True
        host = self.headers.get("Host")
        if host is None:
            return True  # HTTP/1.0 clients
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.strip("[]").lower() in LOOPBACK_NAMES or _is_loopback(name.strip("[]"))

    def _not_found(self, body: bool) -> None:
        page = resolve(self.server.root, "/404.html")
        if page.kind == "file":
            self._send_file(HTTPStatus.NOT_FOUND, page.path, body)
        else:
            self._send(HTTPStatus.NOT_FOUND, FALLBACK_404, "text/html; charset=utf-8", body)

    def _send_file(self, status: HTTPStatus, path: str, body: bool) -> None:
        kind = content_type(path)
        try:
            f = open(path, "rb")  # noqa: SIM115 - closed below, streamed in chunks
        except OSError:  # replaced mid-rebuild, or unreadable
            if status == HTTPStatus.NOT_FOUND:
                self._send(status, FALLBACK_404, "text/html; charset=utf-8", body)
            else:
                self._not_found(body)
            return
        with f:
            if kind.startswith("text/html"):
                self._send(status, f.read(), kind, body)
                return
            size = os.fstat(f.fileno()).st_size
            self._headers(status, kind, size)
            if body:
                shutil.copyfileobj(f, self.wfile)

    def _send(self, status: HTTPStatus, data: bytes, kind: str, body: bool) -> None:
        if kind.startswith("text/html"):
            data = livereload.inject(data, self.server.live.build_id)
        self._headers(status, kind, len(data))
        if body:
            self.wfile.write(data)

    def _headers(self, status: HTTPStatus, kind: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def _events(self, body: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if not body:
            return
        live = self.server.live
        stream = live.subscribe()
        try:
            while True:
                try:
                    message = stream.get(timeout=livereload.KEEPALIVE_SECONDS)
                except queue.Empty:
                    message = b": keep-alive\n\n"  # also notices a closed tab
                if message is None:
                    return
                self.wfile.write(message)
                self.wfile.flush()
        except OSError:
            return  # the page went away
        finally:
            live.unsubscribe(stream)
