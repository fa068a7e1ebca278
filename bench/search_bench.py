#!/usr/bin/env python3
"""Measure briefgen's search index against Pagefind on the synthetic corpus (issue 8).

    python bench/search_bench.py [--sizes 1000,10000] [--repeat 3] [--no-pagefind]
                                 [--network local,4g] [--json PATH]

For each size: makes the corpus with ../shared/bench/make_corpus.py into
bench/corpora/<n>-briefgen/ (reused when present), builds it with briefgen into
a temporary folder, times :func:`briefgen.search.index_files` on the loaded site,
and runs Pagefind (PyPI ``pagefind[bin]``, when installed) over the same pages:
briefs and entity pages, which is what briefgen's index covers apart from claims.

Sizes: every file of each index, raw and gzip-compressed (static hosts such as
GitHub Pages serve JSON and JavaScript gzipped; Pagefind's own files are already
compressed), the largest shard, and the number of files.

Time to first result: Debian's Chromium (``/usr/bin/chromium``) opens the home
page from a local server that gzips text like a static host, with an empty cache,
then a query is typed (briefgen: into the header box, measured from the input
event to the first result in the panel, *including* the box's 60 ms typing
debounce; Pagefind: ``pagefind.search()`` then ``results[0].data()``, measured
from the call, including loading pagefind.js and its WebAssembly). Networks:
``local`` (no throttling) and ``4g`` (the bench server paces every response,
the Web Worker's too, over one shared 9 Mbit/s link plus 85 ms per request).
Bytes are the responses fetched for the query (compressed body and headers).
Medians of ``--repeat`` cold runs. Prints a Markdown table (docs/search.md).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from briefgen import search  # noqa: E402
from briefgen.build import BuildOptions, build, load_site  # noqa: E402
from briefgen.diagnostics import Diagnostics  # noqa: E402
from briefgen.views import Views  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
QUERIES = ("madur", "nicolas madu", "pressure", "uss lake")
NETWORKS = {  # the server paces responses: one shared link of this bandwidth, plus this latency per request
    "local": None,
    "4g": {"bytes_per_s": 9_000_000 / 8, "latency_s": 0.085},
}
PAGEFIND_DIR = "_pagefind"
GZIP_TYPES = (".html", ".json", ".js", ".css", ".xml", ".txt")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def corpus(n: int, script: Path) -> Path:
    folder = BENCH / "corpora" / f"{n}-briefgen"
    if not (folder / "content").is_dir():
        log(f"making the {n}-brief corpus in {folder}")
        subprocess.run([sys.executable, str(script), str(n), str(folder)], check=True, stdout=subprocess.DEVNULL)
    return folder


def tree_sizes(folder: Path, skip: tuple[str, ...] = ()) -> dict:
    files = [p for p in folder.rglob("*") if p.is_file() and p.name not in skip]
    raw = [p.stat().st_size for p in files]
    gz = [len(gzip.compress(p.read_bytes(), 6)) if p.suffix in GZIP_TYPES else p.stat().st_size for p in files]
    return {"files": len(files), "raw": sum(raw), "gzip": sum(gz), "largest": max(raw, default=0)}


class Link:
    """A shared network link: each response waits for the link's bandwidth, then for the latency."""

    def __init__(self, profile: dict | None) -> None:
        self.profile = profile
        self.free_at = 0.0
        self.lock = threading.Lock()

    def delay(self, size: int) -> None:
        if not self.profile:
            return
        with self.lock:
            start = max(time.monotonic(), self.free_at)
            self.free_at = start + size / self.profile["bytes_per_s"]
            done = self.free_at + self.profile["latency_s"]
        time.sleep(max(0.0, done - time.monotonic()))


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files as a static host serves them: text gzipped when the browser accepts it, and every
    response paced by the server's :class:`Link` (so requests from Pagefind's Web Worker are too)."""

    link: Link

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        gzipped = path.suffix in GZIP_TYPES and "gzip" in self.headers.get("Accept-Encoding", "")
        if gzipped:
            body = gzip.compress(body, 6)
        self.link.delay(len(body) + 300)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serve(folder: Path, network: str = "local"):
    handler = type("BenchHandler", (Handler,), {"link": Link(NETWORKS[network])})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


BRIEFGEN_QUERY = """async (q) => {
  const input = document.querySelector('#site-search-q');
  const done = new Promise(resolve =>
    document.addEventListener('briefgen:results', e => resolve(e.detail), {once: true}));
  input.focus();
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  const detail = await done;
  return {ms: detail.ms, total: detail.total};
}"""

PAGEFIND_QUERY = """async ([q, dir]) => {
  const start = performance.now();
  const pagefind = await import(`/${dir}/pagefind.js`);
  const search = await pagefind.search(q);
  if (search.results.length) { await search.results[0].data(); }
  return {ms: performance.now() - start, total: search.results.length};
}"""


def fetched(requests: list, marker: str) -> int:
    """Bytes of the responses to ``requests`` whose URL contains ``marker`` (body as sent, and headers)."""
    total = 0
    for request in requests:
        if marker in request.url:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total


def time_queries(browser, base: str, engine: str, network: str, repeat: int) -> list[dict]:
    out = []
    for q in QUERIES:
        runs = []
        for _ in range(repeat):
            context = browser.new_context()  # an empty cache
            page = context.new_page()
            requests: list = []
            context.on("requestfinished", lambda request, seen=requests: seen.append(request))
            page.goto(base, wait_until="load")
            if engine == "briefgen":
                result = page.evaluate(BRIEFGEN_QUERY, q)
                result["bytes"] = fetched(requests, "/search/")
            else:
                result = page.evaluate(PAGEFIND_QUERY, [q, PAGEFIND_DIR])
                result["bytes"] = fetched(requests, f"/{PAGEFIND_DIR}/")
            runs.append(result)
            context.close()
        out.append({"engine": engine, "network": network, "query": q, "results": runs[0]["total"],
                    "ms": statistics.median(r["ms"] for r in runs),
                    "bytes": statistics.median(r["bytes"] for r in runs)})
        log(f"  {engine:8} {network:5} {q!r:16} {out[-1]['results']:6} results  {out[-1]['ms']:7.0f} ms  "
            f"{out[-1]['bytes'] / 1024:7.1f} KiB")
    return out


def pagefind_binary() -> list[str] | None:
    try:
        import pagefind_bin  # noqa: F401  (the PyPI package that ships the binary)
    except ImportError:
        return None
    return [sys.executable, "-m", "pagefind"]


def bench_size(n: int, args, browser) -> dict:
    site_dir = corpus(n, args.corpus_script)
    work = Path(tempfile.mkdtemp(prefix=f"search-bench-{n}-"))
    try:
        out = work / "site"
        log(f"building {n} briefs")
        t = time.perf_counter()
        build(BuildOptions(site_dir, out_dir=out, progress=False))
        build_s = time.perf_counter() - t
        site = load_site(site_dir, Diagnostics())
        t = time.perf_counter()
        files = search.index_files(site, Views(site))
        index_s = time.perf_counter() - t
        shards = len(json.loads(dict(files)["search/meta.json"])["shards"])
        row = {"briefs": n, "build_s": build_s, "index_s": index_s, "shards": shards,
               "documents": len(site.briefs) + len(site.entities) + sum(len(b.claims) for b in site.briefs),
               "briefgen": tree_sizes(out / "search", skip=("index.html",)),
               "shard_largest": max(len(d) for p, d in files if "/t/" in p),
               "meta": len(dict(files)["search/meta.json"])}
        pagefind = None if args.no_pagefind else pagefind_binary()
        if pagefind:
            kinds = ",".join(["briefs", *site.config.entity_kinds])
            t = time.perf_counter()
            subprocess.run([*pagefind, "--site", str(out), "--output-subdir", PAGEFIND_DIR,
                            "--glob", f"{{{kinds}}}/*/index.html", "--silent"], check=True)
            row["pagefind_s"] = time.perf_counter() - t
            row["pagefind"] = tree_sizes(out / PAGEFIND_DIR)
        row["queries"] = []
        for network in args.network:
            with serve(out, network) as base:
                row["queries"] += time_queries(browser, base, "briefgen", network, args.repeat)
                if pagefind:
                    row["queries"] += time_queries(browser, base, "pagefind", network, args.repeat)
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def kib(n: float) -> str:
    return f"{n / 1024:,.0f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MiB"


def report(rows: list[dict]) -> str:
    lines = ["| briefs | documents | engine | index files | raw | gzip | largest file | index time |",
             "|---:|---:|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        b = r["briefgen"]
        lines.append(f"| {r['briefs']:,} | {r['documents']:,} | briefgen | {b['files']:,} | {kib(b['raw'])} | "
                     f"{kib(b['gzip'])} | {kib(b['largest'])} | {r['index_s']:.1f} s |")
        if "pagefind" in r:
            p = r["pagefind"]
            lines.append(f"| {r['briefs']:,} | | Pagefind | {p['files']:,} | {kib(p['raw'])} | {kib(p['gzip'])} | "
                         f"{kib(p['largest'])} | {r['pagefind_s']:.1f} s |")
    lines += ["", "| briefs | query | network | briefgen results | briefgen first result | briefgen fetched | "
              "Pagefind results | Pagefind first result | Pagefind fetched |",
              "|---:|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        by = {(q["engine"], q["network"], q["query"]): q for q in r["queries"]}
        for network in dict.fromkeys(q["network"] for q in r["queries"]):
            for query in QUERIES:
                b = by.get(("briefgen", network, query))
                p = by.get(("pagefind", network, query))
                cells = [f"{b['results']:,}", f"{b['ms']:.0f} ms", kib(b["bytes"])] if b else ["–"] * 3
                cells += [f"{p['results']:,}", f"{p['ms']:.0f} ms", kib(p["bytes"])] if p else ["–"] * 3
                lines.append(f"| {r['briefs']:,} | `{query}` | {network} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated brief counts")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per query (median)")
    parser.add_argument("--network", default="local,4g", help=f"comma-separated: {', '.join(NETWORKS)}")
    parser.add_argument("--no-pagefind", action="store_true", help="measure briefgen's index only")
    parser.add_argument("--corpus-script", type=Path, default=REPO.parent / "shared" / "bench" / "make_corpus.py")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    args = parser.parse_args(argv)
    args.network = [n for n in args.network.split(",") if n]
    unknown = set(args.network) - set(NETWORKS)
    if unknown:
        parser.error(f"unknown network(s): {', '.join(sorted(unknown))}")
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for n in (int(s) for s in args.sizes.split(",")):
                rows.append(bench_size(n, args, browser))
        finally:
            browser.close()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
