"""`briefgen check` / `build`: every content problem is reported at once as
path:line:col with a likely fix, exit 1; usage problems exit 2; no traceback."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import pytest

from briefgen.config import load_config
from briefgen.diagnostics import Diagnostics

from .conftest import BASIC, make_site, parse_html, run_cli

BRIEF = "content/briefs/2025-12-01-meeting.md"


def brief(front: str, body: str = "Body text.\n") -> str:
    return "---\n" + textwrap.dedent(front).strip("\n") + "\n---\n" + body


GOOD_FRONT = "title: A brief\ndate: 2025-12-01\nsummary: One line.\n"


def check(tmp_path, files: dict[str, str | bytes], *extra: str) -> tuple[int, list[str], str]:
    site = make_site(tmp_path / "s", {**BASIC, **files})
    code, out, err = run_cli("check", site, *extra)
    assert "Traceback" not in err + out
    lines = [line for line in err.splitlines() if ": error: " in line or ": warning: " in line]
    return code, lines, err


def test_valid_site_checks_clean(tmp_path):
    code, lines, _ = check(tmp_path, {})
    assert (code, lines) == (0, [])
    code, lines, _ = check(tmp_path, {}, "--strict")
    assert (code, lines) == (0, [])


CASES = [
    # (id, file, content, expected line start, expected message fragment)
    ("missing-title", BRIEF, brief("date: 2025-12-01\nsummary: x"),
     f"{BRIEF}:2:1: error: the brief's front matter is missing the required field 'title'", "add 'title: ...'"),
    ("list-not-scalar", BRIEF, brief(GOOD_FRONT + "people: donald-trump"),
     f"{BRIEF}:5:9: error: 'people' must be a list, not a single value", "people: [donald-trump]"),
    ("number-title", BRIEF, brief("title: 42\ndate: 2025-12-01\nsummary: x"),
     f"{BRIEF}:2:8: error: 'title' must be text, but YAML reads '42' as a number", 'title: "42"'),
    ("bad-date", BRIEF, brief("title: t\ndate: 2025-13-45\nsummary: x"),
     f"{BRIEF}:3:7: error: 'date' is not a valid date", "YYYY-MM-DD"),
    ("unknown-key", BRIEF, brief(GOOD_FRONT + "sumary: typo"),
     f"{BRIEF}:5:1: error: unknown field 'sumary' in the brief's front matter", "did you mean 'summary'?"),
    ("unknown-config-key", "briefgen.yaml", "title: x\nbase_ulr: https://example.org/\n",
     "briefgen.yaml:2:1: error: unknown field 'base_ulr' in briefgen.yaml", "did you mean 'base_url'?"),
    ("unknown-status", BRIEF, brief(GOOD_FRONT + "claims:\n  - text: A claim.\n    status: confirmd"),
     f"{BRIEF}:7:13: error: unknown claim status 'confirmd'", "did you mean 'confirmed'?"),
    ("claim-source-not-listed", BRIEF, brief(GOOD_FRONT + "sources:\n  - outlet: CNN\nclaims:\n"
                                             "  - text: A claim.\n    status: reported\n    source: Reuters"),
     f"{BRIEF}:10:13: error: claim source 'Reuters' is not one of this brief's sources", ""),
    ("bad-entity-id-upper", "content/people/Bad Name.yaml", "name: Bad\n",
     "content/people/Bad Name.yaml:1:1: error: 'Bad Name' is not a valid entity id", "'bad-name.yaml'"),
    ("bad-entity-id-dots", "content/people/a..b.yaml", "name: Dots\n",
     "content/people/a..b.yaml:1:1: error: 'a..b' is not a valid entity id", "'a-b.yaml'"),
    ("non-http-source", BRIEF, brief(GOOD_FRONT + "sources:\n  - outlet: CNN\n    url: javascript:alert(1)"),
     f"{BRIEF}:7:10: error: 'url' must be an http:// or https:// URL", ""),
    ("non-http-link", "content/people/ann.yaml", "name: Ann\nlinks:\n  home: ftp://example.org/\n",
     "content/people/ann.yaml:3:9: error: 'links.home' must be an http:// or https:// URL", ""),
    ("yaml-syntax", BRIEF, brief("title: [unclosed\ndate: 2025-12-01\nsummary: x"),
     f"{BRIEF}:2:8: error: YAML syntax error: this list is not closed with ']'", ""),
    ("not-utf8", BRIEF, b"---\ntitle: caf\xe9\ndate: 2025-12-01\nsummary: x\n---\n",
     f"{BRIEF}:2:11: error: the file is not valid UTF-8 (byte 0xe9)", "save the file as UTF-8"),
    ("duplicate-key", BRIEF, brief(GOOD_FRONT + "title: Again"),
     f"{BRIEF}:5:1: error: duplicate key 'title' (first given on line 2)", ""),
    ("no-closing-fence", BRIEF, "---\ntitle: x\ndate: 2025-12-01\nsummary: y\nBody\n",
     f"{BRIEF}:1:1: error: the front matter is never closed", "add a line with just '---'"),
    ("no-front-matter", BRIEF, "Just a body.\n",
     f"{BRIEF}:1:1: error: the file does not start with front matter", ""),
    # at the name or alias of the second file (by id), not at its first line
    ("alias-shared", "content/people/don-jr.yaml", "name: Donald Trump Jr.\naliases: [Trump]\n",
     "content/people/donald-trump.yaml:2:11: error: the name or alias 'Trump' also belongs to "
     "content/people/don-jr.yaml", "remove or change one"),
    ("name-shared", "content/people/trump2.yaml", "summary: x\nname: Donald Trump\n",
     "content/people/trump2.yaml:2:7: error: the name or alias 'Donald Trump' also belongs to "
     "content/people/donald-trump.yaml", ""),
    ("name-shared-in-a-md-entity", "content/people/trump2.md", "---\nname: Donald Trump\n---\nBody.\n",
     "content/people/trump2.md:2:7: error: the name or alias 'Donald Trump' also belongs to ", ""),
    ("duplicate-id", "content/people/donald-trump.md", "---\nname: Donald J. Trump\n---\nBody.\n",
     "content/people/donald-trump.yaml:1:1: error: duplicate people id 'donald-trump' "
     "(also content/people/donald-trump.md)", ""),
    ("duplicate-slug", "content/briefs/2025-12-02-meeting.md", brief(GOOD_FRONT),
     "content/briefs/2025-12-02-meeting.md:1:1: error: duplicate brief slug 'meeting' "
     f"(also {BRIEF})", ""),
    ("bad-slug", BRIEF, brief(GOOD_FRONT + "slug: ../../etc"),
     f"{BRIEF}:5:7: error: slug '../../etc' is not a valid URL name", "'etc'"),
    # what is wrong with a URL name that is lower-case: its length, or Windows
    ("slug-too-long", BRIEF, brief(GOOD_FRONT + "slug: " + "a" * 300),
     f"{BRIEF}:5:7: error: slug '{'a' * 300}' is not a valid URL name",
     f"(it has 300 characters, and a URL name has at most 120: shorten it, e.g. '{'a' * 80}')"),
    ("claim-id-too-long", BRIEF, brief(GOOD_FRONT + "claims:\n  - text: t\n    status: reported\n    id: "
                                       + "a-" * 100 + "a"),
     f"{BRIEF}:8:9: error: claim id '{'a-' * 100}a' is not a valid anchor", "(it has 201 characters, and a URL "
     "name has at most 120: shorten it"),
    ("status-reserved-by-windows", "briefgen.yaml", "claim_statuses: {con: {}, reported: {}}\n",
     "briefgen.yaml:1:18: error: 'con' cannot be a claim status ('con' is a device name on Windows, where no file "
     "or folder can have it; e.g. 'con-1')", ""),
    ("status-upper-case", "briefgen.yaml", "claim_statuses: {Reported: {}}\n",
     "briefgen.yaml:1:18: error: 'Reported' cannot be a claim status (use lower-case letters a-z, digits and "
     "hyphens, e.g. 'reported')", ""),
    ("kind-reserved-by-windows", "briefgen.yaml", "entity_kinds: {people: {}, con: {}}\n",
     "briefgen.yaml:1:28: error: 'con' cannot be an entity kind ('con' is a device name on Windows", ""),
    ("entity-id-too-long", f"content/people/{'b' * 130}.yaml", "name: B\n",
     f"content/people/{'b' * 130}.yaml:1:1: error: '{'b' * 130}' is not a valid entity id",
     "(it has 130 characters, and a URL name has at most 120: shorten it, e.g. "),
    ("bad-claim-id", BRIEF, brief(GOOD_FRONT + "claims:\n  - text: t\n    status: reported\n    id: ../x"),
     f"{BRIEF}:8:9: error: claim id '../x' is not a valid anchor", ""),
    # A datetime whose UTC time falls outside the years 1 to 9999 once its offset is applied (the calendar's
    # ends), and an offset that is none: located errors, not an OverflowError from ordering the briefs.
    ("date-past-9999-in-utc", BRIEF, brief("title: t\ndate: 9999-12-31T23:00:00-05:00\nsummary: x"),
     f"{BRIEF}:3:7: error: 'date' falls outside the years 1 to 9999 in UTC", "within those years"),
    ("date-before-year-1-in-utc", BRIEF, brief("title: t\ndate: 0001-01-01T00:30:00+01:00\nsummary: x"),
     f"{BRIEF}:3:7: error: 'date' falls outside the years 1 to 9999 in UTC", ""),
    ("event-date-past-9999-in-utc", "content/events/late.yaml", "name: Late\ndate: 9999-12-31T23:00:00-05:00\n",
     "content/events/late.yaml:2:7: error: 'date' falls outside the years 1 to 9999 in UTC", ""),
    ("offset-out-of-range", BRIEF, brief("title: t\ndate: 2025-12-01T10:00:00+25:00\nsummary: x"),
     f"{BRIEF}:3:7: error: 'date' has a UTC offset out of range: +25:00", "from -23:59 to +23:59"),
    ("event-ends-before-it-starts", "content/events/late.yaml", "name: Late\ndate: 2025-12-05\nend_date: 2025-12-01\n",
     "content/events/late.yaml:3:11: warning: 'end_date' (2025-12-01) is before 'date' (2025-12-05)", "swap them"),
    ("tag-without-latin-letters", BRIEF, brief(GOOD_FRONT + "tags: [日本]"),
     f"{BRIEF}:5:8: error: tag '日本' has no letters a-z or digits for its URL name", "Latin letters"),
    ("empty-wikilink", BRIEF, brief(GOOD_FRONT, "See [[]] or [[|him]].\n"),
     f"{BRIEF}:6:5: warning: link [[]] names nothing to link to", "write what it links to inside the brackets"),
    ("empty-wikilink-with-text", BRIEF, brief(GOOD_FRONT, "See [[]] or [[|him]].\n"),
     f"{BRIEF}:6:13: warning: link [[|him]] names nothing to link to", ""),
    ("empty-required-field", BRIEF, brief("title:\ndate: 2025-12-01\nsummary: x"),
     f"{BRIEF}:2:7: error: 'title' is empty", "(write a value after the colon)"),
    ("fact-that-is-a-list", "content/people/ann.yaml", "name: Ann\nrole: [President, Commander]\n",
     "content/people/ann.yaml:2:7: error: the fact 'role' must be one value, not a list", "e.g. role: A and B"),
    ("reference-fact-that-is-a-list", "content/events/e.yaml", "name: E\ndate: 2025-12-01\nplace: [a, b]\n",
     "content/events/e.yaml:3:8: error: the fact 'place' must be one value, not a list",
     "write one reference, the id, name or alias of one of the places"),
    ("misspelt-field-that-is-a-list", "content/people/ann.yaml", "name: Ann\nalias: [Annie]\n",
     "content/people/ann.yaml:2:1: error: unknown field 'alias' in the person", "did you mean 'aliases'"),
    # YAML tags are refused wherever they are, facts, lists, dates, flags and keys included (values are data)
    ("tagged-fact", "content/people/ann.yaml", "name: Ann\nrole: !foo President\n",
     "content/people/ann.yaml:2:7: error: 'role' has the YAML tag !foo, which is not allowed", "remove the tag"),
    ("tagged-list", BRIEF, brief(GOOD_FRONT + "people: !!python/object/apply:os.system [echo]"),
     f"{BRIEF}:5:9: error: 'people' has the YAML tag !!python/object/apply:os.system, which is not allowed", ""),
    ("tagged-mapping", "content/people/ann.yaml", "name: Ann\nlinks: !!python/object/new:dict {a: b}\n",
     "content/people/ann.yaml:2:8: error: 'links' has the YAML tag !!python/object/new:dict", ""),
    ("tagged-claims", BRIEF, brief(GOOD_FRONT + "claims: !!set {a: b}"),
     f"{BRIEF}:5:9: error: 'claims' has the YAML tag !!set, which is not allowed", "remove the tag"),
    ("tagged-date", BRIEF, brief("title: t\ndate: !!python/object/apply:os.system 2025-12-01\nsummary: x"),
     f"{BRIEF}:3:7: error: 'date' has the YAML tag !!python/object/apply:os.system", ""),
    ("tagged-flag", BRIEF, brief(GOOD_FRONT + "draft: !foo false"),
     f"{BRIEF}:5:8: error: 'draft' has the YAML tag !foo, which is not allowed", ""),
    ("tagged-key", BRIEF, brief(GOOD_FRONT + "!!binary dGl0bGU=: x"),
     f"{BRIEF}:5:1: error: a key in the brief's front matter has the YAML tag !!binary", ""),
    ("list-with-a-type-tag", BRIEF, brief(GOOD_FRONT + "people: !!str [a]"),
     f"{BRIEF}:5:9: error: 'people' must be a list, not a list tagged !!str", ""),
    # a site's address whose path would take the links of 404.html (served at any URL) elsewhere
    ("base-url-with-double-slash", "briefgen.yaml", "title: x\nbase_url: https://example.com//evil.example/\n",
     "briefgen.yaml:2:11: error: 'base_url' is not a site's address: its path '//evil.example/' must be", ""),
    ("base-url-with-backslash", "briefgen.yaml", "title: x\nbase_url: 'https://example.com/\\evil.example/'\n",
     "briefgen.yaml:2:11: error: 'base_url' is not a site's address: it needs a host name", ""),
    ("base-url-with-markup", "briefgen.yaml", "title: x\nbase_url: 'https://example.com/\"><script>/'\n",
     "briefgen.yaml:2:11: error: 'base_url' is not a site's address: its path", ""),
    ("base-url-unbalanced-bracket", "briefgen.yaml", "title: x\nbase_url: 'https://example.com]/'\n",
     "briefgen.yaml:2:11: error: 'base_url' is not a site's address: it is not a valid URL", ""),
    ("base-url-bad-host", "briefgen.yaml", "title: x\nbase_url: 'https://example.com;/'\n",
     "briefgen.yaml:2:11: error: 'base_url' is not a site's address: it needs a host name", ""),
    ("output-dir-with-a-line-break", "briefgen.yaml", 'title: x\noutput_dir: "o\\n::error::X"\n',
     "briefgen.yaml:2:13: error: output_dir contains a control character", ""),
    # a custom domain is a host name: deploy would write the URL to CNAME, and GitHub Pages ignore it
    ("cname-url", "briefgen.yaml", 'title: x\ncname: "http://x.org"\n',
     "briefgen.yaml:2:8: error: 'cname' must be a bare domain name like briefs.example.org, not 'http://x.org'",
     "(write the domain alone: cname: x.org)"),
    ("cname-with-a-port", "briefgen.yaml", "title: x\ncname: news.example.org:8080\n",
     "briefgen.yaml:2:8: error: 'cname' must be a bare domain name", "cname: news.example.org)"),
    ("cname-not-a-domain", "briefgen.yaml", "title: x\ncname: my site\n",
     "briefgen.yaml:2:8: error: 'cname' must be a bare domain name", "cname: briefs.example.org)"),
    # The line that lacks its colon, not the line after it, where the YAML parser noticed.
    ("unclosed-flow-list", BRIEF, brief(GOOD_FRONT + "tags: [venezuela, talks\npeople: [donald-trump]"),
     f"{BRIEF}:5:7: error: YAML syntax error: this list is not closed with ']'", "add the ']'"),
    ("closed-flow-list-missing-a-comma", BRIEF,
     brief(GOOD_FRONT + 'people: [donald-trump,\n         "Marco Rubio" carl]'),
     f"{BRIEF}:6:24: error: YAML syntax error: did not find expected ',' or ']'", ""),
    ("unclosed-flow-mapping", "content/people/ann.yaml", "name: Ann\nlinks: {site: https://example.org\nrole: x\n",
     "content/people/ann.yaml:2:8: error: YAML syntax error: this mapping is not closed with '}'", "add the '}'"),
    ("yaml-key-without-colon", "content/people/ann.yaml", "name: Ann\nrole President\n",
     "content/people/ann.yaml:2:1: error: YAML syntax error: could not find expected ':'", ""),
]


@pytest.mark.parametrize(("file", "content", "expected", "hint"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_problem_is_located(tmp_path, file, content, expected, hint):
    code, lines, err = check(tmp_path, {file: content})
    assert code == (1 if ": error: " in expected else 0), err
    matching = [line for line in lines if line.startswith(expected)]
    assert matching, f"expected a line starting with {expected!r}, got:\n{err}"
    assert hint in matching[0]


def test_a_misspelt_required_field_is_one_problem_not_two(tmp_path):
    files = {BRIEF: brief("title: A brief\ndate: 2025-12-01\nsummery: One line.\n"),
             "content/people/ann.yaml": "nmae: Ann\n"}
    code, lines, err = check(tmp_path, files)
    assert code == 1
    assert lines == [f"{BRIEF}:4:1: error: unknown field 'summery' in the brief's front matter "
                     "(did you mean 'summary'?)",
                     "content/people/ann.yaml:1:1: error: the person is missing the required field 'name' (add "
                     "'name: ...': the display name; or rename 'nmae' on line 1, if it is meant to be it)"], err
    # 'update' is most likely 'updated': 'date' is missing still, and said so at once
    code, lines, err = check(tmp_path, {BRIEF: brief("title: A brief\nupdate: 2025-12-02\nsummary: One line.\n")})
    assert [line.split(": error: ")[1] for line in lines if line.startswith(BRIEF)] == [
        "the brief's front matter is missing the required field 'date' (add 'date: ...': YYYY-MM-DD or a "
        "datetime with offset)",
        "unknown field 'update' in the brief's front matter (did you mean 'updated' or 'date'?)"], err
    code, lines, err = check(tmp_path, {BRIEF: brief("title: A brief\ndate: 2025-12-01\nzzz: One line.\n")})
    assert f"{BRIEF}:2:1: error: the brief's front matter is missing the required field 'summary' " \
           "(add 'summary: ...': one plain-text paragraph)" in lines, err


def test_kinds_and_statuses_without_labels_keep_the_defaults_or_are_named_from_their_key():
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "briefgen.yaml").write_text("entity_kinds: {organizations: {}, vehicles: {}, agencies: "
                                                   "{label: Agencies}, news: {}, tv-series: {}}\n"
                                                   "claim_statuses: {false: {}, misleading: {}}\n")
        config = load_config(Path(folder), Diagnostics())
    assert [(k.label, k.singular) for k in config.entity_kinds.values()] == [
        ("Organizations", "Organization"), ("Vehicles", "Vehicle"), ("Agencies", "Agency"), ("News", "News"),
        ("Tv Series", "Tv Series")]
    assert [s.label for s in config.claim_statuses.values()] == ["False", "Misleading"]
    assert config.claim_statuses["false"].description.startswith("Shown to be false")


@pytest.mark.parametrize(("config", "expected"), [
    ("page_size: 0\n", "briefgen.yaml:1:12: error: 'page_size' must be a whole number of at least 1 "
                       "(e.g. page_size: 100)"),
    ("markdown: true\n", "briefgen.yaml:1:11: error: markdown must be a mapping of 'key: value' lines, not true/false "
                         "(write its keys on the lines below, indented, each as 'key: value')"),
    ("title: [A, B]\n", "briefgen.yaml:1:8: error: 'title' must be text, not a list (write one line of text after "
                        "'title:'; quote it if it starts with [, { or -)"),
    ("language: en us\n", "briefgen.yaml:1:11: error: 'language' must be a language tag like en, fr or pt-BR, "
                          "not 'en us' (e.g. language: en-us)"),
    ('language: \'" onmouseover="x\'\n', "briefgen.yaml:1:11: error: 'language' must be a language tag like en, "
                                        "fr or pt-BR, not '\" onmouseover=\"x' (e.g. language: en, language: pt-BR)"),
])
def test_every_configuration_error_has_a_likely_fix(tmp_path, config, expected):
    _code, lines, err = check(tmp_path, {"briefgen.yaml": config})
    assert expected in lines, err


def test_a_kind_that_cannot_be_one_is_one_error_with_the_name_to_write(tmp_path):
    _code, lines, err = check(tmp_path, {"briefgen.yaml": "entity_kinds: {People: {}}\n"})
    assert lines == ["briefgen.yaml:1:16: error: 'People' cannot be an entity kind (a kind is a folder name of "
                     "lower-case letters, digits and hyphens, e.g. 'people')"], err


def test_summary_too_long_is_warning_then_error_under_strict(tmp_path):
    files = {"briefgen.yaml": "title: t\nsummary_max_length: 10\n"}
    code, lines, _ = check(tmp_path, files)
    assert code == 0
    assert lines == [f"{BRIEF}:4:10: warning: summary is 52 characters, over summary_max_length (10) "
                     "(shorten it; the body holds the details)"]
    code, lines, _ = check(tmp_path, files, "--strict")
    assert code == 1


def test_unknown_reference_warns_with_closest_id_and_makes_stub(tmp_path):
    files = {BRIEF: brief(GOOD_FRONT + "people: [donald-trmp, Jane Nobody]")}
    code, lines, _ = check(tmp_path, files)
    assert code == 0
    assert f"{BRIEF}:5:10: warning: unknown person 'donald-trmp' (did you mean 'donald-trump'?)" in lines
    assert any(line.startswith(f"{BRIEF}:5:23: warning: unknown person 'Jane Nobody'") for line in lines)
    site = tmp_path / "s"
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 0, err
    assert (tmp_path / "out/people/jane-nobody/index.html").is_file()
    code, _, err = run_cli("build", site, "--out", tmp_path / "out2", "--strict")
    assert code == 1
    assert not (tmp_path / "out2").exists()


def test_a_reference_to_an_entity_of_another_kind_says_what_it_is(tmp_path):
    """A person listed under organizations, or given as a ship's operator, is "unknown organization", with a
    hint that says what it is and where it goes (it suggested adding a file, or a look-alike id)."""
    files = {BRIEF: brief(GOOD_FRONT + "organizations: [Trump]"),
             "content/ships/uss-x.yaml": "name: USS X\noperator: donald-trump\n"}
    code, lines, err = check(tmp_path, files)
    assert code == 0, err
    hint = ("is a person (content/people/donald-trump.yaml), not an organization: name an organization here, "
            "or move it to where a person goes)")
    assert lines == [f"{BRIEF}:5:17: warning: unknown organization 'Trump' ('Trump' {hint}",
                     f"content/ships/uss-x.yaml:2:11: warning: unknown organization 'donald-trump' ('donald-trump' "
                     f"{hint}"], err


def test_reference_by_name_and_alias_is_case_and_accent_insensitive(tmp_path):
    files = {BRIEF: brief(GOOD_FRONT + "people: [NICOLAS MADURO, trump, nicolás maduro]\n"
                          "claims:\n  - text: x\n    status: claimed\n    about: [maduro]")}
    code, lines, err = check(tmp_path, files, "--strict")
    assert (code, lines) == (0, []), err


def test_unresolved_wikilink_is_located(tmp_path):
    files = {BRIEF: brief(GOOD_FRONT, "First line.\n\nSee [[nobody-here]] and [[donald-trump|him]].\n")}
    _code, lines, _ = check(tmp_path, files)
    assert lines == [f"{BRIEF}:8:5: warning: link [[nobody-here]] points to no entity or brief "
                     "(use an entity id, name or alias, or a brief's slug)"]


def test_a_wikilink_that_names_a_kind_takes_a_name_or_alias_and_a_near_miss_is_suggested(tmp_path):
    files = {BRIEF: brief(GOOD_FRONT, "[[people/Trump]] [[people/nicolás maduro|he]] [[ships/Trump]] "
                                      "[[people/donald-trum]] [[meting]]\n"),
             "content/briefs/2025-12-02-meeting-two.md": brief(GOOD_FRONT + "slug: meting-two")}
    _, lines, err = check(tmp_path, files)
    assert lines == [
        f"{BRIEF}:6:47: warning: link [[ships/Trump]] points to no entity or brief "
        "(use an entity id, name or alias, or a brief's slug)",
        f"{BRIEF}:6:63: warning: link [[people/donald-trum]] points to no entity or brief "
        "(did you mean 'people/donald-trump'?)",
        f"{BRIEF}:6:86: warning: link [[meting]] points to no entity or brief (did you mean 'meeting' or "
        "'meting-two' or 'oval-meeting'?)"], err
    run_cli("build", tmp_path / "s", "--out", tmp_path / "out")
    links = parse_html((tmp_path / "out/briefs/meeting/index.html").read_text()).find("div", cls="prose").find_all("a")
    assert [(a.get("href"), a.text()) for a in links][:2] == [("../../people/donald-trump/", "Donald Trump"),
                                                            ("../../people/nicolas-maduro/", "he")]


def test_a_wikilink_to_a_draft_says_it_is_a_draft_and_resolves_with_drafts(tmp_path):
    files = {BRIEF: brief(GOOD_FRONT, "See [[draft-plan]].\n"),
             "content/briefs/2025-12-02-draft-plan.md": brief(GOOD_FRONT + "draft: true")}
    code, lines, err = check(tmp_path, files)
    assert code == 0, err
    assert lines == [f"{BRIEF}:6:5: warning: link [[draft-plan]] points to a draft brief "
                     "(content/briefs/2025-12-02-draft-plan.md), which this build leaves out (publish that brief "
                     "(remove its draft: true), or build with --drafts to preview it)"]
    site = tmp_path / "s"
    code, _, err = run_cli("build", site, "--out", tmp_path / "out", "--drafts", "--strict")
    assert code == 0, err
    page = parse_html((tmp_path / "out/briefs/meeting/index.html").read_text())
    assert page.find("div", cls="prose").find("a", href="../../briefs/draft-plan/").text() == "A brief"
    robots = parse_html((tmp_path / "out/briefs/draft-plan/index.html").read_text()).find_all("meta", name="robots")
    assert [m.get("content") for m in robots] == ["noindex"]  # a preview of a draft is not for search engines
    assert not page.find_all("meta", name="robots")
    code, _, err = run_cli("build", site, "--out", tmp_path / "out2")  # and from a build, cached or not
    assert code == 0 and "points to a draft brief" in err, err
    code, _, err = run_cli("build", site, "--out", tmp_path / "out2")
    assert code == 0 and "points to a draft brief" in err, err


def test_a_wikilink_to_a_name_that_entities_of_two_kinds_share_says_which_to_write(tmp_path):
    files = {BRIEF: brief(GOOD_FRONT, "See [[Maduro]].\n"),
             "content/ships/maduro.yaml": "name: Maduro\n"}
    _code, lines, err = check(tmp_path, files)
    assert lines == [f"{BRIEF}:6:5: warning: link [[Maduro]] names more than one entity "
                     "(people/nicolas-maduro, ships/maduro) (write the kind and id of the one it means, "
                     "as [[people/nicolas-maduro]])"], err


def test_unclosed_wikilink_in_a_table_is_located_and_an_escaped_pipe_keeps_it_whole(tmp_path):
    body = ("First line.\n\n| When | What |\n|---|---|\n| Monday | Met [[donald-trump|the president]]. |\n"
            "| Tuesday | Met [[donald-trump\\|the president]] again. |\n\nA [[stray opening.\n")
    files = {BRIEF: brief(GOOD_FRONT, body)}
    _code, lines, _ = check(tmp_path, files)
    hint = "(close it with ]]; in a table, write the | of [[target|text]] as \\|)"
    assert lines == [f"{BRIEF}:10:16: warning: link [[donald-trump is not closed with ]] {hint}",
                     f"{BRIEF}:13:3: warning: link [[stray opening. is not closed with ]] {hint}"]
    code, _, err = run_cli("build", tmp_path / "s", "--out", tmp_path / "out")
    assert code == 0, err
    page = tmp_path / "out/briefs/meeting/index.html"
    cells = [td for td in parse_html(page.read_text()).find_all("td") if "again" in td.text()]
    assert [a.text() for a in cells[0].find_all("a")] == ["the president"]


def test_an_unclosed_wikilink_is_located_where_it_is_when_its_text_comes_earlier_on_the_line(tmp_path):
    # The first cell holds the same "[[donald-trump" whole (escaped pipe); the second is the one cut open.
    body = ("| a | b |\n|---|---|\n| [[donald-trump\\|the president]] | [[donald-trump|him]] |\n\n"
            "[[donald-trump]] and [[donald-trump\n")
    _code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert [line.split(": warning")[0] for line in lines] == [f"{BRIEF}:8:37", f"{BRIEF}:10:22"], err


def test_all_problems_reported_at_once(tmp_path):
    files = {
        BRIEF: brief("title: 1\ndate: nope\nsummary: x\nbogus: 1"),
        "content/people/x.yaml": "name: [a]\n",
        "briefgen.yaml": "titel: x\n",
    }
    code, lines, _ = check(tmp_path, files)
    assert code == 1
    assert len(lines) >= 5
    assert {line.split(":")[0] for line in lines} >= {BRIEF, "content/people/x.yaml", "briefgen.yaml"}


def test_a_brief_with_a_bad_required_field_still_reports_every_other_problem_in_it(tmp_path):
    # The date and the title are errors that leave no brief to render; its references, claim statuses,
    # claim sources and [[links]] are checked all the same, in the same run.
    files = {BRIEF: brief("title: [a, b]\ndate: 2025-12-1\nsummary: x\npeople: [nobody-here]\n"
                          "sources:\n  - outlet: CNN\nclaims:\n  - text: C.\n    status: confimred\n"
                          "    source: Reuters", "See [[no-such-thing]].\n")}
    code, lines, err = check(tmp_path, files)
    assert code == 1
    assert [line.split(" (")[0] for line in lines] == [
        f"{BRIEF}:2:8: error: 'title' must be text, not a list",
        f"{BRIEF}:3:7: error: 'date' is not a valid date: '2025-12-1'",
        f"{BRIEF}:5:10: warning: unknown person 'nobody-here'",
        f"{BRIEF}:10:13: error: unknown claim status 'confimred'",
        f"{BRIEF}:11:13: error: claim source 'Reuters' is not one of this brief's sources",
        f"{BRIEF}:13:5: warning: link [[no-such-thing]] points to no entity or brief",
    ], err
    code, _, err = run_cli("build", tmp_path / "s", "--out", tmp_path / "out")
    assert code == 1 and "nothing was written" in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("front, file, first", [
    (GOOD_FRONT + "slug: Bad Slug!\n", BRIEF, "5:7: error: slug 'Bad Slug!' is not a valid URL name"),
    (GOOD_FRONT, "content/briefs/con.md", "1:1: error: the file name gives the URL name 'con', which is not valid"),
])
def test_a_brief_without_a_valid_url_name_still_reports_every_other_problem_in_it(tmp_path, front, file, first):
    body = "See [[alsoghost]].\n"
    extra = "people: [ghost]\nclaims:\n  - status: nope\n  - text: [a]\n    status: nope\n    source: Y\n"
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT.replace("A brief", "Other")),
                                        file: brief(front + extra, body)})
    assert code == 1
    got = [line.split(" (")[0].removeprefix(file + ":") for line in lines if line.startswith(file)]
    n = front.count("\n") + 1  # the line of "people:"
    assert got == [first, f"{n + 1}:10: warning: unknown person 'ghost'",
                   f"{n + 3}:5: error: a claim is missing the required field 'text'",
                   f"{n + 3}:13: error: unknown claim status 'nope'",
                   f"{n + 4}:11: error: 'text' must be text, not a list",
                   f"{n + 5}:13: error: unknown claim status 'nope'",
                   f"{n + 6}:13: error: claim source 'Y' is not one of this brief's sources",
                   f"{n + 8}:5: warning: link [[alsoghost]] points to no entity or brief"], err


def test_a_reference_to_an_entity_whose_file_has_errors_says_to_fix_that_file(tmp_path):
    code, lines, err = check(tmp_path, {"content/people/donald-trump.yaml": "name: Donald Trump\nrole President\n"})
    assert code == 1
    assert f"{BRIEF}:6:10: warning: unknown person 'donald-trump' (fix the errors in " \
           "content/people/donald-trump.yaml)" in lines, err


def test_a_site_without_content_is_warned_about(tmp_path):
    # A briefgen.yaml and nothing else: it builds an empty site, which --strict refuses.
    site = tmp_path / "nothing"
    site.mkdir()
    (site / "briefgen.yaml").write_text("title: Nothing yet\n")
    code, out, err = run_cli("check", site)
    assert code == 0 and "content:1:1: warning: there is no content/ folder in" in err
    code, out, err = run_cli("check", site, "--strict")
    assert code == 1 and "FAILED: 0 error(s), 1 warning(s) (--strict: warnings fail the build)" in out
    assert "no content/ folder" in run_cli("build", site, "--out", tmp_path / "out")[2]
    (site / "content").mkdir()  # the build that finds nothing else changed does not repeat the warning
    code, out, err = run_cli("build", site, "--out", tmp_path / "out", "--strict")
    assert code == 0 and "content/" not in err, err


def test_a_folder_that_is_no_site_is_refused_naming_the_site_it_is_in(tmp_path, monkeypatch):
    """Most likely the wrong folder: ``briefgen build`` in a site's ``content/briefs/`` wrote a whole site into
    the real site's content (which then failed every --strict build). Refused, naming the enclosing site."""
    site = make_site(tmp_path / "news", BASIC)
    inner = site / "content" / "briefs"
    before = sorted(p.relative_to(site) for p in site.rglob("*"))
    for command in ("build", "check", "deploy", "serve"):
        code, _, err = run_cli(command, inner)
        assert code == 2 and "Traceback" not in err, err
        assert err == (f"briefgen: error: {inner} is not a site folder (no briefgen.yaml or content/ in it), but is "
                       f"inside the site {site}: run the command there, or pass it: briefgen {command} {site}\n")
    monkeypatch.chdir(inner)
    assert run_cli("build")[0] == 2
    assert sorted(p.relative_to(site) for p in site.rglob("*")) == before  # nothing written anywhere
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run_cli("build", empty)
    assert code == 2 and "create a site with 'briefgen init DIR'" in err and not list(empty.iterdir())


