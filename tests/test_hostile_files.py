"""Hostile files: every one costs a located `path:line:col: error|warning:` line and
exit status 1 (or a documented warning and 0), never a traceback and never a hang.

Covers YAML alias bombs, the size limit, deep nesting, tabs, BOM, CRLF, bytes that
are not UTF-8, NUL and other control characters, the `---` edge cases, YAML 1.1
surprises, hostile ids and slugs (.., /, \\, absolute paths, NUL, Windows device
names, look-alikes), slugs that collide on case- or normalisation-insensitive file
systems, and symlinks, loops and FIFOs in content/."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen import frontmatter

from .conftest import REPO, make_site, run_cli

B = "content/briefs/2025-12-01-hostile.md"
GOOD = "title: T\ndate: 2025-12-01\nsummary: S\n"


def brief(front: str = "", body: str = "Body.\n", good: str = GOOD) -> str:
    return "---\n" + good + front + "---\n" + body


def site(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A site with exactly these bytes (conftest's make_site dedents text; here nothing is changed)."""
    return make_site(tmp_path / "s", {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in files.items()})


def problems(tmp_path: Path, files: dict[str, str | bytes], *args: str, command: str = "check"):
    """Run the command; return (exit code, the diagnostic lines, all output). Never a traceback."""
    root = site(tmp_path, files)
    extra = ["--out", str(tmp_path / "out")] if command == "build" else []
    code, out, err = run_cli(command, root, *extra, *args)
    assert "Traceback" not in out + err, out + err
    lines = [line for line in err.splitlines() if ": error: " in line or ": warning: " in line]
    return code, lines, out + err


