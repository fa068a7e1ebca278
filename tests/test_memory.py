"""What keeps a build's memory down (docs/performance.md, Memory): each of these keeps the output
byte-identical (tests/test_incremental.py compares builds), so here only that the memory-saving
shapes hold and that what they drop is not needed."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from briefgen import build as building
from briefgen import reading, search, writer
from briefgen.build import BuildOptions, build, load_site
from briefgen.cache import Cache, _read_markdown, dumps, loads
from briefgen.diagnostics import Diagnostics
from briefgen.links import LinkTarget, Mention
from briefgen.schema import Pos
from briefgen.views import Views
from briefgen.writer import TrackedViews

from .conftest import BASIC, make_site


def _many_briefs(count: int) -> dict[str, str]:
    spec = dict(BASIC)
    for i in range(count):
        spec[f"content/briefs/2025-10-{1 + i % 28:02d}-b{i}.md"] = (
            f"---\ntitle: Brief {i}\ndate: 2025-10-{1 + i % 28:02d}\nsummary: Number {i}.\ntags: [t{i % 7}]\n"
            f"people: [donald-trump]\nclaims:\n  - text: Claim number {i}.\n    status: reported\n"
            f"    about: [donald-trump]\n---\nDonald Trump spoke, {i}.\n")
    return spec


def test_positions_and_link_targets_have_no_dictionary_and_still_pickle():
    pos, target = Pos("content/briefs/x.md", 3, 7), LinkTarget("people/x/", "X")
    mention = Mention(("X",), target)
    for obj in (pos, target, mention):
        assert not hasattr(obj, "__dict__")
    assert loads(dumps([pos, pos, target])) == [pos, pos, target]  # the cache's restricted unpickler
    assert pickle.loads(pickle.dumps(mention)) == mention
    assert hash(loads(dumps(pos))) == hash(pos)


def test_texts_many_files_repeat_are_one_string_each(tmp_path):
    site = make_site(tmp_path, _many_briefs(10))
    cache = Cache(Path())
    found = reading.scan(site, building._config(site, Diagnostics(), None), Diagnostics(), cache, 1)
    briefs, _ = reading.model(found, Diagnostics(), Cache(Path()), drafts=False)
    first, second = briefs[0], briefs[7]  # the same tag (i % 7), person and claim status
    assert first.tags == second.tags and first.tags[0] is second.tags[0]
    assert next(iter(first.refs)) is next(iter(second.refs))
    assert first.refs["people"][0].text is second.refs["people"][0].text
    assert first.claims[0].status is second.claims[0].status
    assert first.claims[0].about[0].text is second.claims[0].about[0].text


def test_resolved_references_share_the_entity_key(tmp_path):
    site = load_site(make_site(tmp_path, _many_briefs(3)), Diagnostics())
    key = next(k for k in site.entities if k == ("people", "donald-trump"))
    for brief in site.briefs:
        if brief.path.startswith("content/briefs/2025-10"):
            assert brief.refs["people"][0].key is key and brief.entities[0] is key
            assert brief.claims[0].about[0].key is key


def test_claim_views_make_anchor_and_url_from_the_claim_and_share_the_briefs_url_and_date(tmp_path):
    site = load_site(make_site(tmp_path, BASIC), Diagnostics())
    views = Views(site)
    brief = next(b for b in site.briefs if b.claims)
    view = views.claim(brief.claims[0])
    assert view.anchor == f"claim-{view.id}"
    assert view.url == f"briefs/{brief.slug}/#claim-{view.id}"
    summary = views.summary(brief)
    assert view.brief_url is summary.url and view.brief_date is summary.date


def test_a_build_lets_go_of_brief_bodies_and_parse_results_but_a_session_still_rebuilds_an_edit(tmp_path,
                                                                                                  monkeypatch):
    spec = _many_briefs(4)
    site = make_site(tmp_path / "src", spec)
    seen = {}
    real = writer.render_pages

    def render_pages(plan, jobs, estimate):
        seen["bodies"] = {b.body for b in plan.site.briefs}
        return real(plan, jobs, estimate)

    monkeypatch.setattr(writer, "render_pages", render_pages)
    out = tmp_path / "out"
    build(BuildOptions(site, out_dir=out, jobs=1, progress=False, session=True))
    assert seen["bodies"] == {""}
    edited = site / "content/briefs/2025-10-02-b1.md"
    edited.write_text(edited.read_text().replace("spoke, 1.", "spoke of Zanzibar, 1."))
    result = build(BuildOptions(site, out_dir=out, jobs=1, progress=False, session=True))
    assert "briefs/b1/index.html" in result.changed
    assert "Zanzibar" in (out / "briefs/b1/index.html").read_text()
    cold = tmp_path / "cold"
    build(BuildOptions(site, out_dir=cold, jobs=1, progress=False))
    assert (out / "briefs/b1/index.html").read_bytes() == (cold / "briefs/b1/index.html").read_bytes()


def test_cache_files_written_while_pages_render_are_put_in_place_only_by_a_build_that_succeeds(
        tmp_path, monkeypatch):
    """The worker that builds the search index writes its memo to the build cache itself, and the main
    process writes the Markdown cache before its first page, both as pending files that only a build
    that succeeds puts in place: the same memo and Markdown as a build in one process writes, and
    nothing of a build that fails."""
    import pytest

    from briefgen.cache import cache_folder

    site = make_site(tmp_path / "src", _many_briefs(120))  # enough pages for a worker to be forked

    def cache_files(out):
        folder = cache_folder(site, out)
        assert not list(folder.glob("*.next"))
        return {"terms": pickle.loads((folder / "terms.pickle").read_bytes()),
                "markdown": _read_markdown(folder / "markdown.pickle", pickle.loads((folder / "markdown.pickle")
                                                                                     .read_bytes())[1])}

    files = {}
    for jobs in (1, 2):
        search._TERMS.clear()
        build(BuildOptions(site, out_dir=tmp_path / f"out{jobs}", jobs=jobs, progress=False))
        files[jobs] = cache_files(tmp_path / f"out{jobs}")
    assert len(files[2]["terms"][2]) > 240  # every brief and claim, and the entities
    assert len(files[2]["markdown"]) > 120  # every brief body, and the entities' and notes
    assert files[1] == files[2]
    before = {p.name: p.read_bytes() for p in cache_folder(site, tmp_path / "out2").iterdir()}
    edited = site / "content/briefs/2025-10-02-b1.md"
    edited.write_text(edited.read_text().replace("spoke, 1.", "spoke of Zanzibar, 1.").replace("Brief 1", "B 1"))

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(writer, "write_extras", fail)  # after the page workers are done
    with pytest.raises(OSError):
        build(BuildOptions(site, out_dir=tmp_path / "out2", jobs=2, progress=False))
    after = {p.name: p.read_bytes() for p in cache_folder(site, tmp_path / "out2").iterdir()}
    assert {name: after.get(name) for name in before if name != "state.pickle"} == \
        {name: data for name, data in before.items() if name != "state.pickle"}
    assert set(after) <= set(before)
    search._TERMS.clear()


def test_fingerprints_do_not_leave_utf8_copies_of_rendered_markdown(tmp_path):
    site = load_site(make_site(tmp_path, BASIC), Diagnostics())
    views = TrackedViews(site)
    brief = site.briefs[0]
    brief.html = "<p>Nicolás Maduro " + "x" * 4000 + "</p>"
    view = views.brief(brief)
    before = sys.getsizeof(view.html)
    views.digest(view)
    assert sys.getsizeof(view.html) == before  # pickling the str itself would cache its UTF-8 inside it
    pickle.dumps(view.html)
    assert sys.getsizeof(view.html) > before  # (which is what this guards against)


def test_pages_render_with_young_collections_only_and_the_collector_is_restored(tmp_path, monkeypatch):
    """A full collection in the page stage walks everything a process keeps while rendering and frees
    next to nothing: the page stage collects the young generations only (rendering's few cycles die
    young), and the build gives the collector back as it found it, even when it fails."""
    import gc

    import pytest

    from briefgen.diagnostics import ContentError

    site = make_site(tmp_path / "src", _many_briefs(3))
    seen = []
    real = writer.render_pages

    def render_pages(plan, jobs, estimate):
        seen.append((gc.isenabled(), gc.get_threshold()))
        garbage = [[]]
        garbage[0].append(garbage)  # a cycle made while rendering, dropped at once
        del garbage
        assert gc.collect(1) >= 2  # the young generations are still collected
        return real(plan, jobs, estimate)

    monkeypatch.setattr(writer, "render_pages", render_pages)
    before = gc.get_threshold()
    try:
        gc.set_threshold(650, 9, 8)
        build(BuildOptions(site, out_dir=tmp_path / "out", jobs=1, progress=False))
        assert seen == [(True, (650, 9, building.NO_FULL_COLLECTION))]
        assert gc.get_threshold() == (650, 9, 8)
        (site / "content/briefs/2025-10-01-b0.md").write_text("---\ntitle: [unclosed\n---\n")
        with pytest.raises(ContentError):
            build(BuildOptions(site, out_dir=tmp_path / "out", jobs=1, progress=False))
        assert gc.get_threshold() == (650, 9, 8)
    finally:
        gc.set_threshold(*before)


def test_the_markdown_cache_leaves_no_utf8_copy_in_the_texts_it_writes(tmp_path):
    """Written while pages still render, the Markdown cache must not make every rendered text keep a
    UTF-8 copy of itself (pickling a str that is not ASCII does): it encodes the texts itself, a batch
    at a time, and reads back exactly what it wrote (surrogates and all), or nothing from a damaged file."""
    from briefgen import cache as caching
    from briefgen.cache import Markdown
    from briefgen.links import LinkTarget

    lone = " \udc80"  # a lone surrogate (in one text in three)
    texts = {bytes([i % 256, i // 256]): Markdown(f"<p>Nicolás {i} — “{'é' * (i % 50)}”{lone * (i % 3 == 0)}</p>",
                                                  ((1, 2, "x", False),),
                                                  (("x", LinkTarget("people/x/", "X")), ("y", None)))
             for i in range(3 * caching.MARKDOWN_BATCH + 5)}
    cache = Cache(tmp_path, parsed_key=b"k")
    cache.markdown = texts
    before = [sys.getsizeof(m.html) for m in texts.values()]
    caching.write_markdown(cache, tmp_path, pending=True)
    assert [sys.getsizeof(m.html) for m in texts.values()] == before  # no UTF-8 copy kept in any of them
    assert not (tmp_path / "markdown.pickle").exists()
    caching.commit_parsed(tmp_path, "markdown.pickle")
    assert _read_markdown(tmp_path / "markdown.pickle", b"k") == texts
    assert _read_markdown(tmp_path / "markdown.pickle", b"other key") is None
    data = (tmp_path / "markdown.pickle").read_bytes()
    (tmp_path / "markdown.pickle").write_bytes(data[: len(data) // 2])
    assert _read_markdown(tmp_path / "markdown.pickle", b"k") is None


def test_a_process_lets_go_of_fragments_and_feed_entries_as_it_crosses_the_feeds(tmp_path, monkeypatch):
    """The entities' feeds lie between the briefs' pages and the entities' pages and share nothing with
    either: a process drops the fragments of the pages before them as it reaches them (the brief pages'
    related cards), and the feeds' entries once past them, and the output is the same."""
    from briefgen import fragments, render

    site = make_site(tmp_path / "s", _many_briefs(30))
    build(BuildOptions(site_dir=site, out_dir=tmp_path / "plain", progress=False, jobs=1))
    released = []  # (fragments held, feed entries held) at each release while pages render
    reset, forget = fragments.reset, render.forget_feeds

    def reset_recording(env):
        memo = env.globals.get("cached")
        released.append(("fragments", len(memo.done) if isinstance(memo, fragments.Fragments) else 0))
        reset(env)

    def forget_recording():
        released.append(("feeds", len(render._FEED_ITEMS)))
        forget()

    monkeypatch.setattr(fragments, "reset", reset_recording)
    monkeypatch.setattr(render, "forget_feeds", forget_recording)
    build(BuildOptions(site_dir=site, out_dir=tmp_path / "out", progress=False, jobs=1))
    # the start of the page stage; reaching the feeds, with the brief pages' related cards (no entry made
    # yet); past them, with the feeds' entries (no fragment made meanwhile)
    (start, _), (kind, cards), (_, entries_then), (_, fragments_then), (kind_after, entries) = released[:5]
    assert (start, kind, entries_then, fragments_then, kind_after) == ("fragments", "fragments", 0, 0, "feeds")
    assert cards > 0 and entries > 0
    assert sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*")) == \
        sorted(p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*"))
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "plain" / path.relative_to(tmp_path / "out")).read_bytes()
