"""The words around a site's content in its language (briefgen/i18n.py, docs/themes.md "Languages"): string
files of the site and the theme, their fallbacks, checks, plural rules and dates, and what pages show."""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import shutil
import string
from pathlib import Path

import pytest
import yaml

from briefgen import i18n
from briefgen.diagnostics import Diagnostics
from briefgen.theme import builtin_themes_dir

from .conftest import BASIC, build, make_site, parse_html, run_cli

THEME_I18N = builtin_themes_dir() / "default" / "i18n"

# Esperanto: a language the default theme does not ship, given by the site's own i18n/ folder
EO = {
    **BASIC,
    "briefgen.yaml": """
        title: Test Briefing
        base_url: https://example.org/briefs/
        language: eo
    """,
    "i18n/eo.yaml": """
        months: [januaro, februaro, marto, aprilo, majo, junio, julio, aŭgusto, septembro, oktobro, novembro,
                 decembro]
        date_format: "la {day}-a de {month} {year}"
        kind_people: Homoj
        kind_people_singular: Homo
        status_reported: Raportita
        claims: Asertoj
        published: Publikigita
        claims_count:
          one: "{count} aserto"
          other: "{count} asertoj"
        claims_tracker: Spurilo de asertoj
        search_placeholder: Serĉi…
        search_count:
          one: "{count} rezulto"
          other: "{count} rezultoj"
        filter_all: Ĉiuj
    """,
}


def _site(tmp_path: Path, files: dict) -> Path:
    return make_site(tmp_path / "src", files)


def test_pages_show_the_site_s_language_and_english_where_it_has_no_word(tmp_path):
    out = build(_site(tmp_path, EO), tmp_path / "out", "--strict")
    brief = parse_html(out / "briefs" / "meeting" / "index.html")
    meta = brief.find("p", cls="meta").text()
    assert meta.startswith("Publikigita la 1-a de decembro 2025") and "1 aserto" in meta
    assert brief.find("h2", id_="claims").text() == "Asertoj 1"
    assert brief.find("a", cls="badge").text() == "Raportita"  # a built-in status, named by the strings
    assert brief.find("h2", id_="sources").text() == "Sources"  # not translated: English
    nav = [a.text() for a in brief.find("nav", cls="site-nav").find_all("a")]
    assert nav[:2] == ["Briefs", "Homoj"] and "Asertoj" in nav
    link = brief.find("a", cls="search-link")
    assert link.get("data-placeholder") == "Serĉi…" and link.get("data-label") == "Search briefs, entities and claims"
    person = parse_html(out / "people" / "nicolas-maduro" / "index.html")
    assert person.find("p", cls="kicker").text() == "Homo"
    assert parse_html(out / "claims" / "index.html").find("title").text() == "Spurilo de asertoj — Test Briefing"
    claims = (out / "claims" / "index.html").read_text()
    assert 'data-all="Ĉiuj"' in claims and 'data-label="Show claims by status"' in claims
    words = json.loads((out / "search" / "meta.json").read_text())["words"]
    assert words["search_count"] == {"one": "{count} rezulto", "other": "{count} rezultoj"}
    assert words["search_nothing"] == "Nothing found."
    assert json.loads((out / "search" / "meta.json").read_text())["kinds"][1] == ["people", "Homoj"]
    timeline = parse_html(out / "timeline" / "index.html")
    assert timeline.find("h2", cls="tl-date").text() == "la 1-a de decembro 2025"


def test_names_briefgen_yaml_gives_are_kept_and_the_built_in_ones_translated(tmp_path):
    files = {**EO, "briefgen.yaml": EO["briefgen.yaml"] + """
        entity_kinds:
          people: {label: Personoj}
          ships: {}
          places: {}
          events: {}
          organizations: {}
        claim_statuses:
          reported: {description: Raportita de nomita fonto.}
          confirmed: {label: Konfirmita}
    """}
    site = _site(tmp_path, files)
    out = build(site, tmp_path / "out", "--strict")
    kinds = json.loads((out / "search" / "meta.json").read_text())["kinds"]
    assert kinds[1] == ["people", "Personoj"]  # given: kept (its singular is made from it, not translated)
    status = parse_html(out / "claims" / "reported" / "index.html")
    assert status.find("h1").text().startswith("Raportita claims")  # label translated, "{status} claims" is not
    assert "Raportita de nomita fonto." in status.find("p", cls="lede").text()  # given description kept
    assert (out / "claims" / "confirmed" / "index.html").is_file()
    assert "Konfirmita" in (out / "claims" / "index.html").read_text()