@pytest.fixture(autouse=True)
def no_hang():
    """Every test here must finish quickly: a hang is a failure, not a stuck suite."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def hung(signum, frame):
        raise TimeoutError("hung: a hostile file must never stall the build")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_line(lines: list[str], expected: str) -> str:
    """The diagnostic line starting with ``expected`` (path:line:col: severity: message…)."""
    found = [line for line in lines if line.startswith(expected)]
    assert found, f"expected a line starting with {expected!r}, got:\n" + "\n".join(lines)
    return found[0]


# --- one file, one located problem --------------------------------------------------------------

CTRL_NAME = "content/briefs/bad\x1b[31mname.md"

CASES = [
    # (id, files, exit code, expected line start)
    # encodings and bytes
    ("nul-byte", {B: b"---\ntitle: T\nda\x00te: 2025-12-01\nsummary: S\n---\n"}, 1,
     f"{B}:3:3: error: the file contains a NUL byte"),
    ("not-utf8-latin1", {B: b"---\ntitle: caf\xe9\ndate: 2025-12-01\nsummary: S\n---\n"}, 1,
     f"{B}:2:11: error: the file is not valid UTF-8 (byte 0xe9)"),
    ("not-utf8-column-in-characters", {B: "---\ntitle: éé".encode() + b"\xff\n---\n"}, 1,
     f"{B}:2:10: error: the file is not valid UTF-8 (byte 0xff)"),
    ("utf16", {B: "---\ntitle: T\n---\n".encode("utf-16")}, 1,
     f"{B}:1:1: error: the file is UTF-16 (save it as UTF-8"),
    ("control-char-in-body", {B: brief(body="Text \x1b[2J cleared.\n")}, 1,
     f"{B}:6:6: error: the file contains the control character U+001B"),
    ("form-feed-from-pdf", {B: brief(body="Page one.\n\x0c\nPage two.\n")}, 1,
     f"{B}:7:1: error: the file contains the control character U+000C"),
    ("control-escape-in-yaml-text", {B: brief(good='title: "a\\x01b"\ndate: 2025-12-01\nsummary: S\n')}, 1,
     f"{B}:2:8: error: 'title' contains the control character U+0001"),
    ("noncharacter-escape-in-fact", {"content/people/ann.yaml": 'name: Ann\nrole: "x\\uFFFEy"\n'}, 1,
     "content/people/ann.yaml:2:7: error: 'role' contains the control character U+FFFE"),
    ("control-escape-in-key", {"content/people/ann.yaml": 'name: Ann\n"ro\\x07le": x\n'}, 1,
     "content/people/ann.yaml:2:1: error: a key in the person contains the control character U+0007"),
    ("control-char-in-file-name", {CTRL_NAME: brief()}, 1,
     "content/briefs:1:1: error: the name 'bad\\x1b[31mname.md' has control characters"),
    ("lone-surrogate-escape", {B: brief(good='title: "\\ud800"\ndate: 2025-12-01\nsummary: S\n')}, 1,
     f"{B}:2:11: error: YAML syntax error: found invalid Unicode character escape code"),
    # tabs
    ("tab-indentation", {B: brief("tags:\n\t- a\n")}, 1, f"{B}:6:1: error: a tab is used for indentation"),
    ("tab-after-spaces", {"content/people/ann.yaml": "name: Ann\naliases:\n  \t- A\n"}, 1,
     "content/people/ann.yaml:3:3: error: a tab is used for indentation"),
    # front matter fences
    ("no-closing-fence", {B: "---\ntitle: T\ndate: 2025-12-01\nsummary: S\nBody.\n"}, 1,
     f"{B}:1:1: error: the front matter is never closed"),
    ("no-front-matter", {B: "# Just Markdown\n"}, 1, f"{B}:1:1: error: the file does not start with front matter"),
    ("blank-line-before-fence", {B: "\n" + brief()}, 1, f"{B}:1:1: error: the file does not start with front matter"),
    ("four-dashes", {B: "----\n" + GOOD + "---\n"}, 1, f"{B}:1:1: error: the file does not start with front matter"),
    ("empty-file", {B: ""}, 1, f"{B}:1:1: error: the file does not start with front matter"),
    ("empty-front-matter", {B: "---\n---\nBody.\n"}, 1,
     f"{B}:1:1: error: the brief's front matter is missing the required field 'date'"),
    ("front-matter-is-a-list", {B: "---\n- a\n- b\n---\n"}, 1,
     f"{B}:2:1: error: the brief's front matter must be a mapping of 'key: value' lines, not a list"),
    ("front-matter-is-text", {B: "---\njust words\n---\n"}, 1,
     f"{B}:2:1: error: the brief's front matter must be a mapping of 'key: value' lines, not text"),
    ("second-yaml-document", {"content/people/ann.yaml": "name: Ann\n---\nname: Bob\n"}, 1,
     "content/people/ann.yaml:2:1: error: YAML syntax error: but found another document"),
    ("yaml-error-at-end-of-file", {"briefgen.yaml": "["}, 1, "briefgen.yaml:1:2: error: YAML syntax error"),
    ("yaml-line-breaks-ls-ps", {B: "---\ntitle: T\u2028\ndate: 2025-12-01\nsummary: 'S\u2029x'\nbogus: 1\n---\n"},
     1, f"{B}:5:1: error: unknown field 'bogus'"),
    ("c1-control-nel", {B: brief(good="title: Wait\x85 what\ndate: 2025-12-01\nsummary: S\n")}, 1,
     f"{B}:2:12: error: the file contains the control character U+0085"),
    ("empty-entity-file", {"content/people/ann.yaml": ""}, 1,
     "content/people/ann.yaml:1:1: error: the person is missing the required field 'name'"),
    # YAML 1.1 surprises where text is expected: reported, never converted
    ("yaml11-no-title", {B: brief(good="title: no\ndate: 2025-12-01\nsummary: S\n")}, 1,
     f"{B}:2:8: error: 'title' must be text, but YAML reads 'no' as true/false (put it in quotes: title: \"no\")"),
    ("yaml11-on-tag", {B: brief("tags: [venezuela, on]\n")}, 1,
     f"{B}:5:19: error: an item of 'tags' must be text, but YAML reads 'on' as true/false (put it in quotes: \"on\")"),
    ("yaml11-yes-alias", {"content/people/ann.yaml": "name: Ann\naliases: [Yes]\n"}, 1,
     "content/people/ann.yaml:2:11: error: an item of 'aliases' must be text, but YAML reads 'Yes' as true/false"),
    ("yaml11-sexagesimal", {B: brief(good="title: T\ndate: 2025-12-01\nsummary: 1:30\n")}, 1,
     f"{B}:4:10: error: 'summary' must be text, but YAML reads '1:30' as a number"),
    ("yaml11-timestamp-title", {B: brief(good="title: 2025-12-01 10:00:00\ndate: 2025-12-01\nsummary: S\n")}, 1,
     f"{B}:2:8: error: 'title' must be text, but YAML reads '2025-12-01 10:00:00' as a date"),
    ("yaml11-claim-by-yes", {B: brief("claims:\n  - text: A claim.\n    status: reported\n    by: yes\n")}, 1,
     f"{B}:8:9: error: 'by' must be text, but YAML reads 'yes' as true/false"),
    ("yaml-python-tag", {B: brief(good="title: !!python/object/apply:os.system [id]\ndate: 2025-12-01\nsummary: S\n")},
     1, f"{B}:2:8: error: 'title' has the YAML tag !!python/object/apply:os.system, which is not allowed"),
    ("yaml-merge-key", {"content/people/ann.yaml": "base: &b {role: x}\nname: Ann\n<<: *b\n"}, 1,
     "content/people/ann.yaml:3:1: error: YAML merge keys (<<) are not supported"),
    # hostile slugs and ids
    ("slug-dotdot", {B: brief("slug: ..\n")}, 1, f"{B}:5:7: error: slug '..' is not a valid URL name"),
    ("slug-traversal", {B: brief("slug: ../../etc/cron.d/x\n")}, 1,
     f"{B}:5:7: error: slug '../../etc/cron.d/x' is not a valid URL name"),
    ("slug-slash", {B: brief("slug: a/b\n")}, 1, f"{B}:5:7: error: slug 'a/b' is not a valid URL name"),
    ("slug-backslash", {B: brief('slug: "a\\\\b"\n')}, 1, f"{B}:5:7: error: slug 'a\\\\b' is not a valid URL name"),
    ("slug-absolute", {B: brief("slug: /etc/passwd\n")}, 1, f"{B}:5:7: error: slug '/etc/passwd' is not a valid"),
    ("slug-windows-absolute", {B: brief('slug: "C:\\\\Windows"\n')}, 1,
     f"{B}:5:7: error: slug 'C:\\\\Windows' is not a valid URL name"),
    ("slug-nul", {B: brief('slug: "a\\0b"\n')}, 1, f"{B}:5:7: error: 'slug' contains the control character U+0000"),
    ("slug-con", {B: brief("slug: con\n")}, 1, f"{B}:5:7: error: slug 'con' is not a valid URL name ('con' is a "
                                                "device name on Windows"),
    ("slug-com1", {B: brief("slug: com1\n")}, 1, f"{B}:5:7: error: slug 'com1' is not a valid URL name"),
    ("slug-upper-nul", {B: brief("slug: NUL\n")}, 1, f"{B}:5:7: error: slug 'NUL' is not a valid URL name"),
    ("slug-cyrillic-lookalike", {B: brief("slug: оval-office\n")}, 1,
     f"{B}:5:7: error: slug 'оval-office' is not a valid URL name"),
    ("slug-fullwidth", {B: brief("slug: ｏｖａｌ\n")}, 1, f"{B}:5:7: error: slug 'ｏｖａｌ' is not a valid URL name"),
    ("slug-trailing-dot", {B: brief("slug: 'oval.'\n")}, 1, f"{B}:5:7: error: slug 'oval.' is not a valid URL name"),
    ("brief-file-aux", {"content/briefs/aux.md": brief()}, 1,
     "content/briefs/aux.md:1:1: error: the file name gives the URL name 'aux', which is not valid"),
    ("brief-file-dated-lpt1", {"content/briefs/2025-12-01-LPT1.md": brief()}, 1,
     "content/briefs/2025-12-01-LPT1.md:1:1: error: the file name gives the URL name 'lpt1', which is not valid"),
    ("entity-file-con", {"content/people/con.yaml": "name: Con\n"}, 1,
     "content/people/con.yaml:1:1: error: 'con' is not a valid entity id"),
    ("entity-file-nul-md", {"content/places/nul.md": "---\nname: Nul\n---\n"}, 1,
     "content/places/nul.md:1:1: error: 'nul' is not a valid entity id"),
    ("entity-file-com9", {"content/ships/com9.yaml": "name: C\n"}, 1,
     "content/ships/com9.yaml:1:1: error: 'com9' is not a valid entity id"),
    ("entity-file-accented", {"content/people/nicolás.yaml": "name: N\n"}, 1,
     "content/people/nicolás.yaml:1:1: error: 'nicolás' is not a valid entity id"),
    ("entity-file-dots", {"content/people/x..y.yaml": "name: N\n"}, 1,
     "content/people/x..y.yaml:1:1: error: 'x..y' is not a valid entity id"),
    ("tag-con", {B: brief("tags: [venezuela, CON]\n")}, 1,
     f"{B}:5:19: error: tag 'CON' would have the URL name 'con'"),
    ("claim-id-nul", {B: brief("claims:\n  - text: A claim.\n    status: reported\n    id: nul\n")}, 1,
     f"{B}:8:9: error: claim id 'nul' is not a valid anchor"),
    ("kind-aux", {"briefgen.yaml": "entity_kinds:\n  aux: {label: Aux}\n"}, 1,
     "briefgen.yaml:2:3: error: 'aux' cannot be an entity kind"),
    ("status-prn", {"briefgen.yaml": "claim_statuses:\n  prn: {label: P}\n"}, 1,
     "briefgen.yaml:2:3: error: 'prn' cannot be a claim status"),
    ("kind-traversal", {"briefgen.yaml": "entity_kinds:\n  ../x: {label: X}\n"}, 1,
     "briefgen.yaml:2:3: error: '../x' cannot be an entity kind"),
    # slugs that collide where names are case- or normalisation-insensitive (macOS, Windows)
    ("slugs-differ-in-case", {"content/briefs/Meeting.md": brief(), "content/briefs/meeting.md": brief()}, 1,
     "content/briefs/meeting.md:1:1: error: duplicate brief slug 'meeting' (also 'content/briefs/Meeting.md'"),
    ("slugs-differ-in-normalisation", {"content/briefs/caf\u00e9.md": brief(),
                                       "content/briefs/cafe\u0301.md": brief()}, 1,
     "content/briefs/caf\u00e9.md:1:1: error: duplicate brief slug 'cafe' (also 'content/briefs/cafe\\u0301.md'"),
    ("slug-vs-file-name", {"content/briefs/2025-12-01-oval.md": brief(),
                           "content/briefs/other.md": brief("slug: oval\n")}, 1,
     "content/briefs/other.md:5:7: error: duplicate brief slug 'oval' (also content/briefs/2025-12-01-oval.md)"),
    ("explicit-slug-upper-case", {B: brief("slug: Oval\n")}, 1, f"{B}:5:7: error: slug 'Oval' is not a valid URL"),
]


@pytest.mark.parametrize(("files", "code", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_file_is_located(tmp_path, files, code, expected):
    got, lines, output = problems(tmp_path, files)
    assert got == code, output
    assert_line(lines, expected)


def test_hostile_files_fail_the_build_and_write_nothing(tmp_path):
    code, _, output = problems(tmp_path, {B: b"---\ntitle: caf\xe9\n---\n"}, command="build")
    assert code == 1
    assert "nothing was written" in output
    assert not (tmp_path / "out").exists()


# --- fences, BOM and CRLF that are fine ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    pytest.param("---   \n" + GOOD + "---\t \nBody.\n", id="fences-with-trailing-whitespace"),
    pytest.param("---\n" + GOOD + "---", id="front-matter-only-no-newline"),
    pytest.param("---\n" + GOOD + "---\n", id="front-matter-only"),
    pytest.param("---\n" + GOOD + "...\nBody.\n", id="yaml-document-end-marker"),
    pytest.param("---\n" + GOOD + "---\nBody.\n\n---\n\nA rule above.\n", id="body-with-thematic-break"),
    pytest.param("---\n" + GOOD + "tags:\t[a]\n---\nBody\twith a tab.\n", id="tabs-that-are-not-indentation"),
])
def test_fence_edge_cases_that_are_valid(tmp_path, text):
    code, lines, output = problems(tmp_path, {B: text}, "--strict")
    assert (code, lines) == (0, []), output


def test_bom_and_crlf_keep_lines_and_columns(tmp_path):
    text = ("---\r\n" + GOOD.replace("\n", "\r\n") + "bogus: 1\r\n---\r\nLine one.\r\n\r\nSee [[nobody]].\r\n")
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode(), text.replace("\r\n", "\r").encode()):
        code, lines, output = problems(tmp_path, {B: data})
        assert code == 1, output
        assert lines == [f"{B}:5:1: error: unknown field 'bogus' in the brief's front matter (known fields: claims, "
                         "date, draft, events, organizations, people, places, ships, slug, sources, summary, tags, "
                         "title, updated)",
                         f"{B}:9:5: warning: link [[nobody]] points to no entity or brief (use an entity id, name or "
                         "alias, or a brief's slug)"], output


def test_bom_file_builds(tmp_path):
    code, _, output = problems(tmp_path, {B: b"\xef\xbb\xbf" + brief().encode(),
                                          "content/people/ann.yaml": b"\xef\xbb\xbfname: Ann\r\n"}, command="build")
    assert code == 0, output
    assert (tmp_path / "out/briefs/hostile/index.html").is_file()
    assert (tmp_path / "out/people/ann/index.html").is_file()


def test_yaml11_facts_are_shown_as_written(tmp_path):
    """Facts take any scalar exactly as written: `no`, `1:30`, `0x1F` and dates are not converted."""
    files = {B: brief("people: [ann]\n"),
             "content/people/ann.yaml": "name: Ann\nactive: no\nduration: 1:30\nhull: 0x1F\nborn: 2001-02-03\n"}
    code, _, output = problems(tmp_path, files, "--strict", command="build")
    assert code == 0, output
    html = (tmp_path / "out/people/ann/index.html").read_text()
    for value in ("<td>no</td>", "<td>1:30</td>", "<td>0x1F</td>", "<td>2001-02-03</td>"):
        assert value in html


def test_claim_status_false_is_the_status_named_false(tmp_path):
    code, lines, output = problems(tmp_path, {B: brief("claims:\n  - text: A claim.\n    status: false\n")},
                                   "--strict")
    assert (code, lines) == (0, []), output


def test_windows_device_name_reference_makes_no_stub_page(tmp_path):
    code, lines, output = problems(tmp_path, {B: brief("people: [Con]\n")}, command="build")
    assert code == 0, output
    assert_line(lines, f"{B}:5:10: warning: unknown person 'Con'")
    assert not (tmp_path / "out/people/con").exists()


# --- size limit ------------------------------------------------------------------------------------

def test_size_limit_is_configurable(tmp_path):
    files = {"briefgen.yaml": "max_file_size: 200\n", B: brief(body="x" * 300 + "\n")}
    code, lines, output = problems(tmp_path, files)
    assert code == 1, output
    assert_line(lines, f"{B}:1:1: error: the file is 346 bytes, over the limit of 200 (split it, or raise "
                       "max_file_size in briefgen.yaml)")


def test_default_size_limit(tmp_path):
    code, lines, output = problems(tmp_path, {B: brief(body="x" * 1_000_000)})
    assert code == 1, output
    assert_line(lines, f"{B}:1:1: error: the file is 1,000,045 bytes, over the limit of 1,000,000")


def test_size_limit_applies_to_the_config_too(tmp_path):
    code, _, output = problems(tmp_path, {"briefgen.yaml": "title: x\n" + "#" * 1_000_001 + "\n"})
    assert code == 1, output
    assert "briefgen.yaml:1:1: error: the file is 1,000,011 bytes, over the limit of 1,000,000" in output


# --- alias bombs -----------------------------------------------------------------------------------

def test_billion_laughs_is_bounded(tmp_path):
    """The classic bomb: nine levels of nine aliases. Aliases are shared nodes, never expanded;
    the few places that read them are counted, so it costs a handful of errors and no time."""
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    files = {B: brief(bomb + "tags: *lol9\npeople: *lol9\nclaims: *lol9\n"),
             "content/people/ann.yaml": "name: Ann\n" + bomb + "aliases: *lol9\nlinks: *lol9\n"}
    start = time.monotonic()
    code, found, output = problems(tmp_path, files)
    assert time.monotonic() - start < 10
    assert code == 1, output
    assert len(found) < 200
    assert_line(found, f"{B}:5:1: error: unknown field 'lol0' in the brief's front matter")
    assert_line(found, f"{B}:13:7: error: an item of 'tags' must be text, not a list")
    assert_line(found, f"{B}:13:7: error: a claim must be a mapping of 'key: value' lines, not a list")
    assert_line(found, "content/people/ann.yaml:10:7: error: an item of 'aliases' must be text, not a list")


def test_alias_fan_out_is_cut_off_by_the_value_budget(tmp_path):
    fan = "c: &c {text: A claim., status: reported, about: [x, y]}\nclaims: [" + ", ".join(["*c"] * 20_000) + "]\n"
    start = time.monotonic()
    code, lines, output = problems(tmp_path, {B: brief(fan)})
    assert time.monotonic() - start < 10
    assert code == 1, output
    assert_line(lines, f"{B}:5:50: error: the file holds (or its YAML aliases expand to) more than 20,000 values "
                       "or 4,000,000 characters (remove aliases (*name) that repeat large blocks, or split it)")


def test_alias_of_a_long_text_is_cut_off_by_the_character_budget(tmp_path):
    """200 claims sharing one 100 kB note would be 20 MB of Markdown to render on several pages."""
    note = 'n: &n "' + "word " * 20_000 + '"\n'
    claims = "claims:\n" + "  - {text: A claim., status: reported, note: *n}\n" * 200
    start = time.monotonic()
    code, lines, output = problems(tmp_path, {B: brief(note + claims)})
    assert time.monotonic() - start < 10
    assert code == 1, output
    assert_line(lines, f"{B}:5:4: error: the file holds (or its YAML aliases expand to) more than 20,000 values")


def test_recursive_alias_is_not_followed(tmp_path):
    code, lines, output = problems(tmp_path, {B: brief("tags: &t [a, *t]\n")})
    assert code == 1, output
    assert_line(lines, f"{B}:5:7: error: an item of 'tags' must be text, not a list")


# --- deep nesting ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("front", "line"), [
    pytest.param("tags: " + "[" * 60 + "]" * 60 + "\n", 5, id="flow-sequences"),
    pytest.param("x: " + "{a: " * 60 + "b" + "}" * 60 + "\n", 5, id="flow-mappings"),
    pytest.param("x:\n" + "".join("  " * i + "- \n" for i in range(1, 60)), 55, id="block-sequences"),
    pytest.param("x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)), 55, id="block-mappings"),
    pytest.param("x:\n  " + "- " * 60 + "a\n", 6, id="compact-sequences"),
    pytest.param("x:\n  " + "? " * 60 + "a\n", 6, id="explicit-keys"),
])
@pytest.mark.parametrize("measured", ["on the nodes", "on the events"])
def test_deep_nesting_is_refused(tmp_path, monkeypatch, front, line, measured):
    """Short text is composed, then measured on its nodes; longer text is measured on the parser's
    events before composing (briefgen/frontmatter.py). Both say the same."""
    if measured == "on the events":
        monkeypatch.setattr(frontmatter, "SAFE_TO_COMPOSE", 0)
    code, lines, output = problems(tmp_path, {B: brief(front)})
    assert code == 1, output
    assert_line(lines, f"{B}:{line}:1: error: YAML nested more than 50 levels deep")


@pytest.mark.parametrize("measured", ["on the nodes", "on the events"])
def test_an_alias_counts_where_its_anchor_is_defined(tmp_path, monkeypatch, measured):
    if measured == "on the events":
        monkeypatch.setattr(frontmatter, "SAFE_TO_COMPOSE", 0)
    deep = "[" * 30 + "x" + "]" * 30
    code, lines, output = problems(tmp_path, {B: brief(f"a: &d {deep}\nb: {'[' * 30}*d{']' * 30}\n")})
    assert code == 1, output
    assert not any("nested" in line for line in lines), output
    assert any("unknown field 'a'" in line or "'a'" in line for line in lines), output


def test_long_front_matter_with_many_indicators_but_shallow_is_fine(tmp_path):
    claims = "claims:\n" + "".join(f'  - text: "Claim - {i} - with: dashes - and ? marks [ {{"\n'
                                   f"    status: reported\n" for i in range(300))
    code, lines, output = problems(tmp_path, {B: brief(claims)}, "--strict")
    assert (code, lines) == (0, []), output


def test_nesting_just_under_the_limit_is_fine(tmp_path):
    code, lines, output = problems(tmp_path, {B: brief("tags: " + "[" * 49 + "]" * 49 + "\n")})
    assert code == 1, output
    assert_line(lines, f"{B}:5:8: error: an item of 'tags' must be text, not a list")
    assert not any("nested" in line for line in lines)


@pytest.mark.parametrize("front", ["'" + "[" * 80 + "'\n", "- '" + "[" * 80 + "'\n"], ids=["scalar", "list"])
def test_front_matter_of_one_text_full_of_brackets_is_not_nesting(tmp_path, front):
    code, lines, output = problems(tmp_path, {B: brief(front, good="")})
    assert code == 1, output
    assert lines and not any("nested" in line for line in lines), output


def test_brackets_inside_text_are_not_nesting(tmp_path):
    claims = "claims:\n" + "".join(f'  - text: "Claim [{i} with an open bracket"\n    status: reported\n'
                                   for i in range(80))
    code, lines, output = problems(tmp_path, {B: brief(claims)}, "--strict")
    assert (code, lines) == (0, []), output


def test_very_deep_explicit_keys_do_not_crash_the_interpreter(tmp_path):
    """A few hundred thousand `? ` levels crash PyYAML's C composer (a segfault, not an exception):
    run in a subprocess so a regression fails this test instead of killing the test run."""
    root = site(tmp_path, {B: "---\n" + "? " * 300_000 + "a\n---\n"})
    proc = subprocess.run([sys.executable, "-m", "briefgen", "check", str(root)], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert f"{B}:2:1: error: YAML nested more than 50 levels deep" in proc.stderr
    assert "Traceback" not in proc.stderr


# --- symlinks, loops, FIFOs ------------------------------------------------------------------------

posix_only = pytest.mark.skipif(os.name != "posix", reason="symlinks and FIFOs as on POSIX")


@posix_only
def test_symlinked_file_outside_the_site_is_ignored_with_a_warning(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(brief(good="title: SECRET-TITLE\ndate: 2025-12-01\nsummary: S\n"))
    root = site(tmp_path, {B: brief()})
    (root / "content/briefs/leak.md").symlink_to(secret)
    (root / "content/people").mkdir()
    (root / "content/people/passwd.yaml").symlink_to("/etc/passwd")
    code, _, err = run_cli("build", root, "--out", tmp_path / "out")
    assert code == 0, err
    assert "content/briefs/leak.md:1:1: warning: symlink pointing outside the site is ignored" in err
    assert "content/people/passwd.yaml:1:1: warning: symlink pointing outside the site is ignored" in err
    built = "".join(p.read_text(errors="replace") for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert "SECRET-TITLE" not in built and "root:" not in built
    code, _, err = run_cli("build", root, "--out", tmp_path / "out", "--strict")
    assert code == 1


@posix_only
def test_symlinked_folder_outside_the_site_is_ignored_with_a_warning(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "ann.yaml").write_text("name: Ann\n")
    root = site(tmp_path, {B: brief()})
    (root / "content/people").symlink_to(outside)
    (root / "content/briefs/more").symlink_to(outside)
    code, lines, output = problems(tmp_path, {})
    assert code == 0, output
    assert_line(lines, "content/people:1:1: warning: symlink to a folder outside the site is ignored")
    assert_line(lines, "content/briefs/more:1:1: warning: symlink pointing outside the site is ignored")


@posix_only
def test_symlink_inside_the_site_is_followed(tmp_path):
    root = site(tmp_path, {"drafts/x.md": brief(good="title: Inside\ndate: 2025-12-01\nsummary: S\n")})
    (root / "content/briefs").mkdir(parents=True)
    (root / "content/briefs/x.md").symlink_to(root / "drafts/x.md")
    code, _, err = run_cli("build", root, "--out", tmp_path / "out", "--strict")
    assert code == 0, err
    assert "Inside" in (tmp_path / "out/briefs/x/index.html").read_text()


@posix_only
def test_symlink_loops_end_with_a_warning(tmp_path):
    root = site(tmp_path, {B: brief()})
    (root / "content/briefs/up").symlink_to("..")  # content/briefs/up/briefs/up/... forever
    (root / "content/briefs/self.md").symlink_to("self.md")
    code, lines, output = problems(tmp_path, {})
    assert code == 0, output
    assert_line(lines, "content/briefs/up/briefs:1:1: warning: folder already read (a symlink loop) is ignored")
    assert_line(lines, "content/briefs/self.md:1:1: warning: symlink loop is ignored")


@posix_only
def test_a_symlink_to_nothing_is_said_to_be_one(tmp_path):
    root = site(tmp_path, {B: brief()})
    (root / "content/briefs/gone.md").symlink_to("moved-away.md")
    code, lines, output = problems(tmp_path, {})
    assert code == 0, output
    assert_line(lines, "content/briefs/gone.md:1:1: warning: symlink to nothing (its target does not exist) is ignored")


@posix_only
def test_fifo_is_an_error_not_a_hang(tmp_path):
    root = site(tmp_path, {B: brief()})
    os.mkfifo(root / "content/briefs/pipe.md")
    code, lines, output = problems(tmp_path, {})
    assert code == 1, output
    assert_line(lines, "content/briefs/pipe.md:1:1: error: not a regular file (a pipe, socket or device)")
