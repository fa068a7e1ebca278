"""The search index: built from the resolved site, searched in the browser by
``assets/search.js`` (no server, no dependencies). Pure: returns files, writes nothing.

Every brief, entity and claim is a *document*. Its text is reduced to distinct
folded terms (case- and accent-insensitive: ``Nicolás`` → ``nicolas``), each
either *strong* (title, name, alias, claim text, tag) or *other* (summary, body,
facts, claimant, note). The browser matches each query word as a prefix of
terms, so only the shards whose key is a prefix of the word (or that the word
is a prefix of) are fetched. Layout, all under ``search/`` (docs/search.md):

``meta.json``     ``{"v", "kinds", "ends", "statuses", "shards", "chunk", "min", "max", "words"}``:
                  fetched when the reader first focuses the search box (``words``: the results'
                  words in the site's language, :data:`WORDS`)
``t/<key>.json``  ``{term: [strong ids, other ids]}`` for every term starting with
                  ``key``; ids ascending and delta-encoded (first id, then gaps)
``d/<n>.json``    documents ``n*chunk`` … ``(n+1)*chunk - 1``, each
                  ``[kind, title, url, extra…]`` (see :func:`build_index`)

Document ids follow the site's own order (briefs newest first, entities by
kind and then most mentioned, claims with their brief), so ties rank the newest
first and the first results of a common word share a few document chunks.
A small site has one shard (key ``""``, file ``_.json``); a shard grows a
character longer (``m`` → ``ma``, ``me``…; ``ma`` → ``mad``…) while it is larger
than :data:`SHARD_BYTES`. Output is deterministic (sorted keys)."""

from __future__ import annotations

import bisect
import hashlib
import html
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from json.encoder import encode_basestring as encode_string
from operator import sub
from typing import TYPE_CHECKING, Any

from .cache import digest
from .letters import UNSPACED_CLASS, search_fold

if TYPE_CHECKING:  # not imported at run time: patching the index (briefgen.patch) needs neither
    from .resolve import Site
    from .views import Views

INDEX_DIR = "search/"
SHARD_BYTES = 24_000  # split a shard by one more character above this (raw JSON bytes)
MAX_KEY = 6  # never split a shard deeper than this many characters
CHUNK = 40  # documents per d/<n>.json
MIN_TERM = 2  # shorter terms are not indexed (the browser asks for two characters)
MAX_TERM = 40  # longer "words" (hashes, URLs) are cut to this
# The strings (briefgen.i18n) that search.js shows with results, given it in meta.json; those it shows before
# meta.json is loaded are attributes of the theme's search link and form (docs/themes.md)
WORDS = ("search_nothing", "search_nothing_for", "search_count", "search_count_for", "search_all", "search_page",
         "search_show_all", "search_in_brief")
SNIPPET = 320  # characters of a summary kept for the results list (the browser shows 160 around the first match)

_WORD = re.compile(r"[^\W_]+")
# Chinese and Japanese (and Thai, Lao, Myanmar and Khmer), written without spaces between words: a run of these
# (letters.UNSPACED) is indexed as its pairs of characters (习近平主席 → 习近, 近平, 平主, 主席), and search.js splits
# a query the same way (CJK), so any word of two or more characters is found wherever it stands; and its last
# character alone, so that a query of one character finds it at the end of a run too (京 in 北京), as the pairs'
# prefixes find it elsewhere.
CJK_CHARS = UNSPACED_CLASS
_CJK_RUNS = re.compile(f"[{CJK_CHARS}]+|[^{CJK_CHARS}]+")
_CJK = re.compile(f"[{CJK_CHARS}]")
_TAG = re.compile(r"<[^>]*>")


fold = search_fold  # (briefgen.letters: the browser folds the same way)


_ONE_CHAR = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")  # the ASCII terms too short to index


def _pieces(word: str) -> list[str]:
    """A folded word's terms: itself, at least :data:`MIN_TERM` long; but where it has Chinese or Japanese
    characters, each run of them as its pairs of characters and its last character, and the rest as words."""
    if not _CJK.search(word):
        return [word] if len(word) >= MIN_TERM else []
    out = []
    for run in _CJK_RUNS.findall(word):
        if not _CJK.match(run):
            if len(run) >= MIN_TERM:
                out.append(run)
        else:
            out += [run[i:i + 2] for i in range(len(run) - 1)]
            out.append(run[-1])
    return out


