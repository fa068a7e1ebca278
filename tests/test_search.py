"""The search index (briefgen/search.py): folding, terms, shards, documents, determinism."""

from __future__ import annotations

import json
import pickle
from itertools import accumulate
from pathlib import Path

import pytest

from briefgen import search
from briefgen.build import BuildOptions, build, load_site
from briefgen.diagnostics import Diagnostics
from briefgen.views import Views

from .conftest import BASIC, REPO, make_site


def example_index() -> dict[str, bytes]:
    site = load_site(REPO, Diagnostics())
    return dict(search.index_files(site, Views(site)))


def find(files: dict[str, bytes], word: str) -> dict[int, int]:
    """What search.js does for one query word: doc id -> best weight (strong 4, other 1)."""
    meta = json.loads(files["search/meta.json"])
    keys = [k for k in meta["shards"] if word.startswith(k) or k.startswith(word)]
    found: dict[int, int] = {}
    for key in keys:
        for term, postings in json.loads(files[f"search/t/{search.shard_file(key)}.json"]).items():
            if term.startswith(word):
                for weight, deltas in zip((4, 1), postings, strict=False):
                    for doc in accumulate(deltas):
                        found[doc] = max(found.get(doc, 0), weight)
    return found


def doc(files: dict[str, bytes], n: int) -> list:
    chunk = json.loads(files["search/meta.json"])["chunk"]
    return json.loads(files[f"search/d/{n // chunk}.json"])[n % chunk]


def test_fold_and_terms():
    assert search.fold("Nicolás MADURO") == "nicolas maduro"
    words = search.terms("Nicolás Maduro’s ﬁnal e\u0301cole, a_b 2024")
    assert words == {"nicolas", "maduro", "final", "ecole", "2024"}
    assert search.terms(None, "", "x") == set()
    assert max(map(len, search.terms("a" * 100))) == search.MAX_TERM


def test_html_text_and_snippet():
    assert search.html_text('<p>Tom &amp; <a href="x">Jerry</a></p>').split() == ["Tom", "&", "Jerry"]
    assert search.snippet("word " * 100).endswith("…") and len(search.snippet("word " * 100)) <= search.SNIPPET + 1
    assert search.snippet("short  text") == "short text"


def test_a_summary_is_kept_whole_up_to_the_default_maximum_for_the_browser_to_window():
    files = example_index()
    late = [doc(files, n) for n in find(files, "maduro") if str(doc(files, n)[1]).startswith("Trump summons")]
    assert late and late[0][4].endswith("pressure on Nicolás Maduro."), "the browser shows the words around a match"
    assert search.SNIPPET >= 300  # summary_max_length's default


def test_shards_cover_every_term_by_prefix():
    postings = {f"{a}{b}{c}": [[1]] for a in "ab" for b in "abc" for c in ("", "x", "yy")}
    shards = search.shard(postings)
    assert sorted(t for s in shards.values() for t in s) == sorted(postings)
    for key, terms in shards.items():
        assert all(t.startswith(key) for t in terms)
    search_bytes = search.SHARD_BYTES
    try:
        search.SHARD_BYTES = 30  # force splitting
        shards = search.shard(postings)
        assert len(shards) > 1
        assert sorted(t for s in shards.values() for t in s) == sorted(postings)
        for word in ("a", "ab", "abx", "b", "bcyy"):
            keys = [k for k in shards if word.startswith(k) or k.startswith(word)]
            got = {t for k in keys for t in shards[k] if t.startswith(word)}
            assert got == {t for t in postings if t.startswith(word)}, word
    finally:
        search.SHARD_BYTES = search_bytes