def test_a_regional_language_falls_back_to_its_language_then_to_english(tmp_path):
    files = {**BASIC,
             "briefgen.yaml": "title: T\nlanguage: sv-FI\n",
             "i18n/sv.yaml": "claims: Beweringen (nl)\ntags: Trefwoorden\n",
             "i18n/SV-fi.yaml": "claims: Beweringen\n"}  # (names compared without regard to case; Dutch words)
    out = build(_site(tmp_path, files), tmp_path / "out", "--strict")
    nav = [a.text() for a in parse_html(out / "index.html").find("nav", cls="site-nav").find_all("a")]
    assert "Beweringen" in nav and "Beweringen (nl)" not in nav
    footer = parse_html(out / "index.html").find("footer").text()
    assert "Trefwoorden" in footer and "Atom feed" in footer  # nl, then English


def test_the_site_s_strings_come_before_the_theme_s_in_every_language(tmp_path):
    files = {**BASIC, "briefgen.yaml": "title: T\nlanguage: pt-BR\n", "i18n/pt.yaml": "claims: Checagens\n"}
    out = build(_site(tmp_path, files), tmp_path / "out", "--strict")
    nav = [a.text() for a in parse_html(out / "index.html").find("nav", cls="site-nav").find_all("a")]
    assert "Checagens" in nav and "Notas" in nav  # the site's pt, then the theme's pt (before any pt-BR or en)


def test_a_site_may_replace_the_theme_s_english(tmp_path):
    files = {**BASIC, "i18n/en.yaml": "claims_tracker: Fact-check tracker\n"}
    out = build(_site(tmp_path, files), tmp_path / "out", "--strict")
    assert parse_html(out / "claims" / "index.html").find("h1").text().startswith("Fact-check tracker")


@pytest.mark.parametrize("text, message", [
    ("claims_trackr: X\n", "1:1: warning: no theme has the string 'claims_trackr' (it is not in any en.yaml)"),
    ("claims_count:\n  one: '{count} x'\n", "2:3: error: 'claims_count' has no 'other' form"),
    ("claims_count:\n  one: x\n  other: y\n  several: z\n", "4:3: error: 'several' is not a plural form"),
    ("claims: {one: x, other: y}\n", "1:9: error: 'claims' has no plural forms in the theme's en.yaml"),
    ("tagged: 'Marked {label}'\n", "1:9: error: 'tagged' has the placeholder {label}, which it is not given"),
    ("tagged: 'Marked {tag.__class__}'\n", "1:9: error: 'tagged': '{tag.__class__}' is not a placeholder"),
    ("tagged: 'Marked {tag:}'\n", "1:9: error: 'tagged': '{tag:}' is not a placeholder"),
    ("claims_count:\n  one: '{count} x'\n  other: '{n} y'\n", "2:3: error: 'claims_count' has the placeholder {n}"),
    ("tagged: 'Marked {tag'\n", "1:9: error: 'tagged': its braces do not match"),
    ("months: [a, b]\n", "1:9: error: 'months' must list the twelve months, not 2"),
    ("months: January\n", "1:9: error: 'months' must be a list of the twelve months"),
    ("claims: [a, b]\n", "1:9: error: 'claims' must be text, not a list"),
    ("claims: 12\n", "1:9: error: 'claims' must be text, but YAML reads '12' as a number"),
    ("- a\n- b\n", "1:1: error: i18n/eo.yaml must be a mapping"),
])
def test_problems_in_a_strings_file_are_reported_where_they_are(tmp_path, text, message):
    site = _site(tmp_path, {**EO, "i18n/eo.yaml": text})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out", "--strict")
    assert code == 1 and f"i18n/eo.yaml:{message}" in err, err
    code, _, err = run_cli("check", site, "--strict")
    assert code == 1 and f"i18n/eo.yaml:{message}" in err, err  # check reads them too
    assert not (tmp_path / "out").exists()


