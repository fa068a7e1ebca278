"""Hostile content → safe HTML.

A site whose titles, summaries, bodies, entity names and aliases, facts, claim
texts and notes, source outlets and URLs, tags and config strings all carry known
XSS vectors is built; every page is then parsed and checked: no element has an
event-handler attribute, no URL attribute has a dangerous scheme (however it is
encoded), no <script> runs except the site's own, JSON-LD parses, feeds are
well-formed XML, and the hostile text is still there, shown as text.

The browser test loads every page in headless Chromium (Playwright driving
Debian's /usr/bin/chromium) and checks that no payload ran: each one sets
``window.__pwned``."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

import pytest

from .conftest import REPO, make_site, run_cli, static_host

JS = "window.__pwned=1"

# ≥ 40 vectors for text fields: tags, handlers, URL schemes in encodings and cases, SVG/MathML,
# attribute, </script> and JSON-LD break-outs, entities, nested and malformed tags, template syntax.
VECTORS = [
    f"<script>{JS}</script>",
    f"<SCRIPT SRC=//x.test/{JS}.js></SCRIPT>",
    f"<img src=x onerror={JS}>",
    f"<IMG SRC=JaVaScRiPt:{JS}>",
    f'<img src="x" onerror="{JS}"/>',
    f"<svg onload={JS}>",
    f"<svg><script>{JS}</script></svg>",
    f"<svg><a xlink:href=\"javascript:{JS}\"><text>x</text></a></svg>",
    f"<svg><animate onbegin={JS} attributeName=x dur=1s>",
    f"<math><mi xlink:href=\"javascript:{JS}\">x</mi></math>",
    f"<math><maction actiontype=statusline xlink:href=javascript:{JS}>x</maction></math>",
    f"\"><script>{JS}</script>",
    f"'><img src=x onerror={JS}>",
    f"\" onmouseover=\"{JS}\" x=\"",
    f"' autofocus onfocus='{JS}",
    f"</script><script>{JS}</script>",
    f"</title><script>{JS}</script>",
    f"</textarea><script>{JS}</script>",
    f"</style><script>{JS}</script>",
    f"<iframe src=\"javascript:{JS}\"></iframe>",
    "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>",
    f"<body onload={JS}>",
    f"<details open ontoggle={JS}>",
    f"<input autofocus onfocus={JS}>",
    f"<video><source onerror=\"{JS}\"></video>",
    f"<a href=\"javascript:{JS}\">x</a>",
    f"<a href=\"JaVaScRiPt:{JS}\">x</a>",
    f"<a href=\"&#106;avascript:{JS}\">x</a>",
    f"<a href=\"jav&#x09;ascript:{JS}\">x</a>",
    f"<a href=\" &#14; javascript:{JS}\">x</a>",
    f"<a href=\"vbscript:{JS}\">x</a>",
    f"<a href=\"data:text/html,<script>{JS}</script>\">x</a>",
    f"<form action=\"javascript:{JS}\"><button>x</button></form>",
    f"<button formaction=\"javascript:{JS}\">x</button>",
    f"<object data=\"data:text/html,<script>{JS}</script>\"></object>",
    f"<embed src=\"javascript:{JS}\">",
    f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{JS}\">",
    f"<base href=\"javascript:{JS}//\">",
    f"<style>@import 'javascript:{JS}';</style>",
    f"<div style=\"background:url(javascript:{JS})\">x</div>",
    f"<<script>{JS}//<</script>",
    f"<scr<script>ipt>{JS}</scr</script>ipt>",
    f"<img \"\"\"><script>{JS}</script>\">",
    f"<!--<img src=\"--><img src=x onerror={JS}//\">",
    f"<![CDATA[<script>{JS}</script>]]>",
    f"&lt;script&gt;{JS}&lt;/script&gt;",
    f"&#60;script&#62;{JS}&#60;/script&#62;",
    f"<noscript><p title=\"</noscript><img src=x onerror={JS}>\">",
    f"<x-tag onclick={JS}>custom</x-tag>",
    f"\u2028\u2029</script><script>{JS}</script>",
    f"{{{{ 7*7 }}}} {{% raw %}} ${{{JS}}} #{{{JS}}}",
    f"javascript:{JS}",
]

# Markdown-only forms: links, images, autolinks, references, footnotes, code and wikilinks.
MARKDOWN_VECTORS = [
    f"[a](javascript:{JS})",
    f"[b](JAVASCRIPT:{JS})",
    f"[c](<javascript:{JS}>)",
    f"[d](<java script:{JS}>)",
    f"[e](java&#115;cript:{JS})",
    f"[f](&#x6A;avascript:{JS})",
    f"[g](javascript&colon;{JS})",
    f"[h](javascript&#58;{JS})",
    f"[i](javascript\\:{JS})",
    f"[j](vbscript:{JS})",
    f"[k](VBScript:{JS})",
    "[l](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)",
    f"[m](DATA:text/html,<script>{JS}</script>)",
    f"![n](javascript:{JS})",
    f"![o](data:image/svg+xml,<svg/onload={JS}>)",
    f"<javascript:{JS}>",
    f"<vbscript:{JS}>",
    "<data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+>",
    f"[p][ref-js] and [q][ref-data]\n\n[ref-js]: javascript:{JS}\n[ref-data]: data:text/html,x",
    f"[r](http://x.test/\"onmouseover=\"{JS})",
    f"![s](http://x.test/x.png \"t\\\" onerror=\\\"{JS}\")",
    f"[t](#\" onclick=\"{JS})",
    f"[u](&#0;javascript:{JS})",
    f"[v](\u3000javascript:{JS})",
    f"[[donald-trump|<img src=x onerror={JS}>]]",
    f"[[<script>{JS}</script>]]",
    f"Footnote[^x].\n\n[^x]: <img src=x onerror={JS}>",
    f"`<script>{JS}</script>`",
    f"```html\" onmouseover=\"{JS}\n<script>{JS}</script>\n```",
    f"| a | b |\n|---|---|\n| <img src=x onerror={JS}> | [w](javascript:{JS}) |",
    f"<div onclick=\"{JS}\">raw html</div>",
    f"<a href=\"javascript:{JS}\">raw link</a>",
]

# http(s) URLs that pass validation but try to break out of the attribute they land in.
HOSTILE_URLS = [
    f"https://x.test/?q=\"><script>{JS}</script>",
    f"https://x.test/#'onmouseover='{JS}'",
    f"https://x.test/\"onfocus=\"{JS}\"autofocus=\"",
    f"https://x.test/</script><script>{JS}</script>",
]

STATUSES = ["confirmed", "reported", "claimed", "disputed", "denied", "unverified", "false"]
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "background", "data",
             "codebase", "cite", "longdesc", "manifest", "ping"}
# Elements only an injection would bring, unless the theme itself uses them (see ``theme_tags``).
DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "svg", "math", "style",
                  "video", "audio", "source", "textarea", "form", "input", "button", "noscript", "template", "link",
                  "meta", "details", "marquee", "x-tag"}


def q(text: str) -> str:
    """A YAML double-quoted scalar for ``text`` (JSON strings are YAML)."""
    return json.dumps(text)


BRIEFS = (len(VECTORS) + 1) // 2
ENTITIES = 13


def hostile_files() -> dict[str, str]:
    v = VECTORS
    files: dict[str, str] = {
        "briefgen.yaml": "\n".join([
            f"title: {q('Hostile ' + v[0])}",
            f"description: {q(v[2])}",
            "language: en-GB",  # a tag is checked: hostile text in it is an error (test_validation)
            "base_url: https://example.test/hostile/",
            "entity_kinds:",
            f"  people: {{label: {q('People ' + v[5])}, singular: {q('Person ' + v[11])}}}",
            f"  places: {{label: {q('Places ' + v[15])}, singular: {q(v[16])}}}",
            "claim_statuses:",
            *(f"  {s}: {{label: {q(s.title() + ' ' + v[i])}, description: {q(v[-1 - i])}}}"
              for i, s in enumerate(STATUSES)),
        ]) + "\n",
        "content/people/donald-trump.yaml": "name: Donald Trump\naliases: [Trump]\n",
    }
    for j in range(ENTITIES):  # every entity carries several vectors: name, aliases, summary, facts, links
        vs = [v[(j + k * ENTITIES) % len(v)] for k in range(4)]
        files[f"content/people/person-{j}.yaml"] = "\n".join([
            f"name: {q(f'P{j} {vs[0]}')}",
            f"aliases: [{', '.join(q(f'A{j}.{k} {x}') for k, x in enumerate(vs[1:]))}]",
            f"summary: {q(vs[1])}",
            f"role: {q(vs[2])}",
            f"{q('fact ' + vs[3])}: {q(vs[3])}",
            f"wikidata: {q(vs[0])}",
            "links:",
            f"  {q(vs[1])}: {q(HOSTILE_URLS[j % len(HOSTILE_URLS)])}",
        ]) + "\n"
        files[f"content/places/place-{j}.md"] = (f"---\nname: {q(f'Place {j} {vs[2]}')}\naliases: [{q(vs[3])}]\n"
                                                 f"---\n{vs[0]}\n\n{MARKDOWN_VECTORS[j]}\n")
    for i in range(BRIEFS):  # every vector is the title or the summary of one brief
        a, b = v[i], v[(i + BRIEFS) % len(v)]
        mds = [MARKDOWN_VECTORS[i], MARKDOWN_VECTORS[(i + BRIEFS) % len(MARKDOWN_VECTORS)]]
        url = HOSTILE_URLS[i % len(HOSTILE_URLS)]
        person, place = f"person-{i % ENTITIES}", f"place-{i % ENTITIES}"
        unknown = f", {q(f'Unknown {a}')}" if i % 6 == 0 else ""
        claims = "\n".join([
            f"  - text: {q(a)}",
            f"    status: {STATUSES[i % len(STATUSES)]}",
            f"    by: {q(f'P{i % ENTITIES} {v[i % ENTITIES]}' if i % 2 else b)}",
            f"    about: [{person}, {q(b)}]",
            f"    source: {q(f'Outlet {i} {b}')}",
            f"    note: {q(mds[0].splitlines()[0] + ' ' + b)}",
        ])
        files[f"content/briefs/2025-12-{1 + i % 28:02d}-b{i}.md"] = "\n".join([
            "---",
            f"title: {q(f'{i}: {a}')}",
            f"date: 2025-12-{1 + i % 28:02d}",
            f"summary: {q(b)}",
            f"tags: [{q(b)}]",
            f"people: [{person}, donald-trump{unknown}]",
            f"places: [{place}]",
            "sources:",
            f"  - outlet: {q(f'Outlet {i} {b}')}",
            f"    url: {q(url)}",
            f"    title: {q(a)}",
            "claims:",
            claims,
            "---",
            f"P{i % ENTITIES} {v[i % ENTITIES]} met Trump.",
            "",
            a,
            "",
            *mds,
            "",
            f"> {b}",
            "",
            f"# {a}",
            "",
        ]) + "\n"
    return files


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The hostile site, built once for this module; returns the output folder."""
    root = tmp_path_factory.mktemp("hostile")
    site = make_site(root / "src", {k: v.encode("utf-8") for k, v in hostile_files().items()})
    out = root / "out"
    code, stdout, stderr = run_cli("build", site, "--out", out)
    assert code == 0, stderr
    assert "Traceback" not in stdout + stderr
    return out


