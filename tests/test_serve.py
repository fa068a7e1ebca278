"""``briefgen serve``: the HTTP server in-process against a folder of static
files, then the real command in a subprocess against a small site (edit, break,
fix, Ctrl-C). Every network wait has a timeout of a few seconds."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefgen import cli
from briefgen.cache import cache_folder
from briefgen.diagnostics import Diagnostic, UsageError
from briefgen.livereload import EVENTS_PATH, SCRIPT_PATH, LiveReload, diagnostic_payload, inject
from briefgen.serve import SourceFilter, _named, describe_changes, is_editor_temp
from briefgen.server import PreviewServer, open_server

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 5.0
SECRET = b"TOP SECRET, outside the output folder"


# --- helpers ---------------------------------------------------------------


def raw_get(port: int, target: str, method: str = "GET", host: str = "127.0.0.1") -> tuple[int, dict, bytes]:
    """Send exactly ``target`` (no client-side normalisation) and return status, headers, body."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
                     .encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    return status, headers, body


class EventStream:
    """A Server-Sent Events client that reads one event at a time, with a timeout."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.conn.request("GET", EVENTS_PATH)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def next(self, timeout: float = TIMEOUT) -> tuple[str, dict]:
        """The next named event; comments and ``retry:`` lines are skipped."""
        deadline = time.monotonic() + timeout
        name, data = "", ""
        while time.monotonic() < deadline:
            line = self.response.fp.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: "):
                data = line[len("data: "):]
            elif line == "" and name:
                return name, json.loads(data)
        raise TimeoutError("no event")

    def wait_for(self, wanted: str, timeout: float = 15.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                name, data = self.next(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            if name == wanted:
                return data
        raise AssertionError(f"no {wanted!r} event within {timeout} s")

    def close(self) -> None:
        self.conn.close()


# --- the server, in-process, on a folder of static files -------------------


@pytest.fixture
def out(tmp_path: Path) -> Path:
    (tmp_path / "secret.txt").write_bytes(SECRET)
    root = tmp_path / "out"
    files = {
        "index.html": "<!doctype html><html><head><title>Home</title></head><body><h1>Home</h1></BODY></html>",
        "404.html": "<!doctype html><html><body><h1>Custom not found</h1></body></html>",
        "about.html": "<html><body>About</body></html>",
        "briefs/a/index.html": "<html><body>Brief A</body></html>",
        "noindex/notes.txt": "listing must not show this",
        "evil.example/index.html": "<html><body>evil</body></html>",
        "style.css": "body{}",
        "app.js": "1",
        "feed.xml": "<feed/>",
        "data.json": "{}",
        "logo.svg": "<svg/>",
        "img.png": "png",
        "font.woff2": "woff2",
        "robots.txt": "User-agent: *",
        "fragment.html": "<p>no body tag</p>",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    os.symlink(tmp_path / "secret.txt", root / "leak.txt")
    os.symlink(tmp_path, root / "leakdir")
    os.symlink(root / "about.html", root / "alias.html")  # inside the folder: fine
    return root


@pytest.fixture
def server(out: Path) -> Iterator[PreviewServer]:
    srv = open_server("127.0.0.1", 0, out, LiveReload())
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.live.close()
    srv.shutdown()
    srv.server_close()
    thread.join(TIMEOUT)


def port_of(srv: PreviewServer) -> int:
    return srv.server_address[1]


def test_folder_urls_serve_index_html_with_the_reload_script(server, out):
    status, headers, body = raw_get(port_of(server), "/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert body.count(SCRIPT_PATH.encode()) == 1
    assert body.index(SCRIPT_PATH.encode()) < body.index(b"</BODY>")
    assert int(headers["content-length"]) == len(body)
    assert SCRIPT_PATH not in (out / "index.html").read_text()  # never on disk
    assert raw_get(port_of(server), "/briefs/a/")[2].startswith(b"<html><body>Brief A")


def test_folder_without_slash_redirects_keeping_the_query(server):
    status, headers, _ = raw_get(port_of(server), "/briefs/a?x=1")
    assert status == 301
    assert headers["location"] == "/briefs/a/?x=1"


def test_no_open_redirect_to_another_host(server):
    status, headers, _ = raw_get(port_of(server), "//evil.example")
    assert status == 301
    assert headers["location"] == "/evil.example/"


def test_extensionless_html_like_github_pages(server):
    status, _, body = raw_get(port_of(server), "/about")
    assert status == 200 and b"About" in body
    assert raw_get(port_of(server), "/alias.html")[0] == 200  # symlink inside the folder


def test_unknown_path_gets_the_site_404_page(server):
    status, headers, body = raw_get(port_of(server), "/no/such/page/")
    assert status == 404
    assert b"Custom not found" in body
    assert SCRIPT_PATH.encode() in body  # the overlay works on 404 pages too
    assert headers["content-type"].startswith("text/html")


def test_builtin_404_when_the_site_has_none(server, out):
    (out / "404.html").unlink()
    status, _, body = raw_get(port_of(server), "/missing")
    assert status == 404 and b"Not found" in body


def test_no_directory_listing(server):
    status, _, body = raw_get(port_of(server), "/noindex/")
    assert status == 404
    assert b"notes.txt" not in body


def test_a_file_with_a_trailing_slash_is_not_found(server):
    assert raw_get(port_of(server), "/style.css/")[0] == 404


@pytest.mark.parametrize(("path", "expected"), [
    ("/style.css", "text/css; charset=utf-8"),
    ("/app.js", "text/javascript; charset=utf-8"),
    ("/feed.xml", "application/xml; charset=utf-8"),
    ("/data.json", "application/json; charset=utf-8"),
    ("/logo.svg", "image/svg+xml"),
    ("/img.png", "image/png"),
    ("/font.woff2", "font/woff2"),
    ("/robots.txt", "text/plain; charset=utf-8"),
])
def test_content_types(server, path, expected):
    status, headers, body = raw_get(port_of(server), path)
    assert status == 200
    assert headers["content-type"] == expected
    assert headers["x-content-type-options"] == "nosniff"
    assert SCRIPT_PATH.encode() not in body  # only HTML is touched


def test_html_without_body_tag_gets_the_script_appended(server):
    body = raw_get(port_of(server), "/fragment.html")[2]
    assert body.startswith(b"<p>no body tag</p><script src=")


def test_head_sends_headers_only(server):
    status, headers, body = raw_get(port_of(server), "/style.css", method="HEAD")
    assert status == 200 and headers["content-length"] == "6" and body == b""


def test_other_methods_are_refused(server):
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"):
        status, headers, _ = raw_get(port_of(server), "/", method=method)
        assert (status, headers["allow"]) == (405, "GET, HEAD"), method
    assert raw_get(port_of(server), "/", method="BREW")[0] == 501  # not an HTTP method at all


@pytest.mark.parametrize("target", [
    "/../secret.txt",
    "/briefs/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/briefs/..%2f..%2fsecret.txt",
    "/..%5csecret.txt",
    "/..\\secret.txt",
    "/%2e%2e%5csecret.txt",
    "/leak.txt",
    "/leakdir/secret.txt",
    "/leakdir/",
    "/%00",
    "/leak.txt%00.html",
    "/%c0%ae%c0%ae/secret.txt",
    "/%ff",
    "//" + "etc/passwd",
    "/%2fetc%2fpasswd",
    "http://127.0.0.1/../secret.txt",
    "secret.txt",
])
def test_nothing_outside_the_output_folder_is_served(server, out, target):
    status, _, body = raw_get(port_of(server), target)
    assert status in (400, 404)
    assert SECRET not in body
    assert b"root:" not in body


def test_absolute_filesystem_path_is_not_served(server, out):
    target = "/" + str(out.parent / "secret.txt").lstrip("/")
    status, _, body = raw_get(port_of(server), target)
    assert status == 404 and SECRET not in body


def test_dns_rebinding_host_is_refused_on_loopback(server):
    assert raw_get(port_of(server), "/", host="attacker.example")[0] == 403
    assert raw_get(port_of(server), "/", host=f"localhost:{port_of(server)}")[0] == 200
    assert raw_get(port_of(server), "/", host=f"[::1]:{port_of(server)}")[0] == 200


def test_reload_script_is_served(server):
    status, headers, body = raw_get(port_of(server), SCRIPT_PATH)
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in body and b"__briefgenReloads" in body and b"textContent" in body
    assert b"innerHTML" not in body
    assert raw_get(port_of(server), "/__briefgen/other")[0] == 404


def test_event_stream_hello_reload_and_errors(server):
    live = server.live
    stream = EventStream(port_of(server))
    name, hello = stream.next()
    assert name == "hello" and hello["ok"] is True and hello["build"] == live.build_id

    live.succeeded(["content/briefs/a.md"], 3)
    name, data = stream.next()
    assert name == "reload" and data["changed"] == ["content/briefs/a.md"] and data["written"] == 3
    page = raw_get(port_of(server), "/")[2]
    assert f'data-build="{live.build_id}"'.encode() in page

    diagnostic = Diagnostic("content/briefs/a.md", 3, 7, "error", "<b>bad</b> & worse")
    live.failed(diagnostic_payload([diagnostic]))
    name, data = stream.next()
    assert name == "errors" and data["ok"] is False
    assert data["errors"][0]["text"] == "content/briefs/a.md:3:7: error: <b>bad</b> & worse"

    late = EventStream(port_of(server))  # a page opened while the build is broken
    name, hello = late.next()
    assert name == "hello" and hello["ok"] is False and hello["errors"] == data["errors"]
    stream.close()
    late.close()


def test_shutdown_is_not_blocked_by_open_event_streams(out):
    srv = open_server("127.0.0.1", 0, out, LiveReload())
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    streams = [EventStream(srv.server_address[1]) for _ in range(3)]
    for s in streams:
        assert s.next()[0] == "hello"
    started = time.monotonic()
    srv.live.close()
    srv.shutdown()
    srv.server_close()
    thread.join(TIMEOUT)
    assert not thread.is_alive() and time.monotonic() - started < 3
    for s in streams:
        s.close()


def test_port_in_use_is_a_usage_error(out):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(UsageError, match="--port 0"):
            open_server("127.0.0.1", port, out, LiveReload())
        # Through the CLI: exit status 2 and a message, no traceback.
        assert cli.main(["serve", str(out.parent), "--port", str(port)]) == 2


def test_port_out_of_range_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["serve", str(tmp_path), "--port", "70000"]) == 2
    assert "--port 70000 is out of range" in capsys.readouterr().err


def test_an_ipv6_host_may_be_written_in_brackets():
    args = cli.make_parser().parse_args(["serve", "--host", "[::1]"])
    assert args.host == "::1"
    assert cli.make_parser().parse_args(["serve", "--host", "::1"]).host == "::1"
    for empty in ("", " ", "[]"):
        assert cli.main(["serve", "--host", empty]) == 2


def test_serve_suggests_init_only_where_nothing_is(tmp_path, capsys):
    """init refuses a file or a symlink to nothing as a site folder, so serve does not suggest it there."""
    (tmp_path / "afile").write_text("x\n")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for name in ("afile", "dangling"):
        assert cli.main(["serve", str(tmp_path / name), "--port", "0"]) == 2
        err = capsys.readouterr().err
        assert err == f"briefgen: error: {tmp_path / name} is not a folder; pass the site folder (default: .)\n"
    missing = tmp_path / "new site"
    assert cli.main(["serve", str(missing), "--port", "0"]) == 2
    assert capsys.readouterr().err == (f"briefgen: error: {missing} does not exist; to create a site there, "
                                       f"run: briefgen init '{missing}'\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "dangling"]


def test_inject_places_the_tag_before_the_last_body_close():
    html = b"<body><pre></body></pre></body>"
    assert inject(html, "x-1") == (b'<body><pre></body></pre><script src="/__briefgen/live.js" '
                                   b'data-briefgen-live data-build="x-1" defer></script></body>')


def test_what_serve_says_is_one_line_whatever_a_file_name_holds(capsys):
    from briefgen.serve import _say

    _say("[12:00:00] content/briefs/x\n::error::FORGED\u2028.md: built")
    assert capsys.readouterr().out == "[12:00:00] content/briefs/x\\n::error::FORGED\\u2028.md: built\n"


def test_changes_named_leave_out_temporary_files_renamed_away(tmp_path):
    brief = tmp_path / "a.md"
    brief.write_text("x")
    sed, gone = str(tmp_path / "sedlS49x0"), str(tmp_path / "b.md")  # neither is there any more
    assert _named([sed, str(brief)]) == [str(brief)]
    assert _named([sed, gone, str(brief)]) == [gone, str(brief)]  # a deleted brief is a change to name
    assert _named([sed]) == [sed]  # better than naming nothing


def test_source_filter(tmp_path):
    site = tmp_path / "site-project"
    themes = tmp_path / "pkg" / "themes"
    out = tmp_path / "preview" / "site"
    f = SourceFilter(site, themes, [out, site / "site"])
    accepted = ["content/briefs/a.md", "content/people/x.yaml", "briefgen.yaml", "templates/base.html",
                "static/css/site.css", "themes/mine/templates/page.html", "content", "i18n/fr.yaml"]
    rejected = ["site/index.html", "README.md", ".git/index", "content/briefs/.a.md.swp",
                "content/briefs/a.md~", "content/briefs/.#a.md", "content/briefs/4913",
                "content/__pycache__/x.pyc", "notes/todo.md", "content/briefs/#a.md#"]
    for rel in accepted:
        assert f(None, str(site / rel)), rel
    for rel in rejected:
        assert not f(None, str(site / rel)), rel
    assert f(None, str(themes / "default" / "templates" / "brief.html"))
    assert not f(None, str(out / "index.html"))
    assert is_editor_temp("a.md.swx") and not is_editor_temp("a.md")
    assert describe_changes(["a", "b", "c"]) == "a and 2 more"


# --- the real command, in a subprocess, on a small site ---------------------

BRIEF = """\
---
title: First brief
date: 2025-12-01
summary: A short summary.
people: [ada-lovelace]
claims:
  - text: Something happened.
    status: reported
