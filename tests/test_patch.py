"""A new process (``briefgen build``) after briefs' Markdown bodies alone changed patches the last
build's output (briefgen/patch.py) without loading the site: the new body goes into its page in
place of the old one and the search index files whose terms changed are patched. Whatever it does,
the output is what a cold build makes; whenever patching cannot be sure of that, the ordinary build
runs instead. No timing is asserted here (docs/performance.md)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen import build as build_module
from briefgen import marks, search
from briefgen import output as output_module
from briefgen.cache import FORMAT, cache_folder
from briefgen.diagnostics import ContentError
from briefgen.templating import ThemeEnvironment

from .conftest import REPO, make_site, run_cli
from .test_incremental import BRIEF, CHANGES, SITE, assert_same_as_cold, edit, files, mtimes, new_process, run

PAGE = "briefs/meeting/index.html"
OTHER = "content/briefs/2025-11-30-call.md"


@pytest.fixture
def site(tmp_path) -> Path:
    return make_site(tmp_path / "src", SITE)


@pytest.fixture
def loads(monkeypatch) -> list:
    """Records every time a build loads (resolves) the site: a patched build never does."""
    calls: list = []
    real = build_module.resolve_site
    monkeypatch.setattr(build_module, "resolve_site", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def rebuild(site: Path, out: Path, loads: list, jobs: int = 1, **options):
    """A build as a new process makes it; returns its result and whether it patched."""
    new_process(out)
    loads.clear()
    result = run(site, out, jobs, **options)
    return result, not loads


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_body_edit_is_patched_in_and_gives_what_a_cold_build_gives(site, tmp_path, loads, jobs):
    out = tmp_path / "pub" / "out"
    run(site, out, jobs)
    assert (cache_folder(site, out) / "edits.pickle").is_file()
    before = mtimes(out)
    # The first mentions move (Maduro now comes before Trump), a known [[link]] stays, new words come.
    edit(site / BRIEF, "Donald Trump met his advisers about Maduro.",
         "Nicolás Maduro was discussed when Donald Trump met his advisers, over zanzibar tea.")
    result, patched = rebuild(site, out, loads, jobs)
    assert patched
    assert PAGE in result.changed
    assert all(rel == PAGE or rel.startswith("search/") for rel in result.changed), result.changed
    assert any(rel.startswith("search/t/") for rel in result.changed)  # the new words' shard
    assert "zanzibar tea" in (out / PAGE).read_text(encoding="utf-8")
    after = mtimes(out)
    assert {rel for rel in after if after[rel] != before.get(rel)} == set(result.changed)
    assert_same_as_cold(site, out, tmp_path)


def test_the_real_command_line_patches_and_reports_what_it_wrote(site, tmp_path, loads):
    out = tmp_path / "pub" / "out"
    code, _, err = run_cli("build", site, "--out", out, "--jobs", "1")
    assert code == 0, err
    edit(site / BRIEF, "See [[oval-meeting]].", "See [[oval-meeting]]. Nothing more was said.")
    new_process(out)
    loads.clear()
    code, stdout, err = run_cli("build", site, "--out", out, "--jobs", "1")
    assert code == 0, err
    assert not loads
    assert "Nothing more was said." in (out / PAGE).read_text(encoding="utf-8")
    assert "files written" in stdout and "Traceback" not in err
    assert_same_as_cold(site, out, tmp_path)


def test_a_series_of_edits_patched_and_built_stays_what_a_cold_build_gives(site, tmp_path, loads):
    out = tmp_path / "pub" / "out"
    run(site, out)
    original = {rel: (site / rel).read_text(encoding="utf-8") for rel in (BRIEF, OTHER)}
    steps = [
        ("body", lambda: edit(site / BRIEF, "See [[oval-meeting]].", "See [[oval-meeting]]. Quietly."), True),
        ("the same body again", lambda: edit(site / BRIEF, "Quietly.", "Quietly, then loudly."), True),
        ("two briefs' bodies", lambda: (edit(site / BRIEF, "loudly", "softly"),
                                        edit(site / OTHER, "Maduro and Trump spoke.", "They spoke at length.")), True),
        ("a title: the full build", lambda: CHANGES["brief title"](site), False),
        ("a body after it", lambda: edit(site / OTHER, "at length", "briefly"), True),
        ("a body whose page the full build kept", lambda: edit(site / BRIEF, "softly", "at dawn"), True),
        ("everything undone", lambda: [(site / rel).write_text(text, encoding="utf-8")
                                       for rel, text in original.items()], False),
    ]
    for name, change, expected in steps:
        change()
        _, patched = rebuild(site, out, loads)
        assert patched == expected, name
        assert_same_as_cold(site, out, tmp_path)


def _hand_edit(site: Path, out: Path) -> None:
    page = out / PAGE
    data = page.read_bytes()
    page.write_bytes(data.replace(b"<main", b"<mAin", 1))  # same size: only its digest tells


class _RunsCode:
    def __reduce__(self):
        return (print, ("a planted kit ran code",))


def _plant(site: Path, out: Path, kit) -> None:
    """An edits file for the last build whose kit for BRIEF is ``kit`` (pickled on its own unless bytes)."""
    path = cache_folder(site, out) / "edits.pickle"
    _, inputs, (briefs, sizes) = pickle.loads(path.read_bytes())
    briefs[BRIEF] = kit if isinstance(kit, bytes) else pickle.dumps(kit)
    path.write_bytes(pickle.dumps((FORMAT, inputs, (briefs, sizes))))


FALLBACKS = {
    "a [[link]] the body did not have": lambda s, o: edit(s / BRIEF, "See [[oval-meeting]].",
                                                          "See [[oval-meeting]] and [[marco-rubio]]."),
    "a [[link]] to nothing": lambda s, o: edit(s / BRIEF, "See [[oval-meeting]].", "See [[nobody-at-all]]."),
    "an entity's body": lambda s, o: CHANGES["entity body edited"](s),
    "a page changed by hand": lambda s, o: _hand_edit(s, o),
    "a damaged edits file": lambda s, o: (cache_folder(s, o) / "edits.pickle").write_bytes(b"\x80\x05garbage"),
    "a planted edits file of another shape": lambda s, o: (cache_folder(s, o) / "edits.pickle").write_bytes(
        pickle.dumps((FORMAT, pickle.loads((cache_folder(s, o) / "edits.pickle").read_bytes())[1],
                      ({BRIEF: ("briefs/meeting/index.html", 0, 5)}, {})))),
    "a planted kit naming a file outside": lambda s, o: _plant(s, o, ("../../etc/passwd", 0, 5, 0, (), ())),
    "a planted kit of another shape": lambda s, o: _plant(s, o, ("briefs/meeting/index.html", -1, "5")),
    "a planted kit that would run code": lambda s, o: _plant(s, o, pickle.dumps(_RunsCode())),
    "a deleted edits file": lambda s, o: (cache_folder(s, o) / "edits.pickle").unlink(),
}


@pytest.mark.parametrize("case", list(FALLBACKS))
def test_what_cannot_be_patched_is_built_as_usual(site, tmp_path, loads, case):
    out = tmp_path / "pub" / "out"
    run(site, out)
    FALLBACKS[case](site, out)
    if "edits file" in case or "kit" in case or "by hand" in case:
        edit(site / BRIEF, "See [[oval-meeting]].", "See [[oval-meeting]]. Later.")
    _, patched = rebuild(site, out, loads)
    assert not patched
    assert_same_as_cold(site, out, tmp_path)
    # Another brief's body: patched once more, unless the edits file was lost, in which case that build
    # only knew where the edited brief's body sat (the one page it rendered); a full build records all again.
    edit(site / OTHER, "Maduro and Trump spoke.", "Maduro and Trump spoke again.")
    _, patched = rebuild(site, out, loads)
    assert patched == ("edits file" not in case)  # a bad kit: that brief's alone
    assert_same_as_cold(site, out, tmp_path)
    if not patched:
        CHANGES["brief title"](site)
        rebuild(site, out, loads)
        edit(site / OTHER, "spoke again.", "spoke once more.")
        _, patched = rebuild(site, out, loads)
        assert patched
        assert_same_as_cold(site, out, tmp_path)


def test_a_theme_that_does_more_with_the_body_is_never_patched(site, tmp_path, loads):
    default = (REPO / "themes/default/templates/brief.html").read_text(encoding="utf-8")
    assert "{{ brief.html | safe }}" in default
    make_site(site, {"templates/brief.html": default.replace(
        "{{ brief.html | safe }}", "{{ brief.html | safe }}<p>{{ brief.html | length }} characters</p>")})
    out = tmp_path / "pub" / "out"
    run(site, out)
    assert not (cache_folder(site, out) / "edits.pickle").exists()
    edit(site / BRIEF, "See [[oval-meeting]].", "See [[oval-meeting]]. Longer now.")
    _, patched = rebuild(site, out, loads)
    assert not patched
    assert_same_as_cold(site, out, tmp_path)


@pytest.mark.parametrize("name", ["_meta.j2", "_meta.jinja", "meta.htm", "META.HTML", ".partials/meta.html",
                                  "linked/meta.html"])
def test_a_template_included_by_any_name_counts_for_what_the_theme_does_with_the_body(site, tmp_path, loads, name):
    """Whatever its name (any extension, a name starting with '.', in a symlinked folder), a template a page
    includes is one marks.body_verbatim checks: a build with the cache gives what one without it gives."""
    meta = '<p class="len">{{ brief.html | length }} chars, {{ brief.html | wordcount }} words</p>\n'
    make_site(site, {"templates/brief.html": '{% extends "base.html" %}\n{% block main %}{{ brief.html | safe }}'
                                             f'{{% include "{name}" %}}{{% endblock %}}\n',
                     ("parts/meta.html" if name.startswith("linked/") else f"templates/{name}"): meta})
    if name.startswith("linked/"):
        (site / "templates/linked").symlink_to("../parts")
    out = tmp_path / "pub" / "out"
    code, _, err = run_cli("build", site, "--out", out, "-q")
    assert code == 0, err
    assert not (cache_folder(site, out) / "edits.pickle").exists()
    assert_same_as_cold(site, out, tmp_path, cache=False)
    edit(site / BRIEF, "See [[oval-meeting]].", "See [[oval-meeting]]. Longer now.")
    _, patched = rebuild(site, out, loads)
    assert not patched
    assert_same_as_cold(site, out, tmp_path, cache=False)


def test_a_file_in_templates_that_is_no_template_leaves_patching_on(site, tmp_path, loads):
    """A page that included it would fail the build: it cannot be what any page shows."""
    make_site(site, {"templates/logo.png": b"\x89PNG\r\n\x1a\n\xff\xfe", "templates/.DS_Store": b"\x00\x00Bud1\xc3"})
    out = tmp_path / "pub" / "out"
    run(site, out)
    edit(site / BRIEF, "See [[oval-meeting]].", "See [[oval-meeting]]. Later.")
    _, patched = rebuild(site, out, loads)
    assert patched
    assert_same_as_cold(site, out, tmp_path)


@pytest.mark.parametrize("extra", ["", "\x02", "\x02body x\x03", "\x02/body x\x03\x02"])
@pytest.mark.parametrize("where", ["before", "after", "twice"])
def test_where_a_page_shows_its_body_is_found_whatever_else_the_page_holds(site, extra, where):
    """marks.render_marked finds the body's markers through the page's \\x02 bytes when those are the
    markers' alone, by searching for the markers otherwise: either way the page is the plain rendering's
    bytes and the span is where the body sits (a theme may well write a control character)."""
    from briefgen import render, writer
    from briefgen.build import load_site
    from briefgen.diagnostics import Diagnostics
    from briefgen.theme import load_theme

    default = (REPO / "themes/default/templates/brief.html").read_text(encoding="utf-8")
    body = "{{ brief.html | safe }}"
    shown = {"before": f"{extra}{body}", "after": f"{body}<p>{extra}</p>", "twice": f"{body}{extra}{body}"}[where]
    make_site(site, {"templates/brief.html": default.replace(body, shown)})
    loaded = load_site(site, Diagnostics())
    env = writer.environment(load_theme(site, loaded.config.theme), None, b"marks test")
    views = writer.TrackedViews(loaded)
    pages = [render.brief_page(loaded, views, brief) for brief in loaded.briefs]
    site_view = render.site_context(loaded)
    for page in pages:
        plain = render.render_page(env, page, site_view, loaded.config)
        data, span = marks.render_marked(env, page, site_view, loaded.config)
        assert data == plain
        if where == "twice":  # not once: nowhere to patch
            assert span is None
            continue
        start, length = span
        html = page.context["brief"].html
        assert data[start:start + length] == html.replace("\x02root\x03/", page.root).encode("utf-8")
        assert (extra in data.decode("utf-8")) and len(data) - length > len(extra)


@pytest.mark.parametrize(("template", "verbatim"), [
    ("<main>{{ brief.title }}{{ brief.html | safe }}</main>", True),
    ("{% extends 'base.html' %}{% block main %}{{ brief.html | safe }}{% endblock %}", True),
    ("{{ brief.html }}", False),
    ("{{ brief.html | safe | upper }}", False),
    ("{{ brief.html | striptags }}", False),
    ("{% set x %}{{ brief.html | safe }}{% endset %}{{ x }}", False),
    ("{% filter upper %}{{ brief.html | safe }}{% endfilter %}", False),
    ("{% macro m(b) %}{{ b.html | safe }}{% endmacro %}{{ m(brief) }}", False),
    ("{{ page.context['brief'].html }}", False),
    ("{{ self.main() }}", False),
])
def test_body_verbatim_accepts_only_a_body_shown_as_it_is(template, verbatim):
    files = {"base.html": "<html>{% block main %}{% endblock %}</html>", "brief.html": template}
    env = jinja2.Environment(loader=jinja2.DictLoader(files), autoescape=True)
    assert marks.body_verbatim(env) is verbatim  # parsed by marks
    themed = ThemeEnvironment(loader=jinja2.DictLoader(files), autoescape=True)
    assert marks.body_verbatim(themed) is verbatim  # worked out as each template was compiled
    assert themed.get_template("brief.html").body_verbatim is verbatim


def test_edits_that_split_and_merge_search_shards_give_a_cold_builds_index(site, tmp_path, loads, monkeypatch):
    monkeypatch.setattr(search, "SHARD_BYTES", 120)  # tiny shards: new terms split them, removed ones merge them
    out = tmp_path / "pub" / "out"
    run(site, out)
    counts = set()
    words = ["zeal zebra zenith zephyr zero zest zigzag zinc zodiac zone", "zeal zone", "",
             "abacus abbey abbot zebra", "zebra"]
    for n, text in enumerate(words):
        edit(site / BRIEF, "See [[oval-meeting]].", f"See [[oval-meeting]]. {text} #{n}.")
        _, patched = rebuild(site, out, loads)
        assert patched, text
        counts.add(len([f for f in files(out) if f.startswith("search/t/")]))
        assert_same_as_cold(site, out, tmp_path)
        edit(site / BRIEF, f"See [[oval-meeting]]. {text} #{n}.", "See [[oval-meeting]].")
    assert len(counts) > 1  # the edits did split and merge shards


def test_strict_still_fails_on_the_last_builds_warnings_and_writes_nothing(site, tmp_path, loads):
    edit(site / OTHER, "[[washington]] hosted it.", "[[washington]] hosted it. [[nowhere-land]].")
    out = tmp_path / "pub" / "out"
    run(site, out)  # one warning: a [[link]] to nothing, in another brief
    before = files(out)
    edit(site / BRIEF, "See [[oval-meeting]].", "See [[oval-meeting]]. Strictly.")
    new_process(out)
    with pytest.raises(ContentError) as failure:
        run(site, out, strict=True)
    assert any("nowhere-land" in d.message for d in failure.value.diagnostics)
    assert files(out) == before
    result, patched = rebuild(site, out, loads)
    assert patched and any("nowhere-land" in d.message for d in result.diagnostics)
    assert_same_as_cold(site, out, tmp_path)


def test_a_failed_patch_leaves_the_output_and_cache_as_they_were(site, tmp_path, loads, monkeypatch):
    out = tmp_path / "pub" / "out"
    run(site, out)
    before = files(out)
    edit(site / BRIEF, "See [[oval-meeting]].", "See [[oval-meeting]]. Interrupted.")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(output_module, "commit_changes", fail)
    new_process(out)
    with pytest.raises(OSError):
        run(site, out)
    assert files(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # no staging left
    monkeypatch.undo()
    run(site, out)
    assert_same_as_cold(site, out, tmp_path)


_PIECES = ["Donald Trump", "Trump", "Nicolás Maduro", "Maduro", "Marco Rubio", "[[oval-meeting]]",
           "[[donald-trump|the president]]", "**bold**", "`code`", "Zanzibar", "zebra", "ünïcödé", "&amp;",
           "<b>raw</b>", "[a link](https://example.org/x)", "word[^1]", "\n\n[^1]: A footnote.", "\n\n- a list",
           "\n\n> a quote", "\n\n## A heading", "\n", " ", ".", "Trump's", "MADURO", "maduro", "Venezuela",
           "diplomacy", "Meeting", "summons"]


@settings(max_examples=int(os.environ.get("BRIEFGEN_FUZZ_EXAMPLES", "15")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bodies=st.lists(st.lists(st.sampled_from(_PIECES), max_size=12).map(" ".join), min_size=1, max_size=3))
def test_any_series_of_body_edits_patched_in_gives_a_cold_builds_bytes(tmp_path_factory, bodies):
    """Bodies made of names (first mentions), links, Markdown and text: each edit is patched in
    (it adds no [[link]] the body did not have: both are in the original) and gives a cold build's bytes."""
    tmp_path = tmp_path_factory.mktemp("fuzz")
    site = make_site(tmp_path / "src", SITE)
    out = tmp_path / "pub" / "out"
    run(site, out)
    calls: list = []
    real = build_module.resolve_site
    build_module.resolve_site = lambda *a, **k: calls.append(1) or real(*a, **k)
    try:
        original = (site / BRIEF).read_text(encoding="utf-8")
        head = original[:original.rindex("---\n") + 4]
        for n, body in enumerate(bodies):
            # the links in a paragraph of their own, whatever the body before them makes (a code block…)
            (site / BRIEF).write_text(f"{head}{body}\n\nSee [[oval-meeting]] with [[donald-trump]].\n",
                                      encoding="utf-8")
            new_process(out)
            calls.clear()
            run(site, out)
            # the first edit adds [[donald-trump]], which the original body did not look up: built as usual
            assert bool(calls) == (n == 0)
            assert_same_as_cold(site, out, tmp_path)
    finally:
        build_module.resolve_site = real
