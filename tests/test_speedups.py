"""The faster code paths of issue 9 give exactly what the plain ones they replaced give."""

from __future__ import annotations

import ast
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from briefgen.build import load_site
from briefgen.diagnostics import Diagnostics
from briefgen.model import sort_key

from .conftest import REPO, make_site
from .test_incremental import files


def test_related_briefs_and_co_mentions_are_ranked_as_by_a_plain_sort(tmp_path):
    rng = random.Random(4)
    files = {f"content/people/p{i}.yaml": f"name: Person {i}\n" for i in range(12)}
    for i in range(80):
        people = ", ".join(sorted({f"p{rng.randrange(12)}" for _ in range(rng.randint(1, 5))}))
        day = 1 + rng.randrange(5)  # many briefs share a date: ties are broken by slug
        files[f"content/briefs/b{i:03d}.md"] = (f"---\ntitle: B{i}\ndate: 2025-01-0{day}\nsummary: S.\n"
                                                f"people: [{people}]\n---\nText.\n")
    site = load_site(make_site(tmp_path / "s", files), Diagnostics())
    mentioned: dict = {}
    for brief in site.briefs:
        for key in brief.entities:
            mentioned.setdefault(key, []).append(brief)
    for brief in site.briefs:
        shared = Counter(other.slug for key in brief.entities for other in mentioned[key] if other is not brief)
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], -sort_key(site.briefs_by_slug[kv[0]].date).timestamp(),
                                                        kv[0]))[:5]
        assert [(b.slug, n) for b, n in site.related[brief.slug]] == ranked
    for key, briefs in mentioned.items():
        co = Counter(other for b in briefs for other in b.entities if other != key)
        assert site.co_mentions.get(key, []) == sorted(co.items(), key=lambda kv: (-kv[1], kv[0]))[:12]


def test_fingerprints_see_every_field_of_the_views_they_pickle_as_tuples():
    """writer's fingerprint reducers pickle a view as the values of its ``__slots__``: that must be all of
    its fields (a slotted dataclass that inherited fields would list only its own), or an incremental
    build would miss a change."""
    import dataclasses

    from briefgen import views, writer

    for kind in (*writer.SHARED, *writer.SLOTTED, views.BriefView, views.EntityView):
        assert tuple(kind.__slots__) == tuple(f.name for f in dataclasses.fields(kind)), kind


def test_fingerprints_tell_the_types_of_views_apart():
    """Every view pickles for its fingerprint as one function's call with a tag for its type (one name per
    pickle): the tags are distinct, so views of two types with the same values differ, and a view differs
    from a plain tuple of its values."""
    import pickle

    from briefgen import render, views, writer

    tracked = writer.TrackedViews(site=None)  # no site needed to digest values
    assert set(writer._TAGS) == set(tracked.table) and len(set(writer._TAGS.values())) == len(writer._TAGS)
    group = views.EntityGroup("people", "People", [])
    fact = views.Fact("people", "People", [])  # the same values, another type
    assert tracked.digest(group) != tracked.digest(fact)
    assert tracked.digest(group) != tracked.digest(("people", "People", []))
    assert tracked.digest(render.TimelineDay(None, [])) != tracked.digest((None, []))
    with pytest.raises(TypeError):  # named in the pickles, never made from them
        pickle.loads(pickle.dumps(writer._reduce_fields(group)[0]))(*writer._reduce_fields(group)[1])