def terms(*texts: str | None) -> set[str]:
    """Distinct folded words of ``texts`` (letters and digits), at least :data:`MIN_TERM` long.

    That is ``_WORD.findall`` over each text folded (:func:`fold`: marks go before words are split, so a
    mark with no precomposed letter, as in pointed Hebrew or ``İ``, never splits a word), cut to
    :data:`MAX_TERM`; but matching a regular expression word by word cost most of the index, so the text
    is split at whitespace (never inside a word) and each distinct token is handled once: an ASCII one
    that is a whole word already (``str.isalnum``) as it is, other ASCII ones searched for words, and the
    rest folded first (folding ASCII lower case changes nothing)."""
    words: set[str] = set()
    for text in texts:
        if text:
            words.update(text.lower().split())
    plain = set(filter(str.isascii, words))
    words -= plain
    ascii_words = set(filter(str.isalnum, plain))
    plain -= ascii_words
    if plain:
        ascii_words.update(_WORD.findall(" ".join(plain)))
    plain = ascii_words
    plain -= _ONE_CHAR
    if MIN_TERM != 2:  # _ONE_CHAR assumes it
        plain = {w for w in plain if len(w) >= MIN_TERM}
    if plain and max(map(len, plain)) > MAX_TERM:
        plain = {w[:MAX_TERM] for w in plain}
    for word in words:  # fold each distinct word once, not every character of a long body
        found = _FOLDED.get(word)
        if found is None:
            if len(_FOLDED) >= 100_000:
                _FOLDED.clear()
            found = _FOLDED[word] = [t[:MAX_TERM] for w in _WORD.findall(fold(word)) for t in _pieces(w)]
        plain.update(found)
    return plain


_FOLDED: dict[str, list[str]] = {}  # a word that is not ASCII -> its terms (the same words recur in every document)


def html_text(markup: str) -> str:
    """The text of rendered Markdown: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub(" ", markup))


def snippet(text: str, limit: int = SNIPPET) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    if space >= limit * 3 // 4:
        head = head[:space]
    else:  # none near the end: a script without spaces (Chinese, Japanese), or one long word
        while head and unicodedata.category(text[len(head)]).startswith("M"):  # never part a letter from its marks
            head = head[:-1]
    return head.rstrip(",;:.") + "…"


@dataclass
class Index:
    """Documents and their terms, built by :func:`build_index`."""

    kinds: list[tuple[str, str]]  # (key, plural label): briefs, each entity kind, claims
    statuses: dict[str, str]  # status key -> label
    words: dict[str, Any] = field(default_factory=dict)  # WORDS in the site's language
    docs: list[list] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # per kind: documents of kinds[k] have ids below ends[k]
    strong: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    other: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, record: list, strong: Iterable[str], other: Iterable[str], disjoint: bool = False) -> None:
        """One document; ``other`` terms that are also ``strong`` count as strong only
        (``disjoint``: the caller has left them out of ``other`` already)."""
        n = len(self.docs)
        self.docs.append(record)
        postings = self.strong
        for t in strong:
            postings[t].append(n)
        postings = self.other
        if not disjoint:
            strong = set(strong)
            other = [t for t in other if t not in strong]
        for t in other:
            postings[t].append(n)


# Each document's terms, kept across the builds of one process (``briefgen serve``) so that an
# edit folds only the documents whose texts changed: a digest of the texts -> (strong terms,
# other terms not strong), each joined by spaces (terms have none). Every build keeps only the
# entries it used. A forked worker that builds the index writes them to the build cache
# (briefgen.writer), where the next build in any process reads them.
_TERMS: dict[bytes, tuple[str, str]] = {}


def document_terms(strong: tuple, other: tuple, markup: str) -> tuple[set[str], set[str]]:
    """A document's strong terms (``terms(*strong)``) and its other terms, less those."""
    s = terms(*strong)
    return s, terms(*other, html_text(markup)) - s


