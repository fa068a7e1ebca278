"""Shared test helpers: build small sites in tmp_path and run the real CLI."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import textwrap
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from briefgen.cli import main

REPO = Path(__file__).resolve().parent.parent


def make_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root`` (text is dedented) and return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    """Run ``briefgen ARGS`` in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # --help and --version exit through argparse
            code = exc.code if isinstance(exc.code, int) else 0
    return code, out.getvalue(), err.getvalue()


# A small valid site most tests start from and then break one thing in.
BASIC = {
    "briefgen.yaml": """
        title: Test Briefing
        base_url: https://example.org/briefs/
    """,
    "content/briefs/2025-12-01-meeting.md": """
        ---
        title: Trump summons security chiefs
        date: 2025-12-01
        summary: Trump meets his national security team on Venezuela.
        tags: [venezuela]
        people: [donald-trump, Nicolas Maduro]
        events: [oval-meeting]
        sources:
          - outlet: CNN
            url: https://edition.cnn.com/example
        claims:
          - text: Trump told Maduro to leave the country.
            status: reported
            by: CNN
            about: [donald-trump, nicolas-maduro]
            source: CNN
            note: Neither government has given details.
        ---
        Donald Trump met his advisers about Maduro. See [[oval-meeting]].
    """,
    "content/people/donald-trump.yaml": """
        name: Donald Trump
        aliases: [Trump]
        summary: President of the United States.
        role: President
    """,
    "content/people/nicolas-maduro.yaml": """
        name: Nicolás Maduro
        aliases: [Maduro]
    """,
    "content/events/oval-meeting.yaml": """
        name: Oval Office meeting
        date: 2025-12-01
        place: washington
    """,
    "content/places/washington.yaml": """
        name: Washington, D.C.
    """,
    "content/organizations/cnn.yaml": """
        name: CNN
    """,
}


@pytest.fixture
def basic_site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site-src", BASIC)


# --- Built sites and parsed pages (tests of the rendered site: test_site, test_feeds, test_links, test_themes) ---

VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                           "track", "wbr"})


class Node:
    """An element of a parsed HTML page: ``tag``, ``attrs`` (dict), ``children`` (Nodes and strings)."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.attrs.get(name, default)
        return default if value is None else value

    @property
    def classes(self) -> list[str]:
        return (self.get("class") or "").split()

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        """Descendants by tag, class and attribute values (``id_="x"`` for ``id``)."""
        attrs = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.get(k) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}{' .' + cls if cls else ''} {attrs}> in <{self.tag}>"
        return found[0]

    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self) -> str:
        """Text content with whitespace collapsed."""
        return " ".join(self.raw_text().split())

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID_ELEMENTS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(source: str | bytes | Path) -> Node:
    """A page (text, bytes or a file) as a tree of :class:`Node`."""
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    builder = _TreeBuilder()
    builder.feed(source)
    builder.close()
    return builder.root


def build(site: Path, out: Path, *args: str) -> Path:
    """``briefgen build SITE --out OUT ARGS``; fails the test unless it succeeds. Returns ``out``."""
    code, stdout, stderr = run_cli("build", site, "--out", out, *args)
    assert code == 0, stdout + stderr
    return out


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory) -> Iterator[Path]:
    """The user's cache folder (``$XDG_CACHE_HOME``), where builds keep compiled templates: one of the
    test session's own, so that tests neither read nor write the real one."""
    folder = tmp_path_factory.mktemp("user-cache")
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    try:
        yield folder
    finally:
        if old is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def example_out(tmp_path_factory) -> Path:
    """The repository's example site, built once per test session with ``--strict``."""
    return build(REPO, tmp_path_factory.mktemp("example") / "site", "--strict")


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """Serves a built site under ``prefix`` (the path of its base_url, as on GitHub Pages project sites);
    unknown paths get the site's 404.html with status 404."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        clean = urlsplit(path).path
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / "\x00missing")
        return super().translate_path("/" + clean[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def static_host(directory: Path, prefix: str = "/") -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 for a built site; yields its URL (ending in ``prefix``)."""
    handler = type("Host", (StaticHost,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