---
{body}
"""


def make_site(root: Path, body: str = "Original body text.") -> Path:
    (root / "content" / "briefs").mkdir(parents=True)
    (root / "content" / "people").mkdir(parents=True)
    (root / "briefgen.yaml").write_text("title: Test Briefing\n")
    (root / "content" / "people" / "ada-lovelace.yaml").write_text("name: Ada Lovelace\n")
    (root / "content" / "briefs" / "2025-12-01-first.md").write_text(BRIEF.format(body=body))
    return root


class ServeProcess:
    """``python -m briefgen serve SITE --port 0``, its output read line by line in a thread."""

    def __init__(self, site: Path, *args: str):
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        temp = site.parent / "serve-tmp"  # the preview folder of a killed server stays in the test's folder
        temp.mkdir(exist_ok=True)
        env["TMPDIR"] = str(temp)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "briefgen", "serve", str(site), "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=site,
        )
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        started = self.wait_line(r"Serving .* at (http://\S+) \(preview build in (.+)\)")
        self.url, self.tmp = started[1], Path(started[2])
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_line(self, pattern: str, timeout: float = 20.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.output.append(line)
            if match := re.search(pattern, line):
                return match
        raise AssertionError(f"no line matching {pattern!r}; output so far:\n" + "\n".join(self.output))

    def get(self, path: str) -> tuple[int, dict, bytes]:
        return raw_get(self.port, path)

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(timeout=10)

    def kill(self) -> None:
        """Stop it as a user would (Ctrl-C, so that it removes its preview folder), else kill it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@pytest.fixture