def test_set_aside_folders_in_content_are_skipped_silently(tmp_path):
    code, lines, err = check(tmp_path, {"content/_old/x.md": "anything", "content/notes~/y.md": "anything"})
    assert (code, lines) == (0, []), err


def test_files_editors_leave_behind_are_skipped_silently_so_they_cannot_fail_a_strict_build(tmp_path):
    leftovers = ["a.tmp", "#notes.md#", "x.md___jb_old___", "4913", ".#x.md", "x.md.swp", "flycheck_x.md"]
    code, lines, err = check(tmp_path, {f"content/briefs/{name}": "anything" for name in leftovers}, "--strict")
    assert (code, lines) == (0, []), err


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "briefgen.yaml").write_text("title: A site\n")
    code, _, err = run_cli("build", tmp_path / "missing")
    assert code == 2 and "does not exist" in err
    code, _, err = run_cli("build", "--no-such-flag")
    assert code == 2 and err.strip() == ("briefgen: error: briefgen build: unrecognized arguments: --no-such-flag "
                                         "(see 'briefgen build --help')")
    code, _, err = run_cli("--no-such-flag", "build")
    assert code == 2 and err.strip() == "briefgen: error: briefgen: unrecognized arguments: --no-such-flag " \
                                        "(see 'briefgen --help')"
    code, _, err = run_cli("frobnicate")
    assert code == 2 and "Traceback" not in err
    for jobs in ("0", "-1", "two", "²"):
        code, _, err = run_cli("build", tmp_path, "--jobs", jobs)
        assert code == 2 and "argument --jobs/-j: must be a whole number of at least 1" in err
    code, _, err = run_cli("build", tmp_path, "--out", "")
    assert code == 2 and "argument --out: must not be empty" in err
    for url in ("https://example.com//evil.example/", "https://example.com]/", "https://example.com\nDisallow: /"):
        code, _, err = run_cli("build", tmp_path, "--base-url", url)
        assert code == 2 and "is not a site's address" in err and "Traceback" not in err
        assert len(err.splitlines()) == 1


