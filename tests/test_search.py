"""The search index (briefgen/search.py): folding, terms, shards, documents, determinism."""

from __future__ import annotations

import json
from itertools import accumulate

from briefgen import search
from briefgen.build import load_site
from briefgen.diagnostics import Diagnostics
from briefgen.views import Views

from .conftest import REPO


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
