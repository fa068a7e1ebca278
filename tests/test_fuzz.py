"""Property tests: whatever the files hold — generated front matter and Markdown,
mutated valid briefs, random bytes — the real build function either builds a
site or raises ContentError with located diagnostics. Never another exception.

Bounded for the normal suite: 180 examples in all, about 10 seconds."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.build import BuildOptions, build
from briefgen.diagnostics import ContentError

# BRIEFGEN_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py  for a longer hunt.
SETTINGS = settings(max_examples=int(os.environ.get("BRIEFGEN_FUZZ_EXAMPLES", "45")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

BRIEF = "content/briefs/2025-12-01-fuzz.md"
ENTITY = "content/people/ann.yaml"
BASE = {
    ENTITY: "name: Ann Example\naliases: [Ann]\n",
    "content/places/here.md": "---\nname: Here\n---\nA place.\n",
}
VALID = (
    "---\ntitle: A brief\ndate: 2025-12-01\nsummary: One line.\ntags: [x, y]\npeople: [ann, Nobody]\n"
    "sources:\n  - outlet: CNN\n    url: https://example.org/a\nclaims:\n  - text: A claim.\n    status: reported\n"
    "    by: Ann\n    about: [ann]\n    source: CNN\n    note: A *note* with [[ann]].\n---\n"
    "Ann met [[here|someone]] and [[nobody]].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1].\n\n[^1]: Foot.\n"
)

# YAML fragments chosen to hit the reader's edges: YAML 1.1 scalars, tags, anchors, flow and
# block collections, quoting, escapes, indicators and fences.
SCALARS = ["no", "yes", "on", "~", "null", "1:30", "0x1F", "0o17", "1e3", ".nan", "-.inf", "2025-12-01",
           "2025-13-45", "2025-12-01T10:00:00+02:00", "2025-12-01 10:00", "12:00:00", "''", '""', '"\\x01"',
           '"\\u2028"', '"\\ud800"', '"a\\0b"', "!!str 5", "!!int x", "!!python/name:os.system", "!custom x",
           "&a x", "*a", "*undefined", "[a, b]", "{a: b}", "[", "{", "]", "}", "|", ">-", "- x", "? x", ": x",
           "'it''s'", '"quote', "a: b: c", "#comment", "@at", "`tick", "%TAG", "<script>alert(1)</script>",
           "[[ann]]", "ann", "Ann", "Nobody", "con", "../x", "C:\\\\x", "https://example.org/", "javascript:x",
           "reported", "false", "x" * 300, "é" * 20, "\t", "---", "...", "<<: *a"]
KEYS = ["title", "date", "updated", "summary", "slug", "draft", "tags", "people", "places", "ships", "events",
        "organizations", "sources", "claims", "outlet", "url", "text", "status", "by", "about", "source", "note",
        "id", "name", "aliases", "links", "wikidata", "role", "<<", "? x", "unknown", "Title", "title ", ""]
MARKDOWN = ["# H", "## [[ann]]", "- item", "1. one", "> quote", "```", "```js", "    code", "---", "***", "| a |",
            "|---|", "[x](javascript:alert(1))", "[x](http://e.org)", "![i](data:x)", "<script>", "<b>", "&amp;",
            "&#0;", "[[ann]]", "[[ann|A]]", "[[", "]]", "[[a|b|c]]", "[^1]", "[^1]: note", "*a", "**b**", "~~s~~",
            "`c`", "\\", "Ann", "Ann Example", "\u200b", "\u202e", "\ufeff", "[ref]: http://e.org", "<http://e.org>",
            "<javascript:x>", ">" * 30, "-" * 30, "*" * 30, "[" * 30, "`" * 30]


def run(files: dict[str, str | bytes]) -> None:
    """Build the files with the real build function; check the only two allowed outcomes."""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        lines: dict[str, int] = {}
        for rel, data in {**BASE, **files}.items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
            path.write_bytes(raw)
            lines[rel] = raw.count(b"\n") + raw.count(b"\r") + 1
        out = Path(tmp) / "out"
        try:
            result = build(BuildOptions(site, out_dir=out, jobs=1, progress=False))
        except ContentError as exc:
            assert exc.diagnostics, "a failed build must say why"
            assert not out.exists(), "a failed build wrote output"
            for d in exc.diagnostics:
                assert d.severity in ("error", "warning")
                assert d.message and d.line >= 1 and d.col >= 1, d
                assert d.path in lines or d.path.startswith("content"), d
                if d.path in lines:
                    assert d.line <= lines[d.path], d
            assert any(d.severity == "error" for d in exc.diagnostics)
            return
        assert (out / "index.html").is_file()
        for d in result.diagnostics:
            assert d.severity == "warning" and d.line >= 1 and d.col >= 1, d


def yaml_value(depth: int = 0) -> st.SearchStrategy[str]:
    scalar = st.one_of(st.sampled_from(SCALARS), st.text(max_size=30).map(lambda t: t.replace("\n", " ")))
    if depth >= 2:
        return scalar
    inner = yaml_value(depth + 1)
    return st.one_of(
        scalar,
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(KEYS), inner), max_size=3).map(
            lambda kvs: "{" + ", ".join(f"{k}: {v}" for k, v in kvs) + "}"),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: "".join(f"\n  - {x}" for x in xs)),
    )


front_matter = st.lists(st.tuples(st.sampled_from(KEYS), yaml_value()), max_size=10).map(
    lambda kvs: "".join(f"{k}: {v}\n" for k, v in kvs))
markdown = st.lists(st.one_of(st.sampled_from(MARKDOWN), st.text(max_size=40)), max_size=15).map(
    lambda parts: "\n".join(parts))
fence = st.sampled_from(["---\n", "---  \n", "--- \t\n", "----\n", "", "\ufeff---\n", "---\r\n", "...\n"])


@SETTINGS
@given(front=front_matter, body=markdown, opening=fence, closing=fence, keep_required=st.booleans())
def test_generated_front_matter_and_markdown(front, body, opening, closing, keep_required):
    required = "title: T\ndate: 2025-12-01\nsummary: S\n" if keep_required else ""
    run({BRIEF: opening + required + front + closing + body})


@SETTINGS
@given(entity=front_matter, body=markdown, as_markdown=st.booleans())
def test_generated_entities(entity, body, as_markdown):
    if as_markdown:
        run({"content/places/gen.md": "---\nname: Gen\n" + entity + "---\n" + body, BRIEF: VALID})
    else:
        run({ENTITY: "name: Ann\n" + entity, BRIEF: VALID})


@SETTINGS
@given(data=st.data())
def test_mutated_valid_brief(data):
    text = VALID
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(text)))
        j = data.draw(st.integers(i, min(len(text), i + 8)))
        text = text[:i] + data.draw(st.one_of(st.text(max_size=6), st.sampled_from(SCALARS + MARKDOWN))) + text[j:]
    run({BRIEF: text})


@SETTINGS
@given(brief=st.binary(max_size=600), entity=st.binary(max_size=200), config=st.binary(max_size=100))
def test_random_bytes(brief, entity, config):
    run({BRIEF: brief, ENTITY: entity, "briefgen.yaml": config})


@pytest.mark.parametrize("text", [VALID, VALID.replace("\n", "\r\n"), "\ufeff" + VALID], ids=["lf", "crlf", "bom"])
def test_the_seed_brief_builds(text):
    run({BRIEF: text})
