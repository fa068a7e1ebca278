"""Names and text in other scripts and letters: folding for search and references, URL names, tags."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from briefgen import letters, schema, search

from .conftest import REPO, make_site, parse_html, run_cli

SEARCH_JS = (REPO / "themes/default/static/assets/search.js").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, expected", [
    ("İstanbul DİYARBAKIR", {"istanbul", "diyarbakir"}),  # 'İ'.lower() is i + a combining dot
    ("שָׁלוֹם עַל יִשְׂרָאֵל", {"שלום", "על", "ישראל"}),  # pointed Hebrew: marks with no precomposed letter
    ("مُحَمَّد", {"محمد"}),
    ("ударе́ние", {"ударение"}),
    ("Straße Işıklı Łódź Đà Nẵng Øresund Æsir Þingvellir", {"strasse", "isikli", "lodz", "da", "nang", "oresund",
                                                             "aesir", "thingvellir"}),
    ("ΟΔΥΣΣΕΥΣ Οδυσσεύς", {"οδυσσευσ"}),  # the final sigma is σ wherever it stands
    ("Nicolás Maduro’s ﬁnal", {"nicolas", "maduro", "final"}),
])
def test_search_terms_fold_marks_and_odd_letters_before_splitting_words(text, expected):
    assert search.terms(text) == expected


@pytest.mark.parametrize("name, slug", [
    ("Đặng Thị Ngọc Thịnh", "dang-thi-ngoc-thinh"), ("Işıklı", "isikli"),
    ("Straße des 17. Juni", "strasse-des-17-juni"),
    ("Łódź", "lodz"), ("Øresund", "oresund"), ("Æsir", "aesir"), ("Þingvellir", "thingvellir"), ("İzmir", "izmir"),
    ("Nicolás Maduro", "nicolas-maduro"),
])
def test_url_names_spell_out_letters_that_have_no_accent_to_drop(name, slug):
    assert schema.slugify(name) == slug


def test_references_fold_the_same_letters():
    assert schema.fold("ŁÓDŹ") == schema.fold("lodz") == "lodz"
    assert schema.fold("ışıklı") == schema.fold("ISIKLI") == "isikli"
    assert schema.fold("Gruß") == schema.fold("GRUSS")
    assert schema.fold("ΑΘΗΝΑΣ") == schema.fold("Αθήνας")
    assert schema.fold("  Nicolás   MADURO ") == "nicolas maduro"


def test_the_browser_knows_the_same_scripts_without_spaces():
    js = re.search(r'var CJK_CHARS = ((?:"[^"]*"\s*\+?\s*)+);', SEARCH_JS).group(1)
    text = "".join(re.findall(r'"([^"]*)"', js))
    ranges = [(int(a, 16), int(b or a, 16)) for a, b in
              re.findall(r"\\u\{?([0-9a-f]+)\}?(?:-\\u\{?([0-9a-f]+)\}?)?", text)]
    assert ranges == list(letters.UNSPACED)


def test_the_browser_knows_the_same_letters():
    table = json.loads(re.search(r"var LETTERS = (\{.*?\});", SEARCH_JS, re.S).group(1))
    assert table == letters.SEARCH_LETTERS
    odd = re.search(r"var ODD = /\[(.*?)\]/g;", SEARCH_JS).group(1)
    assert sorted(odd) == sorted(letters.SEARCH_LETTERS)


SAMPLES = ["がき", "ｶﾞｽ", "パン", "האו״ם", "٢٠٢٥", "مـحـمـد", "۱۴۰۴", "İstanbul", "DİYARBAKIR", "שָׁלוֹם", "ударе́ние",
           "Straße", "ŁÓDŹ", "ΟΔΥΣ", "Σ", "Đặng", "Ｔｏｋｙｏ", "Nicolás MADURO", "ﬁnal", "ÆSIR", "Işıklı", "Ǆ", "ﬀ",
           "على", "علی", "مدرسة", "کتاب", "إسرائيل"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run search.js's fold")
def test_the_browser_folds_exactly_as_the_index_does():
    start = SEARCH_JS.index("  var MARKS = ")
    end = SEARCH_JS.index("\n", SEARCH_JS.index("  var ODD = "))
    fold = SEARCH_JS.index("  function fold(text) {")
    fold_end = SEARCH_JS.index("\n  }\n", fold) + 4
    script = (SEARCH_JS[start:end] + "\n" + SEARCH_JS[fold:fold_end]
              + f"\nprocess.stdout.write(JSON.stringify({json.dumps(SAMPLES)}.map(fold)));")
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [search.fold(s) for s in SAMPLES]


# --- A site written in other scripts, built with the real CLI ---

INTL = {
    "briefgen.yaml": "title: Intl\nbase_url: https://example.org/\n",
    "content/people/putin.yaml": "name: Владимир Путин\naliases: [Путин]\n",
    "content/people/xi.yaml": "name: 习近平\n",
    "content/people/trong.yaml": "name: Nguyễn Phú Trọng\n",
    "content/briefs/2025-01-15-summit.md": (
        "---\ntitle: Summit\ndate: 2025-01-15\nsummary: Leaders met.\n"
        "tags: [Türkiye, turkiye, TÜRKİYE, Россия 2025]\n"
        "people: [putin, xi, Nguye\u0302\u0303n Phu\u0301 Tro\u0323ng, Путинн, Москва 121, Варяг 121]\n"
        "claims:\n  - text: Встреча прошла в Москве.\n    status: reported\n---\n"
        "习近平主席在北京会见了普京。Nguye\u0302\u0303n Phu\u0301 Tro\u0323ng spoke. Путин ответил.\n"),
}


def build_intl(tmp_path, files=None):
    site = make_site(tmp_path / "s", {**INTL, **(files or {})})
    code, out, err = run_cli("build", site, "--out", tmp_path / "out")
    assert "Traceback" not in out + err
    return code, err, tmp_path / "out"


def test_first_mentions_link_in_scripts_without_spaces_and_in_decomposed_text(tmp_path):
    code, err, out = build_intl(tmp_path)
    assert code == 0, err
    body = parse_html(out / "briefs/summit/index.html").find_all("a", cls="mention")
    assert [a.text() for a in body] == ["习近平", "Nguyễn Phú Trọng", "Путин"]  # the body is read as NFC text


def test_spellings_of_one_tag_are_one_tag_and_a_tag_that_loses_its_letters_is_warned_about(tmp_path):
    _, err, out = build_intl(tmp_path)
    assert "content/briefs/2025-01-15-summit.md:5:35: warning: tag 'Россия 2025' would have the URL name '2025', " \
           "without 'Россия'" in err
    page = parse_html(out / "briefs/summit/index.html")
    assert [a.attrs["href"] for a in page.find_all("a")].count("../../tags/turkiye/") == 1
    listed = parse_html(out / "tags/turkiye/index.html").find_all("a", href="../../briefs/summit/")
    assert len(listed) == 1


def test_unknown_names_in_other_scripts_get_stub_pages_of_their_own_and_close_names_are_suggested(tmp_path):
    _, err, out = build_intl(tmp_path)
    assert "warning: unknown person 'Путинн' (did you mean 'Путин'?)" in err
    stubs = {p.parent.name for p in (out / "people").glob("*/index.html")} - {"putin", "xi", "trong"}
    assert len(stubs) == 3 and len({s.rsplit("-", 1)[-1] for s in stubs}) == 3, stubs
    assert {s for s in stubs if s.startswith("121-")} and sum(s.startswith("121-") for s in stubs) == 2
    chips = [a.text() for a in parse_html(out / "briefs/summit/index.html").find_all("a", cls="chip")]
    assert {"Путинн", "Москва 121", "Варяг 121"} <= set(chips)


def test_a_claim_in_another_script_keeps_its_anchor_when_a_claim_comes_before_it(tmp_path):
    _, _, out = build_intl(tmp_path)
    anchors = [n.attrs["id"] for n in parse_html(out / "briefs/summit/index.html").find_all("li", cls="claim")]
    text = INTL["content/briefs/2025-01-15-summit.md"].replace(
        "claims:\n", "claims:\n  - text: Переговоры продолжатся.\n    status: claimed\n")
    _, _, out2 = build_intl(tmp_path / "2", {"content/briefs/2025-01-15-summit.md": text})
    again = [n.attrs["id"] for n in parse_html(out2 / "briefs/summit/index.html").find_all("li", cls="claim")]
    assert len(anchors) == 1 and anchors[0] == again[1] != again[0] and anchors[0] != "claim-claim", (anchors, again)


def test_a_snippet_of_text_without_spaces_is_cut_at_its_length():
    text = "速報 " + "国際連合安全保障理事会は本日ニューヨークの本部で緊急会合を開いた。" * 10
    cut = search.snippet(text)
    assert cut.endswith("…") and search.SNIPPET - 5 <= len(cut) <= search.SNIPPET + 1
    assert len(search.snippet("שָׁ" * 200)[:-1]) % 3 == 0  # never parts a letter (of 3 code points) from its marks


def test_chinese_and_japanese_are_indexed_by_pairs_of_characters():
    assert search.terms("习近平主席在北京") == {"习近", "近平", "平主", "主席", "席在", "在北", "北京", "京"}
    assert search.terms("東京2025年 王") == {"東京", "京", "2025", "年", "王"}  # a run's last character alone too
    assert search.terms("佐々木さん") >= {"佐々", "々木"}  # the iteration mark is part of the name
    assert search.terms("がき かき") == {"がき", "かき", "き"}  # voiced kana stay voiced
    assert search.terms("การประชุม") >= {"ปร", "ชม"}  # Thai too (its vowel marks folded away, as in the browser)


def test_hebrew_abbreviations_arabic_digits_and_tatweel_are_typed_plainly():
    assert search.terms("האו״ם ٢٠٢٥ مـحـمـد ۱۴۰۴") == {"האום", "2025", "محمد", "1404"}


QUERIES = ["การประชุม", "ประชุม", "习近平", "北京", "王", "東京2025年", "İstanbul ΟΔΥΣ", "安全保障 Straße", "a 日",
           "Nicolás MADURO"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run search.js")
def test_the_browser_asks_for_the_terms_the_index_holds():
    head = SEARCH_JS[SEARCH_JS.index("  var WORD = "):SEARCH_JS.index("  // --- the index")]
    matching = SEARCH_JS[SEARCH_JS.index("  function fold(text) {"):SEARCH_JS.index("  function decode(")]
    script = (f"var meta = {{min: {search.MIN_TERM}}};\n{head}\n{matching}\n"
              f"process.stdout.write(JSON.stringify({json.dumps(QUERIES)}.map(queryWords)));")
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout
    for query, words in zip(QUERIES, json.loads(out), strict=True):
        assert set(words) <= search.terms(query), query  # every word of a query is a term of a text that has it
        pairs_and_words = {t for t in search.terms(query) if not (len(t) == 1 and search._CJK.match(t))}
        assert pairs_and_words <= set(words), query  # (a run's last character alone is for one-character queries)


def run_search_js(expressions: list[str]) -> list:
    """Evaluate ``expressions`` with search.js's matching and rendering helpers (no page: nothing is drawn)."""
    head = SEARCH_JS[SEARCH_JS.index("  var WORD = "):SEARCH_JS.index("  // --- the index")]
    matching = SEARCH_JS[SEARCH_JS.index("  function fold(text) {"):SEARCH_JS.index("  function decode(")]
    helpers = SEARCH_JS[SEARCH_JS.index("  // Whether a word starts"):SEARCH_JS.index("  function hitItem(")]
    script = (f"var meta = {{min: {search.MIN_TERM}, max: {search.MAX_TERM}}};\n{head}\n{matching}\n{helpers}\n"
              f"process.stdout.write(JSON.stringify([{', '.join(expressions)}]));")
    return json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout)