def test_one_text_may_serve_every_number(tmp_path):
    """A language without plural forms writes a plural string as one text; another gives ``other:`` alone for
    a text that reads right with any number."""
    for language, text in (("ja", "claims_count: '主張 {count} 件'\n"),
                           ("eo", "claims_count: {other: 'asertoj: {count}'}\n")):
        site = _site(tmp_path / language, {**EO, "briefgen.yaml": f"title: T\nlanguage: {language}\n",
                                           f"i18n/{language}.yaml": text})
        out = build(site, tmp_path / language / "out", "--strict")
        shown = parse_html(out / "briefs" / "meeting" / "index.html").find("p", cls="meta").text()
        assert ("主張 1 件" if language == "ja" else "asertoj: 1") in shown


@pytest.mark.parametrize("language", ["de", "eo", "en"])
def test_one_line_for_a_plural_string_in_a_language_with_plural_forms_is_a_warning(tmp_path, language):
    """As docs/themes.md says: only a language without plural forms may write one line ("1 Behauptungen")."""
    site = _site(tmp_path, {**EO, "briefgen.yaml": f"title: T\nlanguage: {language}\n",
                            f"i18n/{language}.yaml": "tagged: X {tag}\nclaims_count: '{count} Behauptungen'\n"})
    for command in ("check", "build"):
        code, _, err = run_cli(command, site, *(("--out", tmp_path / "out") if command == "build" else ()))
        assert code == 0 and f"i18n/{language}.yaml:2:15: warning: 'claims_count' depends on a number, and " \
            f"'{language}' has plural forms: one line of text is shown for every number" in err, err
        assert err.count("warning:") == 1, err


def test_check_reads_the_site_s_strings_in_every_language(tmp_path):
    site = _site(tmp_path, {**EO, "i18n/de.yaml": "claims: [a, b]\n"})  # a German file on an Esperanto site
    code, _, err = run_cli("check", site)
    assert code == 1 and "i18n/de.yaml:1:9: error: 'claims' must be text, not a list" in err
    assert run_cli("build", site, "--out", tmp_path / "out")[0] == 0  # (a build reads the site's language only)


def test_an_unknown_string_suggests_the_one_meant(tmp_path):
    site = _site(tmp_path, {**EO, "i18n/eo.yaml": "claims_trackr: X\n"})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 0 and "did you mean 'claims_tracker'" in err


def test_a_theme_may_add_strings_and_templates_that_use_them(tmp_path):
    files = {**EO,
             "i18n/en.yaml": "corrections:\n  one: '{count} correction'\n  other: '{count} corrections'\n",
             "i18n/eo.yaml": "corrections:\n  one: '{count} korekto'\n  other: '{count} korektoj'\n",
             "templates/404.html": '{% extends "base.html" %}{% block main %}<p id="x">{{ "corrections" | t(count=2) }}'
                                   ' {{ "home_page" | t }} {{ "tagged" | t(tag="<b>") }}</p>{% endblock %}'}
    out = build(_site(tmp_path, files), tmp_path / "out", "--strict")
    text = (out / "404.html").read_text()
    assert '<p id="x">2 korektoj Home page Tagged “&lt;b&gt;”</p>' in text  # values escaped