def test_reused_fingerprint_picklers_give_what_a_new_pickler_gives(tmp_path):
    """TrackedViews.digest reuses one pickler per nesting depth: every page's fingerprint must still be the
    digest of its own pickle, made as a new pickler would make it (nothing left from the page before), in
    whatever order the pages come (a worker takes them from the back)."""
    import io
    import pickle

    from briefgen import render, writer
    from briefgen.cache import digest

    files = {f"content/people/p{i}.yaml": f"name: Person {i}\nsummary: Person number {i}.\n" for i in range(6)}
    for i in range(24):
        files[f"content/briefs/b{i:02d}.md"] = (
            f"---\ntitle: Brief {i}\ndate: 2025-01-{1 + i % 9:02d}\nsummary: About p{i % 6}.\n"
            f"people: [p{i % 6}, p{(i + 1) % 6}]\ntags: [t{i % 3}]\nclaims:\n"
            f"  - text: Claim {i}.\n    status: reported\n    by: p{i % 6}\n    about: [p{(i + 2) % 6}]\n"
            f"  - text: Claim {i} again.\n    status: {'confirmed' if i % 2 else 'disputed'}\n---\nBody {i}.\n")
    site = load_site(make_site(tmp_path / "s", files), Diagnostics())

    def fresh(views, value):  # what digest() did before it reused picklers
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=writer.PROTOCOL)
        pickler.dispatch_table = views.table
        pickler.dump(value)
        return digest(buffer.getvalue())

    def fingerprints(order):
        views = writer.TrackedViews(site)
        pages = [item.page() for item in render.site_pages(site, views)]
        return {pages[i].path: writer.fingerprint(pages[i], views) for i in order(range(len(pages)))}, views

    forward, views = fingerprints(list)
    assert len(forward) > 40 and views.digests  # shared views were digested while pages were pickled
    backward, _ = fingerprints(lambda r: list(reversed(r)))
    assert backward == forward
    unshared = writer.TrackedViews(site)  # new views: its digests of shared views start empty again
    unshared_pages = [item.page() for item in render.site_pages(site, unshared)]
    assert {p.path: fresh(unshared, p) for p in unshared_pages} == forward
    assert all(buffer.tell() == 0 for _, buffer in views._picklers)  # nothing kept between digests
    # A large pickle leaves a new pickler behind (its memo table would make every later digest slower),
    # a small one the same pickler; the digests stay what a new pickler gives either way.
    first = views._picklers[0][0]
    small = ["a", "b"]
    assert views.digest(small) == fresh(views, small) and views._picklers[0][0] is first
    large = [f"https://example.org/page/{n}/" for n in range(writer.REUSE_LIMIT // 16)]
    assert views.digest(large) == fresh(views, large) and views._picklers[0][0] is not first
    assert views.digest(small) == fresh(views, small)


def test_work_done_while_workers_run_happens_once_in_this_process():
    """``parallel.run``'s ``meanwhile`` runs here, once, while forked workers work; not at all without them."""
    import os

    from briefgen import parallel

    calls: list[int] = []
    results = parallel.run(lambda claims, in_parent: [os.getpid() for _ in claims], jobs=2, chunks=6,
                           parent_works=False, meanwhile=lambda: calls.append(os.getpid()))
    forked = parallel.can_fork()
    assert calls == ([os.getpid()] if forked else [])
    assert sum(len(r or ()) for r in results) == 6 and os.getpid() not in (results[-1] if forked else ())
    calls.clear()
    parallel.run(lambda claims, in_parent: list(claims), jobs=1, chunks=6, parent_works=False,
                 meanwhile=lambda: calls.append(1))
    assert calls == []


def test_streamed_results_reach_this_process_once_each_while_workers_run():
    """``parallel.stream``: every piece a worker yields reaches ``receive`` here exactly once (pieces larger
    than a pipe too), from this process's work and the workers', with and without workers; a worker's
    pieces arrive while this process still works (it takes them in between its own chunks)."""
    import os
    import time

    from briefgen import parallel

    forked = parallel.can_fork()
    for jobs, parent_works in ((1, True), (2, True), (3, True), (2, False), (3, False)):
        got: list = []
        seen_while_working: list[int] = []

        def work(claims, in_parent, got=got, seen_while_working=seen_while_working, parent_works=parent_works):
            for c in claims:
                if in_parent and parent_works:
                    seen_while_working.append(sum(1 for g in got if g[1] != os.getpid()))
                time.sleep(0.01)  # every process gets chunks, even one that starts late on a busy machine
                yield (c, os.getpid(), b"x" * (3 * parallel.PIPE_BYTES if c == 5 else c))

        parallel.stream(work, jobs, 40, got.append, parent_works=parent_works)
        assert sorted(g[0] for g in got) == list(range(40)), (jobs, parent_works)
        assert all(g[2] == b"x" * (3 * parallel.PIPE_BYTES if g[0] == 5 else g[0]) for g in got)
        pids = {g[1] for g in got}
        if forked and jobs > 1:
            assert len(pids - {os.getpid()}) == jobs - parent_works
            assert (os.getpid() in pids) == parent_works
            if parent_works:  # a worker's pieces came in before this process's own work was done
                assert max(seen_while_working) > 0
        else:
            assert pids == {os.getpid()}
    calls: list[int] = []
    parallel.stream(lambda claims, in_parent: ([c] for c in claims), 2, 6, lambda piece: None,
                    parent_works=False, meanwhile=lambda: calls.append(os.getpid()))
    assert calls == ([os.getpid()] if forked else [])


def test_a_streaming_worker_goes_on_working_while_this_process_is_busy():
    """A worker whose pieces fill its pipe keeps them and goes on (a build cross-links its site before it
    takes any Markdown): here it finishes its whole share before this process reads anything."""
    import multiprocessing
    import time

    import pytest

    from briefgen import parallel

    if not parallel.can_fork():
        pytest.skip("workers are forked on Linux only")
    done = multiprocessing.get_context("fork").RawValue("b", 0)

    def work(claims, in_parent):
        for c in claims:
            yield c, b"x" * parallel.PIPE_BYTES  # one piece fills the pipe
        if not in_parent:
            done.value = 1

    seen: list[int] = []

    def busy():  # reads nothing until the worker is done (or gives up after a while)
        deadline = time.monotonic() + 10
        while not done.value and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append(done.value)

    got: list = []
    parallel.stream(work, 2, 8, got.append, parent_works=False, meanwhile=busy)
    assert seen == [1]
    assert sorted(c for c, _ in got) == list(range(8))


def test_a_streaming_worker_that_fails_or_dies_fails_the_call_and_leaves_no_process_behind():
    import multiprocessing
    import os
    import time

    import pytest

    from briefgen import parallel

    if not parallel.can_fork():
        pytest.skip("workers are forked on Linux only")
    context = multiprocessing.get_context("fork")
    locks = [context.Lock()]  # a new one for each case: a worker stopped while it held one never frees it
    pids = context.RawArray("q", 8)  # each worker's pid, to check that it was reaped

    def started() -> None:
        lock = locks[-1]
        if lock.acquire(timeout=10):  # (never wait for ever: the call fails, its workers stopped)
            try:
                pids[next(n for n in range(len(pids)) if not pids[n])] = os.getpid()
            finally:
                lock.release()

    def failing(claims, in_parent):
        if not in_parent:
            started()
        for c in claims:
            if not in_parent:
                raise ValueError(f"chunk {c} is bad")
            time.sleep(0.005)  # the worker gets a chunk
            yield c

    def dying(claims, in_parent):
        if not in_parent:
            started()
        for c in claims:
            if not in_parent:
                os._exit(3)
            time.sleep(0.005)
            yield c

    def endless(claims, in_parent):
        if not in_parent:
            started()
        for c in claims:
            yield [c]
            time.sleep(0.05)  # still working when the main process fails

    def refuse(piece):
        raise KeyError(piece)

    cases = [(work, expected, parent_works, lambda piece: None) for work, expected in
             ((failing, ValueError), (dying, parallel.WorkerError)) for parent_works in (True, False)]
    cases.append((endless, KeyError, False, refuse))  # a failure here stops the workers too
    for work, expected, parent_works, receive in cases:
        pids[:] = [0] * len(pids)
        locks.append(context.Lock())
        with pytest.raises(expected):
            parallel.stream(work, 2, 20, receive, parent_works=parent_works)
        workers = [pid for pid in pids if pid]
        assert 1 <= len(workers) <= 2 - parent_works  # a second worker may be stopped before it starts
        for pid in workers:
            with pytest.raises(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reaped

def test_the_site_is_cross_linked_once_while_markdown_renders(tmp_path, monkeypatch):
    """A build resolves the site, then cross-links it while workers render Markdown (which needs none of
    it): once, with or without workers, and with nothing left to render (the cache has it all)."""
    from briefgen import build as build_module

    spec = {f"content/people/p{i}.yaml": f"name: Person {i}\n" for i in range(3)}
    for i in range(150):  # several Markdown chunks, so that a worker forks
        spec[f"content/briefs/b{i:03d}.md"] = (f"---\ntitle: B{i}\ndate: 2025-01-01\nsummary: S.\n"
                                              f"people: [p{i % 3}]\n---\nPerson {i % 3} spoke.\n")
    site = make_site(tmp_path / "s", spec)
    calls: list[int] = []
    real = build_module.cross_link
    monkeypatch.setattr(build_module, "cross_link", lambda s: calls.append(1) or real(s))
    for jobs, out in ((2, "a"), (1, "b"), (2, "a")):
        (site / "content/briefs/b000.md").write_text(
            f"---\ntitle: B0 {out}{len(calls)}\ndate: 2025-01-01\nsummary: S.\npeople: [p0]\n---\nPerson 0.\n")
        calls.clear()
        result = build_module.build(build_module.BuildOptions(site, out_dir=tmp_path / out, jobs=jobs, progress=False))
        assert calls == [1] and not result.diagnostics
        assert 'href="../../briefs/b001/"' in (tmp_path / out / "people/p1/index.html").read_text()  # backlinks


def test_views_made_while_markdown_renders_are_those_the_pages_would_make(tmp_path, monkeypatch):
    """The build makes (and digests) the views every page process would make again, once, while workers
    render Markdown, and leaves claims with a note to the pages (the note's HTML is rendered in that stage).
    Its output and its fingerprints are those of a build that makes every view where pages show it."""
    import pickle

    from briefgen import build as build_module
    from briefgen import writer

    spec = {f"content/people/p{i}.yaml": f"name: Person {i}\n" for i in range(4)}
    for i in range(140):  # several Markdown chunks, so that a worker renders some while this process makes views
        spec[f"content/briefs/b{i:03d}.md"] = (
            f"---\ntitle: B{i}\ndate: 2025-01-0{1 + i % 7}\nsummary: S{i}.\npeople: [p{i % 4}, p{(i + 1) % 4}]\n"
            f"claims:\n  - text: Claim {i}.\n    status: reported\n    by: p{i % 4}\n    about: [p{(i + 2) % 4}]\n"
            + (f"    note: Seen by *[[p{(i + 3) % 4}]]* on day {i}.\n" if i % 3 == 0 else "")
            + f"  - text: Claim {i} again.\n    status: confirmed\n    about: [p{(i + 1) % 4}]\n---\nBody {i}.\n")
    site = make_site(tmp_path / "s", spec)
    made: list[bool] = []
    real = writer.TrackedViews.make_shared

    def spy(self, digests):
        real(self, digests)
        made.append(digests)
        noted = [c for b in self.site.briefs for c in b.claims if c.note]
        assert noted and not any(id(c) in self._claims for c in noted)  # left to the pages
        assert len(self._claims) == sum(len(b.claims) for b in self.site.briefs) - len(noted)

    monkeypatch.setattr(writer.TrackedViews, "make_shared", spy)

    def build(out, jobs, cache=True):
        result = build_module.build(build_module.BuildOptions(site, out_dir=tmp_path / out, jobs=jobs, progress=False,
                                                              cache=cache))
        assert not result.diagnostics
        return files(tmp_path / out)

    built = {(jobs, cache): build(f"early-{jobs}-{cache}", jobs, cache) for jobs in (1, 2) for cache in (True, False)}
    assert made == [True, False, True, False]  # digested only for a build that keeps fingerprints
    monkeypatch.setattr(writer.TrackedViews, "make_shared", lambda self, digests: None)
    plain = build("plain", 2)
    assert all(tree == plain for tree in built.values())
    page = plain["briefs/b003/index.html"].decode()
    assert "Seen by <em>" in page and 'href="../../people/p2/"' in page  # a note, with its link, is shown

    from briefgen.cache import cache_folder

    def fingerprints(out):
        state = (cache_folder(site, tmp_path / out) / "state.pickle").read_bytes()
        return {path: entry[2] for path, entry in pickle.loads(state)[2][1].items()}

    assert fingerprints("early-2-True") == fingerprints("early-1-True") == fingerprints("plain")


def test_chunks_claimed_from_both_ends_are_each_handed_out_once():
    """The page stage's parent claims chunks from the front, its workers from the back (``Claims.from_end``):
    in any interleaving they get every chunk exactly once, wherever they meet. The front is unbounded
    (its walker stops at the last page), the back starts from the chunk count it is given."""
    from briefgen import parallel

    rng = random.Random(9)
    for shared in (False, True):
        for total in (0, 1, 2, 7, 30):
            for _ in range(20):
                claims = parallel.Claims(None, shared=shared)
                front, back = iter(claims), None
                got_front: list[int] = []
                got_back: list[int] = []
                front_done = back_done = False
                while not (front_done and back_done):
                    if not back_done and (front_done or rng.random() < 0.4):
                        back = back or claims.from_end(total)
                        n = next(back, None)
                        if n is None:
                            back_done = True
                        else:
                            got_back.append(n)
                    else:
                        n = next(front, None)
                        if n is None or n >= total:  # the walker has no page in chunk n
                            front_done = True
                        else:
                            got_front.append(n)
                assert sorted(got_front + got_back) == list(range(total)), (shared, total, got_front, got_back)
                assert got_front == sorted(got_front) and got_back == sorted(got_back, reverse=True)
    assert list(parallel.Claims(3, shared=False)) == [0, 1, 2]


def test_processes_claim_each_chunk_once_and_take_a_task_once_between_them():
    """Claims and Once across forked processes (shared memory and a lock of briefgen's own): four
    processes, started together, claim from the front and the back at once, and each takes the one
    task; every chunk goes to exactly one of them, and the task to one."""
    from briefgen import parallel

    for total in (0, 1, 5, 20_000):
        claims, once, progress = parallel.Claims(None, shared=True), parallel.Once(), parallel.Progress(shared=True)
        go_read, go_write = os.pipe()
        children = []
        for k in range(3):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                try:
                    os.read(go_read, 1)
                    got = []
                    for n in claims.from_end(total) if k % 2 else claims:
                        if n >= total:  # the front is unbounded: its walker stops past the last chunk
                            break
                        got.append(n)
                    took = once.take()
                    progress.add(len(got))
                    os.write(write, repr((got, took)).encode())
                finally:
                    os._exit(0)
            os.close(write)
            children.append((pid, read))
        os.write(go_write, b"go!")
        mine = []
        for n in claims:
            if n >= total:
                break
            mine.append(n)
        results = [(mine, once.take())]
        progress.add(len(mine))
        for pid, read in children:
            with os.fdopen(read, "rb") as pipe:
                results.append(ast.literal_eval(pipe.read().decode()))
            assert os.waitpid(pid, 0)[1] == 0
        os.close(go_read)
        os.close(go_write)
        claimed = sorted(n for got, _ in results for n in got)
        assert claimed == list(range(total)), (total, [len(got) for got, _ in results])
        assert [took for _, took in results].count(True) == 1
        assert progress.value <= total  # updated without the lock: a lost update only makes it lag
    assert parallel.Progress(shared=False).value == 0


def test_the_theme_environment_renders_what_plain_jinja_renders(tmp_path):
    """templating's escape returns escaped text as a plain str (not a new Markup) and its context calls
    macros directly: every construct that takes a template's output (a page, a macro, a ``set`` or
    ``filter`` block, ``caller()``, ``super()``, an include, an imported module) must give what Jinja's
    own escape and calls give, and everything unsafe must still be escaped."""
    import jinja2
    from markupsafe import Markup

    from briefgen import templating

    class Html:
        def __html__(self):
            return "<b>already safe</b>"

    templates = {
        "base.html": "<title>{% block title %}{{ s }}{% endblock %}</title>{% block body %}{% endblock %}",
        "_m.html": ("{% macro item(x, n=1) %}<li>{{ x }}{{ n }}</li>{% endmacro %}"
                    "{% macro wrap(x) %}<div>{{ x }}{{ caller() }}</div>{% endmacro %}"
                    "{% set shared %}<i>{{ s }}</i>{% endset %}"),
        "inc.html": "<p>{{ s }}|{{ n }}</p>",
        "page.html": (
            "{% extends 'base.html' %}{% from '_m.html' import item, wrap with context %}"
            "{% import '_m.html' as m with context %}"
            "{% block title %}{{ super() }} — {{ s | upper }}{% endblock %}"
            "{% block body %}{{ s }}{{ m_ }}{{ h }}{{ n }}{{ f }}{{ none }}{{ items | join(s) }}"
            "{{ item(s) }}{{ item(m_, n=2) | striptags }}{{ item(s) | length }}"
            "{% call wrap(s) %}{{ s }}{{ m_ }}{% endcall %}"
            "{% set block %}{{ s }}<u>{{ m_ }}</u>{% endset %}{{ block }}{{ block | length }}{{ block | lower }}"
            "{% filter upper %}{{ s }}{{ m_ }}{% endfilter %}"
            "{% for x in items %}{{ loop.index }}{{ x }}{% endfor %}{% include 'inc.html' %}{{ m.shared }}"
            "{% autoescape false %}{{ s }}{% endautoescape %}{{ s ~ m_ }}{{ (s ~ '') | e }}{% endblock %}"),
    }
    values = {"s": "<script>&\"'x", "m_": Markup("<em>ok</em>"), "h": Html(), "n": 7, "f": 1.5, "none": None,
              "items": ["a<", Markup("<b>"), 3]}
    ours = templating.environment([], None)
    ours.loader = jinja2.DictLoader(templates)
    plain = jinja2.Environment(loader=jinja2.DictLoader(templates), autoescape=True, trim_blocks=True,
                               undefined=jinja2.StrictUndefined,
                               lstrip_blocks=True, keep_trailing_newline=True)
    got = ours.get_template("page.html").render(**values)
    assert got == plain.get_template("page.html").render(**values)
    assert got.count("<script>") == 1  # the autoescape false block's alone
    assert got.count("&lt;script&gt;") >= 8


def test_entity_feeds_lie_between_the_briefs_pages_and_the_entities_pages(tmp_path):
    """The page stage's processes meet somewhere in the middle of the site's pages (the main process
    from the front, workers from the back): the entities' feeds, which share no rendered fragment with
    other pages, lie there, after every brief page and before every entity page."""
    from briefgen import render, writer

    files = {f"content/people/p{i}.yaml": f"name: Person {i}\n" for i in range(5)}
    files.update({f"content/events/e{i}.yaml": f"name: Event {i}\ndate: 2025-01-0{i + 1}\n" for i in range(3)})
    for i in range(9):
        files[f"content/briefs/b{i}.md"] = (f"---\ntitle: B{i}\ndate: 2025-01-0{i + 1}\nsummary: S.\n"
                                            f"people: [p{i % 5}]\nevents: [e{i % 3}]\n---\nText.\n")
    site = load_site(make_site(tmp_path / "s", files), Diagnostics())
    paths = [item.path for item in render.site_pages(site, writer.TrackedViews(site))]
    kinds = ("people/", "events/")
    briefs = [i for i, p in enumerate(paths) if p.startswith("briefs/") and p.count("/") == 2]
    feeds = [i for i, p in enumerate(paths) if p.startswith(kinds) and p.endswith("/feed.xml")]
    entities = [i for i, p in enumerate(paths) if p.startswith(kinds) and p.count("/") == 2 and p.endswith(".html")]
    assert len(briefs) == 9 and len(feeds) == len(entities) == 8
    assert max(briefs) < min(feeds) and max(feeds) < min(entities)
    assert feeds == list(range(min(feeds), max(feeds) + 1))  # one run


def test_an_output_file_written_in_pieces_is_all_there(tmp_path, monkeypatch):
    """writer._write_file writes through the file descriptor: when the system takes fewer bytes than it
    was given (a signal, a full disk), the rest follows, and the file is whole; a file there is replaced."""
    import os

    from briefgen import writer

    real = os.write
    sizes: list[int] = []

    def short(fd, data):
        sizes.append(len(data))
        return real(fd, bytes(data[:7]))

    data = bytes(range(256)) * 3
    target = tmp_path / "page.html"
    target.write_bytes(b"x" * 5000)  # longer than what replaces it
    monkeypatch.setattr(os, "write", short)
    writer._write_file(str(target), data)
    monkeypatch.undo()
    assert target.read_bytes() == data and len(sizes) == -(-len(data) // 7)


_PROBE = """
import os, sys
from briefgen.cli import main
HEAVY = ("markdown_it", "jinja2", "briefgen.markdown", "briefgen.search", "briefgen.patch", "briefgen.stages")
first = []
fork = os.fork
def probe():
    if not first:
        first.append([m for m in HEAVY if m in sys.modules])
    return fork()
os.fork = probe
code = main(sys.argv[1:])
print(repr((code, first[0] if first else None, [m for m in HEAVY if m in sys.modules])))
"""


def _imports(*args: str | Path) -> tuple:
    """(exit status, the heavy modules imported when the first worker forked (None: none forked), those
    imported by the end) of ``briefgen ARGS`` in a new Python process."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def test_workers_parse_before_rendering_is_imported_and_a_build_with_nothing_to_do_never_imports_it(tmp_path):
    spec = {f"content/briefs/b{i:03d}.md": f"---\ntitle: B{i}\ndate: 2025-01-01\nsummary: S.\n---\nText {i}.\n"
            for i in range(200)}  # several chunks of files, so that workers fork to parse them
    site = make_site(tmp_path / "s", {**spec, "briefgen.yaml": "title: T\n"})
    for path in site.rglob("*.*"):  # older than the cache's window for files changed while it scanned
        os.utime(path, (path.stat().st_mtime - 60,) * 2)
    code, at_fork, at_end = _imports("build", site, "--out", tmp_path / "out", "--jobs", "2", "--quiet")
    assert code == 0 and at_fork == []  # nothing of rendering yet: parsing workers start sooner
    assert {"markdown_it", "jinja2", "briefgen.search"} <= set(at_end)
    code, at_fork, at_end = _imports("build", site, "--out", tmp_path / "out", "--jobs", "2", "--quiet")
    assert (code, at_fork, at_end) == (0, None, [])  # nothing changed: nothing rendered, nothing imported