def test_a_problem_is_always_one_line(tmp_path):
    # a file name or YAML key with line breaks cannot start a line of its own (in CI: a workflow command)
    files = {"content/briefs/x\n::error file=README.md::INJECTED\n.txt": "hi",
             BRIEF: brief(GOOD_FRONT + '"k\\n::warning::INJECTED": 1')}
    code, _, err = check(tmp_path, files)
    assert code == 1
    assert not [line for line in err.splitlines() if line.startswith("::")], err
    assert "content/briefs/x\\n::error file=README.md::INJECTED\\n.txt:1:1: warning:" in err
    assert "unknown field 'k\\n::warning::INJECTED'" in err
    # and so is what a build or serve says about the folders it was given
    code, out, err = run_cli("build", make_site(tmp_path / "ok", BASIC), "--out", tmp_path / "o\n::error::X")
    assert code == 0 and out.startswith(f"Built {tmp_path}/o\\n::error::X: ") and len(out.splitlines()) == 1, out


def test_version_and_help():
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith("briefgen ")
    for command in ("build", "check", "serve", "new", "init", "deploy"):
        code, out, _ = run_cli(command, "--help")
        assert code == 0 and "usage: briefgen " + command in out


def test_drafts_only_with_flag(tmp_path):
    site = make_site(tmp_path / "s", {**BASIC, "content/briefs/2025-12-02-draft.md": brief(GOOD_FRONT + "draft: true")})
    assert run_cli("build", site, "--out", tmp_path / "a", "-q")[0] == 0
    assert not (tmp_path / "a/briefs/draft").exists()
    assert run_cli("build", site, "--out", tmp_path / "b", "-q", "--drafts")[0] == 0
    assert (tmp_path / "b/briefs/draft/index.html").is_file()