@pytest.mark.parametrize("template, message", [
    ('{{ "no_such_string" | t }}', "unknown string 'no_such_string'"),
    ('{{ "claims_trackr" | t }}', "unknown string 'claims_trackr': no en.yaml of the theme names it (did you mean "
                                  "'claims_tracker'"),
    ('{{ "tagged" | t }}', "the string 'tagged' needs a value for {tag}"),
    ('{{ "claims_count" | t }}', "the string 'claims_count' has plural forms: give it count="),
])
def test_a_template_that_asks_for_a_string_wrongly_is_an_error_in_the_template(tmp_path, template, message):
    files = {**BASIC, "templates/404.html": '{% extends "base.html" %}{% block main %}\n' + template
             + "{% endblock %}"}
    code, _, err = run_cli("build", _site(tmp_path, files), "--out", tmp_path / "out")
    assert code == 1 and "templates/404.html:2" in err and message in err, err


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("count", ['"1"', "2.5", "true", "2 | string", "none"])
def test_a_count_that_is_not_a_whole_number_is_an_error_in_the_template(tmp_path, language, count):
    """Not "1 claims" for "1", "2.5 claims", or a Python message from the French rules."""
    files = {**BASIC, "briefgen.yaml": f"title: T\nlanguage: {language}\n",
             "templates/404.html": '{% extends "base.html" %}{% block main %}\n{{ "claims_count" | t(count='
                                   + count + ") }}{% endblock %}"}
    code, _, err = run_cli("build", _site(tmp_path, files), "--out", tmp_path / "out")
    assert code == 1 and err.startswith("templates/404.html:2:1: error: template error while rendering 404.html: "
                                        "the string 'claims_count' is given count="), err
    assert "which is not a whole number: give it an int" in err


@pytest.mark.parametrize("session", [False, True], ids=["command line", "serve"])
def test_editing_a_strings_file_rebuilds_what_shows_it(tmp_path, session):
    from briefgen.build import BuildOptions
    from briefgen.build import build as build_site

    site = _site(tmp_path, EO)
    out = tmp_path / "out"
    build_site(BuildOptions(site, out, progress=False, session=session))
    (site / "i18n" / "eo.yaml").write_text(EO["i18n/eo.yaml"].replace("Asertoj", "Diroj"), encoding="utf-8")
    build_site(BuildOptions(site, out, progress=False, session=session))
    cold = build(site, tmp_path / "cold", "--no-cache")
    compared = filecmp.dircmp(out, cold)
    assert not compared.diff_files and not compared.left_only and not compared.right_only
    assert "Diroj" in (out / "index.html").read_text()
    shutil.rmtree(site / "i18n")
    build_site(BuildOptions(site, out, progress=False, session=session))
    assert "Diroj" not in (out / "index.html").read_text() and ">Claims<" in (out / "index.html").read_text()


def test_plural_rules():
    assert [i18n.plural_rule("en")(n) for n in (0, 1, 2)] == ["other", "one", "other"]
    assert [i18n.plural_rule("fr")(n) for n in (0, 1, 2)] == ["one", "one", "other"]
    assert [i18n.plural_rule("pt-BR")(n) for n in (0, 1)] == ["one", "one"]
    assert [i18n.plural_rule("pt-PT")(n) for n in (0, 1)] == ["other", "one"]
    assert [i18n.plural_rule("ru")(n) for n in (1, 2, 5, 11, 21, 22, 25, 102, 112)] == [
        "one", "few", "many", "many", "one", "few", "many", "few", "many"]
    assert [i18n.plural_rule("pl")(n) for n in (1, 2, 5, 21, 22)] == ["one", "few", "many", "many", "few"]
    assert [i18n.plural_rule("ar")(n) for n in (0, 1, 2, 3, 11, 100)] == ["zero", "one", "two", "few", "many", "other"]
    assert i18n.plural_rule("ja")(1) == "other"
    assert i18n.tags("pt-BR") == ["pt-br", "pt", "en"] and i18n.tags("en") == ["en"]
    portuguese = i18n.load([THEME_I18N], Path(), "pt-BR", Diagnostics())  # CLDR's "one" for 0, but a zero form given
    assert [portuguese.text("claims_count", count=n) for n in (0, 1, 2)] == ["0 afirmações", "1 afirmação",
                                                                              "2 afirmações"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js (its Intl.PluralRules)")
def test_plural_rules_agree_with_the_browser_s():
    """Pages (Python) and search results (search.js, Intl.PluralRules) pick the same form for every language
    briefgen has rules for, and for languages with "one" for 1 only."""
    import subprocess

    languages = [*i18n.PLURAL_RULES, "en", "de", "nl", "sv", "tr", "el", "hu", "fi", "da", "et"]
    numbers = [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 14, 19, 20, 21, 22, 25, 100, 101, 102, 103, 111, 112, 1000000]
    script = (f"process.stdout.write(JSON.stringify({json.dumps(languages)}.map(l => "
              f"{json.dumps(numbers)}.map(n => new Intl.PluralRules(l).select(n)))));")
    browser = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout)
    for language, forms in zip(languages, browser, strict=True):
        assert [i18n.plural_rule(language)(n) for n in numbers] == forms, language