def run_serve() -> Iterator:
    started: list[ServeProcess] = []

    def start(site: Path, *args: str) -> ServeProcess:
        started.append(ServeProcess(site, *args))
        return started[-1]

    yield start
    for p in started:
        p.kill()


def test_serve_rebuilds_reloads_shows_errors_recovers_and_stops_cleanly(tmp_path, run_serve):
    site = make_site(tmp_path / "project")
    brief = site / "content" / "briefs" / "2025-12-01-first.md"
    srv = run_serve(site)
    assert srv.tmp.is_dir() and not srv.tmp.is_relative_to(site)

    status, _, page = srv.get("/briefs/first/")
    assert status == 200 and b"Original body text." in page and SCRIPT_PATH.encode() in page
    assert srv.get("/briefs/first")[0] == 301
    status, _, body = srv.get("/no-such-page/")
    assert status == 404 and SCRIPT_PATH.encode() in body
    assert srv.get("/../project/briefgen.yaml")[0] == 404

    # Edit: rebuilt output, a reload event and one line in the terminal.
    stream = EventStream(srv.port)
    name, hello = stream.next()
    assert name == "hello" and hello["ok"]
    brief.write_text(BRIEF.format(body="Edited body text."))
    reload = stream.wait_for("reload")
    assert reload["changed"] == ["content/briefs/2025-12-01-first.md"] and reload["build"] != hello["build"]
    assert b"Edited body text." in srv.get("/briefs/first/")[2]
    srv.wait_line(r"content/briefs/2025-12-01-first\.md: built in \d+ ms, \d+ files? written")

    # Break: an errors event with path:line:col, the terminal says so, the last good site stays.
    brief.write_text(BRIEF.format(body="Broken.").replace("summary:", "summery:"))
    errors = stream.wait_for("errors")
    texts = [e["text"] for e in errors["errors"]]
    assert any(re.match(r"content/briefs/2025-12-01-first\.md:\d+:\d+: error: .*summery", t) for t in texts)
    srv.wait_line(r"build failed with \d+ error\(s\), \d+ warning\(s\); still serving the last good build$")
    srv.wait_line(r"^content/briefs/2025-12-01-first\.md:\d+:\d+: error: ")
    assert b"Edited body text." in srv.get("/briefs/first/")[2]
    late = EventStream(srv.port)  # a page opened now shows the overlay at once
    name, state = late.next()
    assert name == "hello" and not state["ok"] and state["errors"] == errors["errors"]
    late.close()

    # Fix: the next good build reloads the pages, which clears the overlay.
    brief.write_text(BRIEF.format(body="Fixed body text."))
    stream.wait_for("reload")
    assert b"Fixed body text." in srv.get("/briefs/first/")[2]
    stream.close()

    # Editor temp files and the output folder do not trigger builds.
    (site / "content" / "briefs" / ".2025-12-01-first.md.swp").write_text("x")
    (site / "notes.txt").write_text("x")

    # Ctrl-C: exit 0, the preview folder is gone, site/ was never written.
    assert srv.interrupt() == 0
    srv.wait_line(r"Stopped; preview files removed")
    assert not any("error serving" in line or "Traceback" in line for line in srv.output)
    assert not srv.tmp.exists()
    assert not (site / "site").exists() and not (site / ".briefgen-cache").exists()  # its cache was in the preview's
    assert not cache_folder(site, srv.tmp / "site", make=False).exists()  # not in the user's cache folder either