def doc_terms(strong: tuple, other: tuple, markup: str, used: dict, stored: dict | None = None,
              n: int = 0) -> tuple[Iterable[str], Iterable[str]]:
    """``terms(*strong)`` and ``terms(*other, html_text(markup))`` less those, memoised (see
    :data:`_TERMS`); the digest keeps texts and groups apart with bytes UTF-8 never has.
    ``stored[n]`` receives them as the memo keeps them (two space-separated strings)."""
    key = hashlib.blake2b(b"\xff".join([b"\xfe".join([(t or "").encode("utf-8", "surrogatepass") for t in texts])
                                        for texts in (strong, other, (markup,))]), digest_size=16).digest()
    found = _TERMS.get(key)
    if found is None:
        s, o = document_terms(strong, other, markup)
        found = (" ".join(s), " ".join(o))
    else:
        s, o = found[0].split(), found[1].split()
    used[key] = found
    if stored is not None:
        stored[n] = found
    return s, o


def forget_terms() -> None:
    """Empty the memo (a forked worker, once it has written it to the build cache)."""
    _TERMS.clear()


def memo() -> dict[bytes, tuple[str, str]]:
    """This process's memo of documents' terms (for the build cache: :func:`briefgen.cache.write_terms`)."""
    return _TERMS


def preload(entries: dict[bytes, tuple[str, str]]) -> None:
    """Start a process's empty memo from the build cache (a memo it already has is newer)."""
    if not _TERMS:
        _TERMS.update(entries)


def _brief_texts(brief) -> tuple[tuple, tuple, str]:
    """A brief's strong texts, other texts and rendered body, as :func:`doc_terms` takes them."""
    return (brief.title, *brief.tags), (brief.summary,), brief.html


def _entity_texts(e) -> tuple[tuple, tuple, str]:
    return (e.name, *e.aliases, e.id.replace("-", " ")), (e.summary, *(v for _, v in e.facts)), e.html


def _word(strings, key: str) -> Any:
    """A word for meta.json: plural forms taken from another language's file (English, where the site's has
    none) say which, so that the browser picks their form by that language's rules."""
    value = strings.values[key]
    return {**value, "lang": strings.origins[key]} if key in strings.origins else value


def build_index(site: Site, views: Views, track: dict | None = None) -> Index:
    """Every brief, entity and claim of ``site`` as a search document. Records:

    brief   ``[kind, title, url, date as displayed, summary snippet]``
    entity  ``[kind, name, url, summary snippet]``
    claim   ``[kind, text, url of its anchor, status key, title of its brief]``"""
    config = site.config
    say = views.strings.text
    kinds = [("briefs", say("briefs")), *((k, c.label) for k, c in config.entity_kinds.items()),
             ("claims", say("claims"))]
    number = {key: i for i, (key, _) in enumerate(kinds)}
    index = Index(kinds, {k: s.label for k, s in config.claim_statuses.items()},
                  {key: _word(views.strings, key) for key in WORDS})

    used: dict[bytes, tuple] = {}
    owners, stored = (track["owners"], track["terms"]) if track is not None else ({}, {})
    for brief in site.briefs:
        s = views.summary(brief)
        owners[id(brief)] = len(index.docs)
        index.add([number["briefs"], s.title, s.url, s.date.display, snippet(s.summary)],
                  *doc_terms(*_brief_texts(brief), used, stored, len(index.docs)), disjoint=True)

    index.ends.append(len(index.docs))
    for kind in config.entity_kinds:
        entities = sorted(site.kind_entities(kind), key=lambda e: (-len(site.mentioned_in.get(e.key, [])), e.id))
        for e in entities:
            link = views.link(e.key)
            owners[id(e)] = len(index.docs)
            index.add([number[kind], e.name, link.url, snippet(e.summary)],
                      *doc_terms(*_entity_texts(e), used, stored, len(index.docs)), disjoint=True)
        index.ends.append(len(index.docs))

    claims_kind = number["claims"]
    for brief in site.briefs:
        for claim in brief.claims:
            c = views.claim(claim)
            about = [a.name for a in c.about] + c.about_text
            by = c.by_entity.name if c.by_entity else c.by
            index.add([claims_kind, c.text, c.url, c.status, c.brief_title],
                      *doc_terms((c.text,), (by, *about), c.note_html, used), disjoint=True)
    index.ends.append(len(index.docs))
    _TERMS.clear()
    _TERMS.update(used)
    return index


def _deltas(ids: list[int]) -> list[int]:
    return [ids[0], *map(sub, ids[1:], ids)] if ids else []


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # json.dumps makes one a call


def _dump(data) -> bytes:
    return _ENCODER.encode(data).encode("utf-8")