def test_example_index_finds_by_prefix_accent_alias_and_claim():
    files = example_index()
    meta = json.loads(files["search/meta.json"])
    kinds = [k for k, _ in meta["kinds"]]
    assert kinds[0] == "briefs" and kinds[-1] == "claims" and "people" in kinds
    assert meta["statuses"]["disputed"] == "Disputed"

    names = {doc(files, n)[1]: w for n, w in find(files, "madur").items()}
    assert names["Nicolás Maduro"] == 4  # a name matches strongly
    ford = {doc(files, n)[1] for n in find(files, "ford")}
    assert "USS Gerald R. Ford" in ford
    claims = [doc(files, n) for n in find(files, "soles") if doc(files, n)[0] == kinds.index("claims")]
    assert claims and all(c[2].startswith("briefs/") and "#claim-" in c[2] for c in claims)
    assert {c[3] for c in claims} <= set(meta["statuses"])
    # ids are grouped by kind: meta.ends gives each kind's upper bound
    for n in find(files, "maduro"):
        kind = next(i for i, end in enumerate(meta["ends"]) if n < end)
        assert doc(files, n)[0] == kind


def test_index_is_deterministic_and_compact():
    first, second = example_index(), example_index()
    assert first == second
    assert all(b"\n" not in data and b": " not in data for data in first.values())
    assert list(first) == sorted(first)


def _search_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "search").rglob("*")) if p.is_file()}


@pytest.mark.parametrize("jobs", [1, 2])
def test_edit_rebuild_gives_a_cold_builds_index_and_refolds_only_what_changed(tmp_path, jobs, monkeypatch):
    """The memo of each document's terms (kept across the builds of one process, and sent back by
    the worker that builds the index) changes nothing in the files, even when texts change."""
    spec = dict(BASIC)
    for i in range(120):  # enough pages for a worker to be forked with jobs=2
        spec[f"content/briefs/2025-10-{1 + i % 28:02d}-b{i}.md"] = (
            f"---\ntitle: Brief {i}\ndate: 2025-10-{1 + i % 28:02d}\nsummary: Number {i}.\ntags: [t{i % 7}]\n"
            f"people: [donald-trump]\nclaims:\n  - text: Claim number {i}.\n    status: reported\n"
            f"    note: A note {i}.\n---\nDonald Trump spoke, {i}.\n")
    site = make_site(tmp_path / "src", spec)
    out = tmp_path / "out"

    def run(folder: Path) -> None:
        build(BuildOptions(site, out_dir=folder, jobs=jobs, progress=False))

    run(out)
    edited = site / "content/briefs/2025-10-05-b4.md"
    edited.write_text(edited.read_text().replace("spoke, 4.", "spoke of Zanzibar, 4.")
                      .replace("A note 4.", "A note on Quixotic things."))
    folded = _count_folds(monkeypatch)
    run(out)
    if jobs == 1:  # in this process: only the edited brief and its claim were folded again
        assert len(folded) == 2
    search._TERMS.clear()  # a cold build: nothing remembered, a fresh folder
    run(tmp_path / "cold")
    edit, cold = _search_files(out), _search_files(tmp_path / "cold")
    assert edit == cold
    assert find(cold, "zanzibar") and find(cold, "quixotic")


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_index_kept_by_a_session_is_updated_to_exactly_a_cold_builds_index(tmp_path, jobs, monkeypatch):
    """serve keeps the index it built (BuildOptions.session); a body edit updates it in place:
    words appear and disappear, a shard splits or merges, and it stays the index a cold build makes."""
    spec = dict(BASIC)
    for i in range(120):
        spec[f"content/briefs/2025-10-{1 + i % 28:02d}-b{i}.md"] = (
            f"---\ntitle: Brief {i}\ndate: 2025-10-{1 + i % 28:02d}\nsummary: Number {i}.\n"
            f"people: [donald-trump]\n---\nDonald Trump spoke, {i}.\n")
    site = make_site(tmp_path / "src", spec)
    out = tmp_path / "out"
    monkeypatch.setattr(search, "SHARD_BYTES", 2000)  # small shards, so that edits split and merge them
    build(BuildOptions(site, out_dir=out, jobs=jobs, progress=False, session=True))
    assert search._BUILT is not None and search._BUILT.site is not None
    edited = site / "content/briefs/2025-10-05-b4.md"
    bodies = ["Zanzibar and quixotic xylophones " * 3, "Only zebras.", "Many words: " + " ".join(
        f"w{n}ord{n}" for n in range(400)), "Donald Trump spoke, 4.\n"]
    full_builds, real = [], search.index_files
    shard_counts = set()
    for body in bodies:
        text = edited.read_text()
        edited.write_text(text[: text.index("---\n", 4) + 4] + body + "\n")
        search.index_files = lambda *a, **k: full_builds.append(1) or real(*a, **k)
        try:
            result = build(BuildOptions(site, out_dir=out, jobs=jobs, progress=False, session=True))
        finally:
            search.index_files = real
        assert not full_builds, "the kept index was built anew instead of updated"
        shard_counts.add(len(json.loads((out / "search/meta.json").read_bytes())["shards"]))
        assert all(p.startswith("search/") or p == "briefs/b4/index.html" for p in result.changed)
        kept = search._BUILT
        cold = tmp_path / f"cold{bodies.index(body)}"
        search._BUILT = None
        search._TERMS.clear()
        build(BuildOptions(site, out_dir=cold, jobs=1, progress=False))
        assert _search_files(out) == _search_files(cold), body[:20]
        search._BUILT = kept
    assert find(_search_files(out), "spoke") and not find(_search_files(out), "zebras")
    assert len(shard_counts) > 1  # the edits split shards and merged them back
    search._BUILT = None