def test_dates_follow_the_language_s_format():
    strings = i18n.default_strings()
    # (the date's own spaces are no-break spaces: a line may end between date and time, not inside the date)
    assert strings.date(dt.date(2025, 12, 1)) == "1\u00a0December\u00a02025"
    tz = dt.timezone(dt.timedelta(hours=-5))
    assert strings.date(dt.datetime(2025, 12, 1, 17, 0, tzinfo=tz)) == "1\u00a0December\u00a02025, 17:00 UTC-05:00"
    german = i18n.load([THEME_I18N], Path(), "de", Diagnostics())
    assert german.date(dt.date(2025, 3, 1)) == "1.\u00a0März\u00a02025"
    french = i18n.load([THEME_I18N], Path(), "fr", Diagnostics())
    assert french.date(dt.date(2025, 12, 1)) == "1er\u00a0décembre\u00a02025"
    assert french.date(dt.date(2025, 12, 2)) == "2\u00a0décembre\u00a02025"
    spanish = i18n.load([THEME_I18N], Path(), "es", Diagnostics())
    assert spanish.date(dt.datetime(2025, 11, 30, 9, 5)) == "30\u00a0de\u00a0noviembre\u00a0de\u00a02025, 09:05 UTC"


SHIPPED = sorted(p.stem for p in THEME_I18N.glob("*.yaml"))