def _postings_json(postings: list[list[int]]) -> str:
    """``_dump(postings)``, decoded: lists of ints written directly (``str`` of an int is its JSON)."""
    return "[" + ",".join(["[" + ",".join(map(str, ids)) + "]" for ids in postings]) + "]"


def _shard_json(members: Iterable[str], written: dict[str, str]) -> bytes:
    """``_dump`` of a shard, ``{term: postings}`` for ``members``, from each term's postings as
    :func:`_postings_json` wrote them (``written``): the index serialises each term once."""
    return ("{" + ",".join([encode_string(t) + ":" + written[t] for t in sorted(members)]) + "}").encode("utf-8")


def _postings(index: Index) -> dict[str, list[list[int]]]:
    out = {}
    for t in sorted(set(index.strong) | set(index.other)):
        strong, other = _deltas(index.strong.get(t, [])), _deltas(index.other.get(t, []))
        out[t] = [strong, other] if other else [strong]
    return out


def _size(term: str, postings: list[list[int]]) -> int:
    return _size_of(term, _postings_json(postings))


def _size_of(term: str, written: str) -> int:
    """A term's share of its shard's bytes, from its postings as :func:`_postings_json` wrote them."""
    return len(written) + len(term.encode()) + 4


def shard(postings: dict[str, list[list[int]]], sizes: dict[str, int] | None = None) \
        -> dict[str, dict[str, list[list[int]]]]:
    """Group terms into shards keyed by a prefix, longer where a shard would be too big
    (:func:`layout`). ``sizes``: each term's :func:`_size`, when already known."""
    if sizes is None:
        sizes = {t: _size(t, p) for t, p in postings.items()}
    return _grouped(postings, layout(sizes))


def _grouped(postings: dict[str, list[list[int]]], groups: dict[str, list[str]]) -> dict[str, dict]:
    return {key: {t: postings[t] for t in members} for key, members in groups.items()}


def layout(sizes: dict[str, int]) -> dict[str, list[str]]:
    """The terms of each shard, by key, from each term's :func:`_size` alone.

    Every term lands in the shard whose key is a prefix of it (a term shorter than
    its group's key gets a shard of its own name), so the shards a query word
    needs are those whose key is a prefix of the word or starts with it: the
    longest key that is a prefix of a term is its shard's."""
    out: dict[str, list[str]] = {}

    def split(group: Iterable[str], depth: int) -> None:
        by_key: dict[str, list[str]] = defaultdict(list)
        for t in group:
            by_key[t[:depth]].append(t)
        for key, members in by_key.items():
            if depth < MAX_KEY and len(members) > 1 and sum(sizes[t] for t in members) > SHARD_BYTES:
                if depth and _CJK.match(key):  # pairs of characters: one more makes a shard per term
                    split_pairs(key, members, depth)
                    continue
                short = [t for t in members if len(t) <= depth]
                if short:
                    out.setdefault(key, []).extend(short)
                split([t for t in members if len(t) > depth], depth + 1)
            else:
                out.setdefault(key, []).extend(members)

    def split_pairs(key: str, members: list[str], depth: int) -> None:
        """A Chinese or Japanese character's pairs: one shard each for those in so many documents that they
        fill a good part of one, and the rest in the character's own (a shard per pair would make tens of
        thousands of tiny files, each listed in meta.json). Every term is still in the shard of the longest
        key that is a prefix of it."""
        by_pair: dict[str, list[str]] = defaultdict(list)
        for t in members:
            by_pair[t[:depth + 1]].append(t)
        for pair, terms in by_pair.items():
            big = len(pair) > depth and sum(sizes[t] for t in terms) > SHARD_BYTES // 4
            out.setdefault(pair if big else key, []).extend(terms)

    split(sizes, 0)
    return out


def shard_file(key: str) -> str:
    """File name of a shard: the key itself when it is plain ASCII, else ``_`` and its UTF-8 in hex."""
    return key if re.fullmatch(r"[a-z0-9]+", key) else "_" + key.encode("utf-8").hex()


def is_index_file(path: str) -> bool:
    """Whether an output path is one of the search index's files (not the search page)."""
    return path.startswith(INDEX_DIR) and path != f"{INDEX_DIR}index.html"