@pytest.fixture(scope="module")
def theme_tags(tmp_path_factory) -> set[str]:
    """Element names the theme itself writes: the example site, built with the same theme."""
    out = tmp_path_factory.mktemp("example") / "out"
    code, _, stderr = run_cli("build", REPO, "--out", out)
    assert code == 0, stderr
    return {tag for path in out.rglob("*.html") for tag, _ in parse(path).tags}


def test_corpus_is_large_enough():
    assert len(VECTORS) >= 40
    assert len(VECTORS) + len(MARKDOWN_VECTORS) >= 80
    assert all("__pwned" in v or "PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ" in v or "data:text/html,x" in v
               for v in VECTORS + MARKDOWN_VECTORS)


# --- parsing the output ----------------------------------------------------------------------

class Page(HTMLParser):
    """Every start tag with its attributes (values unescaped, as a browser reads them) and every script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._text.append(data)
        else:
            self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def scheme_of(url: str) -> str:
    """The scheme a browser would see: entities decoded, tabs/newlines removed anywhere, leading
    controls and spaces stripped, lower-cased (the WHATWG URL parser's rules)."""
    url = html.unescape(url)
    url = re.sub(r"[\t\n\r]", "", url).lstrip("".join(map(chr, range(0x21))))
    m = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return (m[1].lower() + ":") if m else ""


def html_pages(out: Path) -> list[Path]:
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 80
    return pages


def test_no_event_handlers_or_dangerous_urls(hostile_site, theme_tags):
    problems = []
    forbidden = DANGEROUS_TAGS - theme_tags
    for path in html_pages(hostile_site):
        rel = path.relative_to(hostile_site)
        for tag, attrs in parse(path).tags:
            if tag in forbidden:
                problems.append(f"{rel}: <{tag}>")
            if tag == "meta" and any(k == "http-equiv" for k, _ in attrs):
                problems.append(f"{rel}: <meta http-equiv>")
            for name, value in attrs:
                name = name.lower()
                if name.startswith("on") or name == "srcdoc":
                    problems.append(f"{rel}: <{tag} {name}={value!r}>")
                if name == "style" and re.search(r"url\(|expression|script|__pwned|@import", value or "", re.I):
                    problems.append(f"{rel}: <{tag} style={value!r}>")
                if name in URL_ATTRS and value is not None:
                    for candidate in (value, unquote(value)):
                        if scheme_of(candidate) in DANGEROUS_SCHEMES:
                            problems.append(f"{rel}: <{tag} {name}={value!r}>")
    assert not problems, "\n".join(problems[:40])


def test_only_the_sites_own_scripts(hostile_site):
    """<script> elements: JSON-LD that parses, or the theme's own (nothing with a payload in it)."""
    problems = []
    jsonld = 0
    for path in html_pages(hostile_site):
        rel = path.relative_to(hostile_site)
        for attrs, text in parse(path).scripts:
            if attrs.get("type") == "application/ld+json":
                jsonld += 1
                try:
                    json.loads(text)
                except ValueError as exc:
                    problems.append(f"{rel}: JSON-LD does not parse: {exc}")
                if "</" in text or "<!--" in text:
                    problems.append(f"{rel}: JSON-LD contains '</' or '<!--'")
                continue
            src = attrs.get("src")
            if "__pwned" in text or (src and ("__pwned" in src or "//" in src or scheme_of(src))):
                problems.append(f"{rel}: injected script {attrs!r} {text[:80]!r}")
    assert jsonld >= BRIEFS
    assert not problems, "\n".join(problems[:40])


def test_jsonld_keeps_the_text(hostile_site):
    """Escaping must not lose anything: the JSON-LD headline and description are exactly as written."""
    for i in range(BRIEFS):
        page = parse(hostile_site / f"briefs/b{i}/index.html")
        graphs = [json.loads(t) for a, t in page.scripts if a.get("type") == "application/ld+json"]
        flat = [node for g in graphs for node in (g if isinstance(g, list) else g.get("@graph", [g]))]
        articles = [n for n in flat if n.get("@type") == "NewsArticle"]
        assert articles and articles[0]["headline"] == f"{i}: {VECTORS[i]}".strip()
        assert articles[0]["description"] == VECTORS[(i + BRIEFS) % len(VECTORS)].strip()


def test_hostile_text_is_shown_as_text(hostile_site):
    """Nothing is silently dropped: every title and summary appears, as text, on its brief's page."""
    for i in range(BRIEFS):
        text = "".join(parse(hostile_site / f"briefs/b{i}/index.html").text)
        assert f"{i}: {VECTORS[i]}".strip() in text, i
        assert VECTORS[(i + BRIEFS) % len(VECTORS)].strip() in text, i


def test_no_template_injection(hostile_site):
    i = next(i for i, v in enumerate(VECTORS) if "7*7" in v) % BRIEFS
    page = (hostile_site / f"briefs/b{i}/index.html").read_text()
    assert "{{ 7*7 }}" in html.unescape(page)
    assert "49" not in re.sub(r"<[^>]*>", "", page.split("{{ 7*7 }}")[0][-20:])


def test_feeds_and_sitemap_are_well_formed_xml(hostile_site):
    feeds = sorted(hostile_site.rglob("*.xml"))
    assert len(feeds) > 2 * ENTITIES
    for path in feeds:
        ET.parse(path)  # raises on anything ill-formed
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{atom}title") for e in ET.parse(hostile_site / "feed.xml").iter(f"{atom}entry")]
    assert len(titles) == BRIEFS
    assert set(titles) == {f"{i}: {VECTORS[i]}".strip() for i in range(BRIEFS)}


def test_dangerous_urls_in_fields_are_refused(tmp_path):
    """Source URLs and entity links must be http(s): every disguise of another scheme is an error."""
    disguised = [f"javascript:{JS}", f"JaVaScRiPt:{JS}", f" javascript:{JS}", f"java\tscript:{JS}",
                 f"&#106;avascript:{JS}", f"vbscript:{JS}", "data:text/html,x", "DATA:text/html,x",
                 f"javascript://x.test/%0a{JS}", "//x.test/relative", "http:/x.test", f"https://x.test/ {JS}"]
    brief = "---\ntitle: T\ndate: 2025-12-01\nsummary: S\nsources:\n" + "".join(
        f"  - outlet: O{i}\n    url: {q(u)}\n" for i, u in enumerate(disguised)) + "---\n"
    person = "name: Ann\nlinks:\n" + "".join(f"  l{i}: {q(u)}\n" for i, u in enumerate(disguised))
    site = make_site(tmp_path / "s", {"content/briefs/a.md": brief.encode(),
                                      "content/people/ann.yaml": person.encode()})
    code, _, err = run_cli("check", site)
    assert code == 1
    for i in range(len(disguised)):
        assert f"content/briefs/a.md:{7 + 2 * i}:10: error: 'url' must be an http:// or https:// URL" in err
        assert f"content/people/ann.yaml:{3 + i}:{6 + len(str(i))}: error: 'links.l{i}' must be an http://" in err


def test_raw_html_option_passes_html_through(tmp_path):
    """What `markdown: {html: true}` gives up (docs/security.md): raw HTML in bodies is trusted."""
    files = {"briefgen.yaml": b"markdown: {html: true}\n",
             "content/briefs/a.md": f"---\ntitle: T\ndate: 2025-12-01\nsummary: S\n---\n<b onclick=\"{JS}\">x</b>\n"
             .encode()}
    site = make_site(tmp_path / "s", files)
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 0, err
    assert f'<b onclick="{JS}">' in (tmp_path / "out/briefs/a/index.html").read_text()


# --- the browser ------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"


def _browser_or_skip():
    """Playwright's async API + Debian's Chromium, or a skip with the reason (a failure when CI is set)."""
    reason = ""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        async_playwright = None
        reason = "Playwright for Python is not installed (pip install playwright)"
    if not reason and not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser test cannot run in CI: {reason}")
        pytest.skip(reason)
    return async_playwright


PROBE = """() => {
  const bad = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.toLowerCase().startsWith("on")) bad.push(el.tagName + " " + a.name);
      if (urlAttrs.includes(a.name.toLowerCase())) {
        let protocol = "";
        try { protocol = new URL(a.value, document.baseURI).protocol; } catch (e) {}
        if (["javascript:", "vbscript:", "data:"].includes(protocol)) bad.push(el.tagName + " " + a.name);
      }
    }
  }
  for (const s of document.scripts) {
    if (s.type !== "application/ld+json" && s.textContent.includes("__pwned")) bad.push("script " + s.textContent);
  }
  return {pwned: window.__pwned, frames: window.frames.length, bad: bad};
}"""


SEARCHES = ["script", "pwned", "onerror", "javascript", "img src", "P1", "Outlet"]


async def _visit_all(async_playwright, root: Path, base: str, tabs: int = 4):
    """Load every page (``tabs`` at a time), then run searches; return (problems per URL, dialog messages)."""
    results: dict[str, dict] = {}
    dialogs: list[str] = []
    urls = [base + path.relative_to(root).as_posix() for path in html_pages(root)]
    if (root / "search/index.html").is_file():
        urls += [f"{base}search/?q={quote(q)}" for q in SEARCHES]
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        try:
            context = await browser.new_context()

            async def block(route):  # nothing but this site: a payload cannot load anything either
                await route.abort()

            await context.route(re.compile("^(?!" + re.escape(base) + ")"), block)
            queue = list(reversed(urls))

            async def worker():
                page = await context.new_page()

                async def on_dialog(dialog):
                    dialogs.append(dialog.message)
                    await dialog.dismiss()

                page.on("dialog", on_dialog)
                while queue:
                    url = queue.pop()
                    await page.goto(url, wait_until="load")
                    if "?q=" in url:  # the search page renders results from the index with script
                        with contextlib.suppress(Exception):
                            await page.wait_for_function(
                                "() => document.documentElement.dataset.search === 'ready'", timeout=3000)
                        await page.wait_for_timeout(300)
                    else:
                        await page.wait_for_timeout(20)  # onerror/onload of failed images fire just after load
                    result = await page.evaluate(PROBE)
                    for frame in page.frames[1:]:
                        result["pwned"] = result["pwned"] or await frame.evaluate("() => window.__pwned")
                    if result["pwned"] is not None or result["bad"] or result["frames"]:
                        results[url[len(base):]] = result

            await asyncio.gather(*(worker() for _ in range(tabs)))
        finally:
            await browser.close()
    return results, dialogs


@pytest.mark.browser
def test_no_payload_runs_in_chromium(hostile_site):
    async_playwright = _browser_or_skip()
    with static_host(hostile_site) as base, ThreadPoolExecutor(1) as pool:
        # Its own thread and event loop: other browser tests may hold Playwright's sync loop in this one.
        results, dialogs = pool.submit(asyncio.run, _visit_all(async_playwright, hostile_site, base)).result()
    assert not dialogs, dialogs
    assert not results, json.dumps(results, indent=1)[:3000]