def test_serve_starts_on_a_broken_site_and_recovers(tmp_path, run_serve):
    site = make_site(tmp_path / "project")
    brief = site / "content" / "briefs" / "2025-12-01-first.md"
    brief.write_text(BRIEF.format(body="x").replace("date: 2025-12-01", "date: not-a-date"))
    srv = run_serve(site)
    # printed before the server's address (which run_serve waited for); not "the last good build": there is none
    assert any(line.endswith("initial build: build failed with 1 error(s), 0 warning(s); nothing to serve until a "
                             "build succeeds") for line in srv.output), srv.output
    status, _, body = srv.get("/")
    assert status == 404 and SCRIPT_PATH.encode() in body  # a page that can show the overlay
    stream = EventStream(srv.port)
    name, hello = stream.next()
    assert name == "hello" and not hello["ok"]
    assert any(e["path"] == "content/briefs/2025-12-01-first.md" and e["line"] >= 1 for e in hello["errors"])
    brief.write_text(BRIEF.format(body="Now it builds."))
    stream.wait_for("reload")
    assert b"Now it builds." in srv.get("/briefs/first/")[2]
    stream.close()
    assert srv.interrupt() == 0
    assert not srv.tmp.exists()


def test_serve_on_all_interfaces_warns(tmp_path, run_serve):
    srv = run_serve(make_site(tmp_path / "project"), "--host", "0.0.0.0")
    assert any("warning: listening on 0.0.0.0" in line for line in srv.output)
    assert srv.url.startswith("http://127.0.0.1:")
    assert srv.get("/")[0] == 200
    assert raw_get(srv.port, "/", host="preview.lan")[0] == 200  # no Host check off loopback
    assert srv.interrupt() == 0


def test_preview_uses_its_own_address_for_absolute_urls(tmp_path, run_serve):
    site = make_site(tmp_path / "project")
    (site / "briefgen.yaml").write_text("title: Test Briefing\nbase_url: https://example.org/published/\n")
    srv = run_serve(site)
    status, _, body = srv.get("/no-such-page/")
    assert status == 404
    assert b'href="/assets/' in body and b"/published/" not in body  # the 404 page's links work in the preview
    _, _, page = srv.get("/briefs/first/")
    assert f'rel="canonical" href="{srv.url}briefs/first/"'.encode() in page