def test_the_default_theme_ships_english_and_translations():
    assert "en" in SHIPPED and {"ar", "de", "es", "fr", "it", "nl", "pt", "ru", "uk"} <= set(SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_each_shipped_language_is_complete_and_clean(language):
    """Every string of en.yaml, each with the shape and placeholders English gives it, and no diagnostic."""
    diagnostics = Diagnostics()
    strings = i18n.load([THEME_I18N], Path(), language, diagnostics)
    assert diagnostics.items == []
    english = yaml.safe_load((THEME_I18N / "en.yaml").read_text(encoding="utf-8"))
    own = yaml.safe_load((THEME_I18N / f"{language}.yaml").read_text(encoding="utf-8"))
    assert sorted(own) == sorted(english)  # every string translated: none falls back to English
    assert sorted(strings.values) == sorted(english)
    for key, value in own.items():
        assert type(value) is type(english[key]), key
        texts = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
        for text in texts:
            assert isinstance(text, str) and text.strip(), key
            assert {f for _, f, _, _ in string.Formatter().parse(text) if f} <= _fields(english[key]), key


def _fields(value) -> set[str]:
    texts = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
    return {f for text in texts for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("language", [lang for lang in SHIPPED if lang != "en"])
def test_the_example_builds_in_each_shipped_language(tmp_path, language):
    site = tmp_path / "example"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", site / "content")
    config = (Path(__file__).resolve().parent.parent / "briefgen.yaml").read_text(encoding="utf-8")
    assert "\nlanguage: en\n" in config
    (site / "briefgen.yaml").write_text(config.replace("\nlanguage: en\n", f"\nlanguage: {language}\n"),
                                        encoding="utf-8")
    shutil.copytree(Path(__file__).resolve().parent.parent / "static", site / "static", dirs_exist_ok=True)
    out = build(site, tmp_path / "out", "--strict")
    english = i18n.default_strings()
    ours = i18n.load([THEME_I18N], Path(), language, Diagnostics())
    home = parse_html(out / "index.html")
    assert home.find("html").get("lang") == language
    assert home.find("h2", id_="latest").text() == ours.text("latest_briefs") != english.text("latest_briefs")


SEARCH_JS = (builtin_themes_dir() / "default" / "static" / "assets" / "search.js").read_text(encoding="utf-8")
FRENCH_WORDS = {"search_count": {"one": "{count} résultat", "other": "{count} résultats"},
                "search_page": "Page", "search_all": {"zero": "aucun", "one": "un", "other": "{count}"},
                "search_count_for": "{results} pour « {query} »", "search_nothing_for": "Rien pour {{{query}}}"}


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run search.js")
def test_the_browser_fills_in_words_and_picks_plural_forms_as_python_does():
    import subprocess

    words = SEARCH_JS[SEARCH_JS.index("  var ENGLISH = "):SEARCH_JS.index("  var WORD = ")]
    calls = ['say("search_count", {count: 0})', 'say("search_count", {count: 1})', 'say("search_count", {count: 2})',
             'say("search_count_for", {results: say("search_count", {count: 2}), query: "Caracas"})',
             'say("search_nothing_for", {query: "x"})', 'say("search_all", {count: 0})',
             'say("search_all", {count: 1})']
    script = (f"var document = {{documentElement: {{lang: 'fr'}}}};\n"
              f"var meta = {{words: {json.dumps(FRENCH_WORDS)}}};\n{words}\n"
              f"var french = [{', '.join(calls)}];\nmeta = null; plurals = {{}};\n"
              f"document.documentElement.lang = 'en';\n"
              f"process.stdout.write(JSON.stringify([french, [{', '.join(calls)}]]));")
    french, english = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True,
                                                check=True).stdout)
    python = i18n.Strings("fr", {**i18n.default_strings().values, **FRENCH_WORDS})
    assert french == [python.text("search_count", count=0), python.text("search_count", count=1),
                      python.text("search_count", count=2),
                      python.text("search_count_for", results=python.text("search_count", count=2), query="Caracas"),
                      python.text("search_nothing_for", query="x"), python.text("search_all", count=0),
                      python.text("search_all", count=1)]
    assert french[0] == "0 résultat" and french[4] == "Rien pour {x}" and french[5:] == ["aucun", "un"]
    ours = i18n.default_strings()  # without meta.json's words: search.js's own English, which en.yaml gives too
    assert english[:5] == [ours.text("search_count", count=0), ours.text("search_count", count=1),
                       ours.text("search_count", count=2),
                       ours.text("search_count_for", results=ours.text("search_count", count=2), query="Caracas"),
                       ours.text("search_nothing_for", query="x")]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run search.js")
def test_search_js_english_is_en_yaml_s():
    import subprocess

    from briefgen.search import WORDS

    words = SEARCH_JS[SEARCH_JS.index("  var ENGLISH = "):SEARCH_JS.index("  var plurals = ")]
    english = json.loads(subprocess.run(["node", "-e", words + "process.stdout.write(JSON.stringify(ENGLISH));"],
                                        capture_output=True, text=True, check=True).stdout)
    assert english == {key: i18n.default_strings().values[key] for key in WORDS}


def test_a_language_no_one_has_words_in_is_a_warning_at_its_line(tmp_path):
    site = _site(tmp_path, {**BASIC, "briefgen.yaml": "title: T\nlanguage: german\n"})
    code, _, err = run_cli("check", site, "--strict")
    assert code == 1 and "briefgen.yaml:2:11: warning: neither the site nor its theme has words in 'german'" in err
    assert "the theme has ar, de, en, es, fr, it, nl, pt, ru, uk" in err
    for config, files in (("language: en-GB", {}), ("language: de-AT", {}), ("language: nl", {"i18n/nl.yaml": ""}),
                          ("language: pt-BR", {"i18n/pt_BR.yaml": "claims: X\n"})):
        site = _site(tmp_path / config[-5:], {**BASIC, "briefgen.yaml": f"title: T\n{config}\n", **files})
        assert run_cli("check", site, "--strict")[0] == 0, config