def lone_surrogates(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run search.js")
def test_the_browser_cuts_snippets_between_whole_letters_and_finds_words_beside_chinese():
    astral_end, astral_start, thai, tokyo, words, short, long_word = run_search_js([
        'excerpt("a" + "\\u{20bb7}".repeat(200), ["a"])',
        'excerpt("x".repeat(5) + "\\u{20bb7}".repeat(100) + "の北京" + "\\u{20bb7}".repeat(60), ["北京"])',
        'excerpt("ก" + "กิ".repeat(100), ["ก"])',
        'matches("東京2025年の五輪", ["2025"]).marked.some(Boolean)',
        'queryWords("\\u{1e900} test " + "w".repeat(45))',
        '["김", "a", "王", "ab"].map(tooShort)',
        'excerpt("start " + "w".repeat(150) + " before the word target and more words after it", ["target"])',
    ])
    assert astral_end.endswith("…") and not lone_surrogates(astral_end)
    assert astral_start.startswith("…") and "北京" in astral_start and not lone_surrogates(astral_start)
    assert thai.endswith("ิ…")  # the mark stays with its letter
    assert tokyo is True
    assert words == ["test", "w" * search.MAX_TERM]  # one astral letter is too short; a long word is cut as indexed
    assert short == [False, True, False, False]
    assert long_word.startswith("…w") and "before the word target" in long_word  # context kept after a long word


def test_an_invisible_bidi_control_in_a_name_or_title_is_a_warning(tmp_path):
    site = make_site(tmp_path / "s", {
        "briefgen.yaml": "title: T\n",
        "content/people/evil.yaml": 'name: "\\u202eLAVE\\u202c Evil"\nrole: "\\u202eX"\n',
        "content/briefs/a.md": '---\ntitle: "Report \\u2067x\\u2069"\ndate: 2025-01-01\nsummary: "שָׁלוֹם‏ ok"\n---\n'})
    code, _, err = run_cli("check", site)
    assert code == 0
    assert ("content/people/evil.yaml:1:7: warning: 'name' contains the invisible character U+202E (RIGHT-TO-LEFT "
            "OVERRIDE), which changes the order in which the text after it is shown") in err
    assert "content/briefs/a.md:2:8: warning: 'title' contains the invisible character U+2067" in err
    assert "content/people/evil.yaml:2:7: warning: 'role' contains the invisible character U+202E" in err  # a fact
    assert "summary" not in err  # a right-to-left mark (U+200F) only marks a direction: it reorders nothing
    assert run_cli("check", site, "--strict")[0] == 1


@pytest.mark.parametrize("name, text, found", [
    ("习近平", "习近平主席在北京", [(0, 3)]),  # Chinese: no spaces, a name is a word wherever it stands
    ("北京", "习近平主席在北京会见", [(6, 8)]),
    ("서울", "서울에서 만났다", [(0, 2)]),  # Korean: an ending may follow a name...
    ("CNN", "CNN에서 보도했다", [(0, 3)]),
    ("서울", "북서울에서 만났다", []),  # ...but a name starts a word: not 서울 in 북서울
    ("미국", "남미국가", []),
    ("Ana", "Anas and Ana", [(9, 12)]),
])
def test_first_mention_boundaries_in_each_kind_of_script(name, text, found):
    from briefgen.markdown import _find_names

    assert _find_names([name], [text]) == [found]


@pytest.mark.parametrize("value, loses", [
    ("Россия 2025", True), ("Путин", True), ("Москва 121", True), ("日本 2025", True),
    ("Путин said inflation fell", False), ("Kyiv (Київ)", False), ("Hawaiʻi", False), ("Nicolás Maduro", False),
])
def test_a_name_gets_a_digest_only_when_its_url_name_would_not_name_it(value, loses):
    """Claim anchors, stub pages and the tag warning: a mostly English text quoting a Russian word keeps the
    URL name made from its English words (and an anchor that does not change with every edit)."""
    assert schema.loses_its_name(value) is loses


def test_search_folds_arabic_letters_written_two_ways_but_names_and_url_names_keep_them():
    for written, typed in (("على", "علي"), ("علی", "علي"), ("مدرسة", "مدرسه"), ("کتاب", "كتاب")):
        assert search.terms(written) == search.terms(typed), written
        assert schema.fold(written) != schema.fold(typed)  # (tag and page URL names of Arabic text stay as they were)