@dataclass
class Built:
    """An index as this process last built it with ``keep`` (a long-lived process: ``briefgen
    serve``), so that an edit of Markdown bodies updates it (:func:`update_files`) instead of
    building it again: each document's terms, the postings and sizes of each term, the shards and
    their files."""

    site: Site
    index: Index
    owners: dict[int, int]  # id of a brief or entity of ``site`` -> its document number
    terms: dict[int, tuple[str, str]]  # document number -> its terms, as doc_terms stores them
    postings: dict[str, list[list[int]]]
    sizes: dict[str, int]
    shards: dict[str, dict[str, list[list[int]]]]
    files: dict[str, bytes]  # shard and document files by path


_BUILT: Built | None = None
_SIZES: dict[str, int] = {}  # of the index this process last made: what patch_files starts from


def term_sizes() -> dict[str, int]:
    """Every term's :func:`_size` in the index this process last made (:func:`index_files`)."""
    return _SIZES


def index_files(site: Site, views: Views, keep: bool = False) -> list[tuple[str, bytes]]:
    """The search index as (relative path, bytes), sorted by path. ``keep``: remember it for
    :func:`update_files` (and forget any index kept before)."""
    global _BUILT, _SIZES
    _BUILT = None
    track: dict = {"owners": {}, "terms": {}}
    index = build_index(site, views, track if keep else None)
    postings = _postings(index)
    written = {t: _postings_json(p) for t, p in postings.items()}
    sizes = {t: _size_of(t, w) for t, w in written.items()}
    groups = layout(sizes)
    _SIZES = sizes
    files = {f"{INDEX_DIR}t/{shard_file(key)}.json": _shard_json(members, written) for key, members in groups.items()}
    shards = _grouped(postings, groups)
    files.update((f"{INDEX_DIR}d/{n // CHUNK}.json", _dump(index.docs[n:n + CHUNK]))
                 for n in range(0, len(index.docs), CHUNK))
    if keep:
        _BUILT = Built(site, index, track["owners"], track["terms"], postings, sizes, shards, files)
    return _with_meta(index, shards, files)


def update_files(site: Site, views: Views, owners: Iterable, keep: bool = True) -> list[tuple[str, bytes]]:
    """:func:`index_files` after the Markdown bodies of ``owners`` (briefs and entities of
    ``site``) changed, from the index kept for ``site``: only the changed documents are folded
    again and only the shards whose terms changed are serialised again. The same files as
    building it anew (tests/test_search.py); built anew (and kept if ``keep``) when nothing is
    kept for ``site``."""
    built = _BUILT
    if built is None or built.site is not site or any(id(o) not in built.owners for o in owners):
        return index_files(site, views, keep=keep)
    index, changed = built.index, set()
    used: dict[bytes, tuple] = {}
    for owner in owners:
        n = built.owners[id(owner)]
        texts = _brief_texts(owner) if n < index.ends[0] else _entity_texts(owner)
        found: dict[int, tuple[str, str]] = {}
        doc_terms(*texts, used, found, n)
        old, new = built.terms[n], found[n]
        built.terms[n] = new
        for postings, before, after in ((index.strong, old[0], new[0]), (index.other, old[1], new[1])):
            if before == after:
                continue
            before, after = set(before.split()), set(after.split())
            for t in before - after:
                postings[t].remove(n)
                if not postings[t]:
                    del postings[t]
                changed.add(t)
            for t in after - before:
                bisect.insort(postings[t], n)
                changed.add(t)
    _TERMS.update(used)
    for t in changed:
        strong, other = index.strong.get(t, []), index.other.get(t, [])
        if strong or other:
            built.postings[t] = [_deltas(strong), _deltas(other)] if other else [_deltas(strong)]
            built.sizes[t] = _size(t, built.postings[t])
        else:
            built.postings.pop(t, None)
            built.sizes.pop(t, None)
    shards = shard(built.postings, built.sizes)
    files = {path: data for path, data in built.files.items() if not path.startswith(f"{INDEX_DIR}t/")}
    for key, group in shards.items():
        path = f"{INDEX_DIR}t/{shard_file(key)}.json"
        before = built.shards.get(key)
        if before is not None and before.keys() == group.keys() and not any(t in group for t in changed):
            files[path] = built.files[path]
        else:
            files[path] = _dump(group)
    built.shards, built.files = shards, files
    return _with_meta(index, shards, files)