def test_file_names_may_be_written_with_an_underscore_and_an_empty_word_is_shown_empty(tmp_path):
    files = {**BASIC, "briefgen.yaml": "title: T\nlanguage: pt-BR\n",
             "i18n/pt_BR.YAML": "claims: Checagens\nsearch_placeholder:\nmade_with: ''\n"}
    out = build(_site(tmp_path, files), tmp_path / "out", "--strict")
    home = parse_html(out / "index.html")
    assert "Checagens" in [a.text() for a in home.find("nav", cls="site-nav").find_all("a")]
    assert home.find("a", cls="search-link").get("data-placeholder") == ""
    assert home.find("footer").text().endswith("Etiquetas ·")


def test_what_the_theme_shows_in_each_language_reads_as_that_language_writes(tmp_path):
    files = {**BASIC, "briefgen.yaml": "title: T\nlanguage: fr\nentity_kinds: {people: {}, events: {singular: "
                                       "Rendez-vous}, places: {}, organizations: {}}\n"}
    out = build(_site(tmp_path, files), tmp_path / "out", "--strict")
    brief = parse_html(out / "briefs" / "meeting" / "index.html")
    assert brief.find("p", cls="meta").text().startswith("Publié le 1er décembre 2025")
    timeline = parse_html(out / "timeline" / "index.html")
    assert [p.text() for p in timeline.find_all("p", cls="kicker")][:2] == ["Rendez-vous", "Brève"]
    search = parse_html(out / "search" / "index.html")
    assert search.find("button").text() == "Rechercher" and search.find("label").text() == "Mots à rechercher"


def test_a_theme_that_extends_no_other_still_has_every_string(tmp_path):
    """The built-in theme's strings come last whatever the theme: a theme of its own templates alone builds."""
    templates = builtin_themes_dir() / "default" / "templates"
    files = {**BASIC, "briefgen.yaml": "title: T\nlanguage: de\ntheme: bare\n",
             **{f"themes/bare/templates/{p.name}": p.read_text(encoding="utf-8") for p in templates.iterdir()}}
    out = build(_site(tmp_path, files), tmp_path / "out", "--strict")
    assert parse_html(out / "briefs" / "meeting" / "index.html").find("p", cls="meta").text().startswith(
        "Veröffentlicht am 1. Dezember 2025")


def test_english_words_in_another_language_s_site_take_english_plurals(tmp_path):
    """A Croatian site without Croatian words: "21 claims" (English rules), not "21 claim" (Croatian's "one")."""
    claims = "".join(f"  - text: Claim {n}.\n    status: reported\n" for n in range(21))
    files = {**BASIC, "briefgen.yaml": "title: T\nlanguage: hr\n", "i18n/hr.yaml": "claims: Tvrdnje\n",
             "content/briefs/2025-12-02-many.md": "---\ntitle: Many\ndate: 2025-12-02\nsummary: Many claims.\n"
                                                  f"claims:\n{claims}---\nBody.\n"}
    out = build(_site(tmp_path, files), tmp_path / "out", "--strict")
    assert "21 claims" in parse_html(out / "briefs" / "many" / "index.html").find("p", cls="meta").text()
    words = json.loads((out / "search" / "meta.json").read_text())["words"]
    assert words["search_count"] == {"one": "{count} result", "other": "{count} results", "lang": "en"}