def test_a_draft_built_as_a_preview_is_in_no_feed_and_not_in_the_sitemap(tmp_path):
    """``--drafts`` builds a preview whose draft pages say noindex: should it be published, the sitemap does not
    list them to search engines and no feed announces them to readers (an entity's feed included)."""
    draft = brief("title: Embargoed plan\ndate: 2025-12-09\nsummary: Secret.\npeople: [donald-trump]\n"
                  "draft: true")
    site = make_site(tmp_path / "s", {**BASIC, "content/briefs/2025-12-09-draft.md": draft})
    out = tmp_path / "b"
    code, _, err = run_cli("build", site, "--out", out, "--drafts", "--base-url", "https://x.org/")
    assert code == 0, err
    assert b'content="noindex"' in (out / "briefs/draft/index.html").read_bytes()
    for path in ("sitemap.xml", "feed.xml", "people/donald-trump/feed.xml"):
        text = (out / path).read_text()
        assert "briefs/draft/" not in text and "Embargoed" not in text, path
    assert all("briefs/meeting/" in (out / path).read_text() for path in ("sitemap.xml", "feed.xml"))
    assert "2025-12-09" not in (out / "feed.xml").read_text()  # nor dated by it


def test_build_writes_site_with_cross_links(basic_site, tmp_path):
    out = tmp_path / "out"
    code, stdout, err = run_cli("build", basic_site, "--out", out, "--strict")
    assert code == 0, err
    assert "files written" in stdout
    for rel in ("index.html", "briefs/meeting/index.html", "people/donald-trump/index.html",
                "people/donald-trump/feed.xml", "events/oval-meeting/index.html", "claims/reported/index.html",
                "timeline/index.html", "tags/venezuela/index.html", "feed.xml", "sitemap.xml", "robots.txt",
                "404.html", ".nojekyll"):
        assert (out / rel).is_file(), rel


def test_status_false_unquoted_is_the_false_status(tmp_path):
    files = {BRIEF: brief(GOOD_FRONT + "claims:\n  - text: A claim.\n    status: false\n"
                          "  - text: Another.\n    status: no")}
    code, lines, _ = check(tmp_path, files)
    assert code == 1
    assert lines == [f"{BRIEF}:9:13: error: unknown claim status 'no' (did you mean 'denied'?)"] or \
        lines[0].startswith(f"{BRIEF}:9:13: error: unknown claim status 'no'")


def test_only_the_first_links_that_point_nowhere_are_compared_with_every_name(tmp_path):
    from briefgen import resolve

    body = " ".join(f"[[donald-trum-{i}]]" for i in range(resolve.MAX_SUGGESTED + 5)) + " [[donald-trum]]\n"
    _, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    suggested = [line for line in lines if "did you mean" in line]
    assert len(lines) == resolve.MAX_SUGGESTED + 6 and len(suggested) == resolve.MAX_SUGGESTED, err
    assert "[[donald-trum-0]] points to no entity or brief (did you mean 'donald-trump'" in suggested[0]