def _with_meta(index: Index, shards: dict, files: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """The files with ``meta.json``, sorted by path (see :func:`_meta`)."""
    ordered = _ordered(sorted(shards), len(index.docs))
    meta = _meta(index.kinds, index.statuses, index.ends, sorted(shards),
                 ((path, digest(files[path])) for path in ordered), index.words)
    return sorted([*((path, files[path]) for path in ordered), (f"{INDEX_DIR}meta.json", meta)])


def _ordered(keys: list[str], documents: int) -> list[str]:
    """The shard files (``keys`` sorted), then the document files."""
    return [*(f"{INDEX_DIR}t/{shard_file(key)}.json" for key in keys),
            *(f"{INDEX_DIR}d/{n // CHUNK}.json" for n in range(0, documents, CHUNK))]


def _meta(kinds: list, statuses: dict, ends: list[int], keys: list[str], digests: Iterable[tuple[str, bytes]],
          words: dict) -> bytes:
    """``meta.json``. Its version ``v`` is a digest of every other file's path and digest, in order."""
    version = hashlib.sha256()
    for path, file_digest in digests:
        version.update(path.encode() + b"\0" + file_digest + b"\0")
    return _dump({"v": version.hexdigest()[:12], "kinds": [list(k) for k in kinds], "statuses": statuses,
                  "shards": keys, "chunk": CHUNK, "ends": ends, "min": MIN_TERM,
                  "max": MAX_TERM, "words": words})


def patch_files(sizes: dict[str, int], n: int, before: set[str], after: set[str], read: Callable[[str], bytes],
                digests: dict[str, bytes]) -> tuple[dict[str, bytes], list[str], list[str]]:
    """The index after document ``n``'s *other* terms (:func:`document_terms`) went from ``before``
    to ``after`` — a brief's body changed, and nothing else — patched from the files
    the last build wrote rather than built from the site: ``read`` gives one of those files by path,
    ``digests`` every one's :func:`briefgen.cache.digest`, and ``sizes`` every term's :func:`_size`
    (updated in place). Only the shards that hold a changed term, or whose terms the new sizes regroup,
    are made again; the files are those a full build makes (tests/test_patch.py).

    Returns the files that changed (``meta.json`` among them, unless no term changed), every index
    file's path in order, and the paths of shards that are no longer there."""
    old_layout = layout(sizes)
    shard_of = {t: key for key, members in old_layout.items() for t in members}
    changed = before ^ after
    added = after - before
    meta_path = f"{INDEX_DIR}meta.json"
    meta = json.loads(read(meta_path))
    if not changed:
        return {}, sorted([*_ordered(meta["shards"], meta["ends"][-1]), meta_path]), []
    loaded: dict[str, dict] = {}

    def shard_data(key: str) -> dict:
        data = loaded.get(key)
        if data is None:
            data = loaded[key] = json.loads(read(f"{INDEX_DIR}t/{shard_file(key)}.json"))
        return data

    now: dict[str, list[list[int]]] = {}
    for t in sorted(changed):
        postings = shard_data(shard_of[t]).get(t, [[]]) if t in shard_of else [[]]
        strong = list(accumulate(postings[0]))
        other = list(accumulate(postings[1])) if len(postings) > 1 else []
        if t in added:
            bisect.insort(other, n)
        else:
            other.remove(n)
        if strong or other:
            now[t] = [_deltas(strong), _deltas(other)] if other else [_deltas(strong)]
            sizes[t] = _size(t, now[t])
        else:
            sizes.pop(t, None)
    new_layout = layout(sizes)
    files: dict[str, bytes] = {}
    for key, members in new_layout.items():
        if set(members).isdisjoint(changed) and set(old_layout.get(key, ())) == set(members):
            continue  # the same terms with the same postings: the same file
        files[f"{INDEX_DIR}t/{shard_file(key)}.json"] = _dump(
            {t: now[t] if t in now else shard_data(shard_of[t])[t] for t in members})
    removed = [f"{INDEX_DIR}t/{shard_file(key)}.json" for key in old_layout if key not in new_layout]
    ordered = _ordered(sorted(new_layout), meta["ends"][-1])
    files[meta_path] = _meta(meta["kinds"], meta["statuses"], meta["ends"], sorted(new_layout),
                             ((p, digest(files[p]) if p in files else digests[p]) for p in ordered), meta["words"])
    return files, sorted([*ordered, meta_path]), removed