def test_a_strings_file_that_leads_out_of_the_site_is_not_read(tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text("claims: SECRET\n", encoding="utf-8")
    site = _site(tmp_path, {**BASIC, "briefgen.yaml": "title: T\nlanguage: fr\n"})
    (site / "i18n").mkdir()
    (site / "i18n" / "fr.yaml").symlink_to(outside)
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 0 and "i18n/fr.yaml:1:1: warning: the file leads out of the site through a symlink" in err
    assert "SECRET" not in (tmp_path / "out" / "index.html").read_text()


def test_the_output_may_not_be_the_strings_folder(tmp_path):
    site = _site(tmp_path, {**BASIC, "briefgen.yaml": "title: T\noutput_dir: i18n\n"})
    code, _, err = run_cli("build", site)
    assert code == 1 and "output_dir 'i18n'" in err


def test_compiled_templates_are_kept_for_each_language(tmp_path, monkeypatch):
    """Two sites in two languages built in turn load their templates compiled, each in its own language."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    french = _site(tmp_path / "fr", {**BASIC, "briefgen.yaml": "title: T\nlanguage: fr\n"})
    german = _site(tmp_path / "de", {**BASIC, "briefgen.yaml": "title: T\nlanguage: de\n"})
    for n in range(2):
        for site, word in ((french, "Affirmations"), (german, "Behauptungen")):
            out = build(site, tmp_path / f"out-{site.parent.name}-{n}")
            assert word in [a.text() for a in parse_html(out / "index.html").find("nav").find_all("a")]
    compiled = sorted((tmp_path / "cache" / "briefgen" / "templates").iterdir())
    assert len(compiled) == 2 * len(list((builtin_themes_dir() / "default" / "templates").iterdir()))
    mtimes = {p: p.stat().st_mtime_ns for p in compiled}
    build(french, tmp_path / "out-fr-again")
    assert {p: p.stat().st_mtime_ns for p in compiled} == mtimes  # loaded, not compiled and written again


def test_words_of_a_language_s_file_take_the_site_s_own_rules(tmp_path):
    """pt-PT takes the Portuguese words of pt.yaml with Portugal's rules: 0 is plural there (an English fallback
    or a language briefgen has no rules for would carry "lang" to search.js; Portuguese does not)."""
    files = {**BASIC, "briefgen.yaml": "title: T\nlanguage: pt-PT\n", "i18n/pt-PT.yaml": "",
             "content/people/nobody.yaml": "name: Ninguém\n"}
    out = build(_site(tmp_path, files), tmp_path / "out", "--strict")
    counts = [p.text() for p in parse_html(out / "people" / "index.html").find_all("p", cls="count")]
    assert "0 notas" in counts and "1 nota" in counts
    assert "lang" not in json.loads((out / "search" / "meta.json").read_text())["words"]["search_count"]
    files = {**BASIC, "briefgen.yaml": "title: T\nlanguage: fil\n", "i18n/fil.yaml": ""}  # Filipino: no rules here
    out = build(_site(tmp_path / "fil", files), tmp_path / "fil-out", "--strict")
    assert json.loads((out / "search" / "meta.json").read_text())["words"]["search_count"]["lang"] == "en"


def test_an_edit_to_a_strings_file_that_keeps_its_size_and_time_is_seen(tmp_path):
    import os

    site = _site(tmp_path, {**EO, "i18n/eo.yaml": "claims: Asertoj\n"})
    out = build(site, tmp_path / "out")
    words = site / "i18n" / "eo.yaml"
    before = words.stat()
    words.write_text("claims: Diroj!!\n", encoding="utf-8")  # the same size
    os.utime(words, ns=(before.st_atime_ns, before.st_mtime_ns))  # and time (a file system of whole seconds)
    build(site, out)
    assert "Diroj!!" in (out / "index.html").read_text()


def test_a_theme_kept_elsewhere_through_a_symlink_brings_its_words(tmp_path):
    shared = make_site(tmp_path / "shared" / "mine", {"theme.yaml": "extends: default\n",
                                                      "i18n/fr.yaml": "claims: Affirmations vérifiées\n"})
    site = _site(tmp_path, {**BASIC, "briefgen.yaml": "title: T\nlanguage: fr\ntheme: mine\n"})
    (site / "themes").mkdir()
    (site / "themes" / "mine").symlink_to(shared)
    code, _, err = run_cli("build", site, "--out", tmp_path / "out", "--strict")
    assert code == 0, err
    assert "Affirmations vérifiées" in (tmp_path / "out" / "index.html").read_text()


def test_an_oversized_strings_file_is_an_error_that_says_what_it_is(tmp_path):
    site = _site(tmp_path, {**EO, "i18n/eo.yaml": "claims: " + "x" * 1_000_001 + "\n"})
    code, _, err = run_cli("check", site)
    assert code == 1 and "i18n/eo.yaml:1:1: error: the file is" in err and "max_file_size" not in err