def _count_folds(monkeypatch) -> list:
    """Records each document this process folds into terms afresh (not taken from the memo)."""
    folded: list = []
    real = search.document_terms
    monkeypatch.setattr(search, "document_terms", lambda *args: folded.append(args) or real(*args))
    return folded


def test_a_new_process_folds_only_what_changed_thanks_to_the_cached_memo(tmp_path, monkeypatch):
    """The memo of each document's terms is kept in the build cache (terms.pickle), so a new
    ``briefgen build`` after a body edit folds the edited brief alone; a damaged or planted memo
    file is no memo, and the index is the same either way."""
    from briefgen import cache as cache_module
    from briefgen import session
    from briefgen.cache import cache_folder

    spec = dict(BASIC)
    for i in range(30):
        spec[f"content/briefs/2025-10-{1 + i % 28:02d}-b{i}.md"] = (
            f"---\ntitle: Brief {i}\ndate: 2025-10-{1 + i % 28:02d}\nsummary: Number {i}.\n---\nText {i}.\n")
    site = make_site(tmp_path / "src", spec)
    out = tmp_path / "out"

    def new_process_build() -> None:
        session._KEPT.clear()
        cache_module.forget(out)
        search._TERMS.clear()
        build(BuildOptions(site, out_dir=out, jobs=1, progress=False))

    new_process_build()
    memo = cache_folder(site, out) / "terms.pickle"
    assert memo.is_file()
    edited = site / "content/briefs/2025-10-05-b4.md"
    # A summary edit: the index is built (a body edit alone would be patched in: tests/test_patch.py).
    edited.write_text(edited.read_text().replace("Number 4.", "Number 4 about Zanzibar."))
    folded = _count_folds(monkeypatch)
    new_process_build()
    assert len(folded) == 1  # the edited brief; every other document came from the memo
    assert find(_search_files(out), "zanzibar")
    fmt, key, _ = pickle.loads(memo.read_bytes())
    for planted in (b"not a pickle", pickle.dumps((fmt, b"another key", {b"k": ("a", "b")})),
                    pickle.dumps((fmt, key, {b"k": ("a", 5)})), pickle.dumps((fmt, key, ["not", "a", "dict"]))):
        memo.write_bytes(planted)
        edited.write_text(edited.read_text().replace("Zanzibar", "Zanzibar!"))
        new_process_build()
        cold = tmp_path / "cold"
        search._TERMS.clear()
        build(BuildOptions(site, out_dir=cold, jobs=1, progress=False))
        assert _search_files(out) == _search_files(cold)
    search._TERMS.clear()
