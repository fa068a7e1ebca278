"""Links in Markdown bodies that do not do what they seem: each is a warning at its line and column with
the likely fix, and is rendered as sensibly as it can be (``[[target|]]``, ``[[target\\|text]]``, links with a
scheme that is not published, web addresses without ``https://``, links to a file that has errors)."""

from __future__ import annotations

from .conftest import BASIC, make_site, parse_html, run_cli
from .test_validation import BRIEF, GOOD_FRONT, brief, check


def prose(out, slug: str = "meeting"):
    return parse_html((out / f"briefs/{slug}/index.html").read_text()).find("div", cls="prose")


def build_site(tmp_path, files: dict[str, str], *args: str):
    site = make_site(tmp_path / "s", {**BASIC, **files})
    code, _, err = run_cli("build", site, "--out", tmp_path / "out", *args)
    assert code == 0 and "Traceback" not in err, err
    return tmp_path / "out", err


def test_a_wikilink_with_an_empty_text_is_a_warning_and_shows_the_name(tmp_path):
    body = "See [[donald-trump|]], [[Trump| ]] and [[nobody|]].\n"
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert lines == [
        f"{BRIEF}:6:5: warning: link [[donald-trump|]] has no text after its |; it shows 'Donald Trump' "
        "(write [[donald-trump]], or the link's text after the |)",
        f"{BRIEF}:6:24: warning: link [[Trump|]] has no text after its |; it shows 'Donald Trump' "
        "(write [[Trump]], or the link's text after the |)",
        f"{BRIEF}:6:40: warning: link [[nobody]] points to no entity or brief "
        "(use an entity id, name or alias, or a brief's slug)"], err
    assert run_cli("check", tmp_path / "s", "--strict")[0] == 1
    out, _ = build_site(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    text = prose(out)
    assert [(a.get("href"), a.text()) for a in text.find_all("a", cls="wikilink")] == [
        ("../../people/donald-trump/", "Donald Trump"), ("../../people/donald-trump/", "Donald Trump")]
    assert "[[" not in text.text() and text.text().endswith("and nobody.")


def test_an_escaped_pipe_is_located_in_a_table_and_works_outside_one(tmp_path):
    body = ("First line.\n\n[[donald-trump\\|Trump]] and [[ghost\\|Ghost]].\n\n| a | b |\n|---|---|\n"
            "| [[bad-one]] | [[zz3\\|y]] |\n| [[zz3\\|y]] x [[zz3\\|y]] | b |\n")
    _code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert [line.split(" (")[0] for line in lines] == [
        f"{BRIEF}:8:29: warning: link [[ghost]] points to no entity or brief",
        f"{BRIEF}:12:3: warning: link [[bad-one]] points to no entity or brief",
        f"{BRIEF}:12:17: warning: link [[zz3]] points to no entity or brief",
        f"{BRIEF}:13:3: warning: link [[zz3]] points to no entity or brief",  # the same link twice in a cell
        f"{BRIEF}:13:16: warning: link [[zz3]] points to no entity or brief",
    ], err
    out, _ = build_site(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    links = prose(out).find_all("p")[1].find_all("a")
    assert [(a.get("href"), a.text()) for a in links] == [("../../people/donald-trump/", "Trump")]
    assert "\\" not in prose(out).text()


def test_a_link_whose_scheme_is_not_published_or_that_lacks_https_is_a_warning(tmp_path):
    body = ("Call [the desk](tel:+15551234) or get [the file](ftp://x.org/f.pdf) from\n"
            "[CNN](www.cnn.com/story), [the BBC](bbc.co.uk/news) or [Reuters](reuters.com).\n\n"
            "![a map](ftp://x.org/map.png) <tel:+15551234> [x][ref] [y](javascript:alert(1))\n\n"
            "[ref]: data:text/html,x\n\n"
            "Kept: [notes](../notes.md) [a page](report.html) [top](/briefs/) [mail](mailto:a@b.org) <b>bold</b>\n")
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    scheme = ("is shown as text: only http, https, mailto and relative links are published (write an https:// "
              "or mailto: address, or the text alone; docs/security.md says why)")
    assert lines == [
        f"{BRIEF}:6:6: warning: link 'tel:+15551234' {scheme}",
        f"{BRIEF}:6:39: warning: link 'ftp://x.org/f.pdf' {scheme}",
        f"{BRIEF}:7:1: warning: link 'www.cnn.com/story' has no https://, so it is looked for on this site "
        "(write https://www.cnn.com/story if it is on another site)",
        f"{BRIEF}:7:27: warning: link 'bbc.co.uk/news' has no https://, so it is looked for on this site "
        "(write https://bbc.co.uk/news if it is on another site)",
        f"{BRIEF}:7:56: warning: link 'reuters.com' has no https://, so it is looked for on this site "
        "(write https://reuters.com if it is on another site)",
        f"{BRIEF}:9:1: warning: image 'ftp://x.org/map.png' {scheme}",
        f"{BRIEF}:9:31: warning: link 'tel:+15551234' {scheme}",
        f"{BRIEF}:9:56: warning: link 'javascript:alert(1)' {scheme}",
        f"{BRIEF}:11:1: warning: link 'data:text/html,x' {scheme}",
    ], err
    assert run_cli("check", tmp_path / "s", "--strict")[0] == 1
    out, _ = build_site(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    text = prose(out)
    hrefs = [a.get("href") for a in text.find_all("a")]
    # the policy is as it was: refused schemes stay text, relative links are kept, raw HTML is text
    assert hrefs == ["www.cnn.com/story", "bbc.co.uk/news", "reuters.com", "../notes.md", "report.html",
                     "/briefs/", "mailto:a@b.org"]
    assert "[the desk](tel:+15551234)" in text.text() and not text.find_all("img")
    assert "<b>bold</b>" in text.text()


def test_a_wikilink_to_a_file_with_errors_says_to_fix_that_file(tmp_path):
    files = {BRIEF: brief(GOOD_FRONT, "See [[x]], [[people/x]] and [[broken]].\n"),
             "content/people/x.yaml": "name: [unclosed\n",
             "content/briefs/2025-12-02-broken.md": "---\ntitle: [unclosed\n---\n"}
    code, lines, err = check(tmp_path, files)
    assert code == 1
    assert [line for line in lines if line.startswith(BRIEF)] == [
        f"{BRIEF}:6:5: warning: link [[x]] points to no entity or brief (fix the errors in content/people/x.yaml)",
        f"{BRIEF}:6:12: warning: link [[people/x]] points to no entity or brief "
        "(fix the errors in content/people/x.yaml)",
        f"{BRIEF}:6:29: warning: link [[broken]] points to no entity or brief "
        "(fix the errors in content/briefs/2025-12-02-broken.md)"], err


def test_a_refused_link_written_with_an_angle_bracketed_address_is_reported_once(tmp_path):
    body = "Call [the desk](<tel:+15551234>) or ![a map]( <ftp://x.org/m.png> ), or <tel:+15550000>.\n"
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert [line.split(" is shown")[0] for line in lines] == [
        f"{BRIEF}:6:6: warning: link 'tel:+15551234'",
        f"{BRIEF}:6:37: warning: image 'ftp://x.org/m.png'",
        f"{BRIEF}:6:73: warning: link 'tel:+15550000'",
    ], err


def test_checking_links_takes_linear_time_in_a_long_paragraph():
    """The link checks ran at every "!", "<", "-", ":"... of a paragraph, each reading on to its end: a 60 KB
    paragraph of "!a " took 90 seconds."""
    import time

    import markdown_it.helpers

    from briefgen.markdown import RenderEnv, make_markdown, render

    calls = []
    original = markdown_it.helpers.parseLinkLabel

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    markdown_it.helpers.parseLinkLabel = counted
    try:
        start = time.perf_counter()
        for text in ("!a " * 20000, "<a " * 20000, "a-b: c " * 20000):
            render(make_markdown(), text + "\n", RenderEnv(lambda t: None, []))
        elapsed = time.perf_counter() - start
    finally:
        markdown_it.helpers.parseLinkLabel = original
    assert calls == []  # (no "[" in them)
    assert elapsed < 10, elapsed


def test_a_problem_in_a_note_written_over_several_lines_is_located_at_its_line(tmp_path):
    """A note written over several lines (note: >- or |, as `briefgen init`'s sample brief writes it, or a quoted
    or plain scalar that goes on) has its problems at their own line and column, not at the note: line with
    a column past its end."""
    front = (GOOD_FRONT + "claims:\n"
             "  - text: One.\n"                           # line 6
             "    status: reported\n"
             "    note: >-\n"                             # line 8
             "      A folded note that names\n"
             "      [[nobody]] on its second line,\n"     # line 10
             "\n"
             "        more indented [x](tel:1),\n"      # line 12
             "      then [[ghost]].\n"                    # line 13
             "  - text: Two.\n"
             "    status: reported\n"
             "    note: |\n"                              # line 16
             "      Literal, [[nobody]] here\n"           # line 17
             "      and [[ghost]] there.\n"               # line 18
             "  - text: Three.\n"
             "    status: reported\n"
             "    note: On one line, [[nobody]].\n"       # line 21
             "  - text: Four.\n"
             "    status: reported\n"
             "    note: \"Quoted [[nobody]], and\n"       # line 24
             "      on [[ghost]].\"\n"                     # line 25
             "  - text: Five.\n"
             "    status: reported\n"
             "    note: Plain and [[nobody]]\n"          # line 28
             "      then [[ghost]]  # a comment\n")        # line 29
    code, lines, err = check(tmp_path, {BRIEF: brief(front)})
    assert code == 0, err
    assert [line.split(": warning: ")[0] for line in lines] == [
        f"{BRIEF}:{line}:{col}" for line, col in ((10, 7), (12, 23), (13, 12), (17, 16), (18, 11), (21, 24),
                                                  (24, 19), (25, 10), (28, 21), (29, 12))], err


def test_a_reference_definition_with_a_refused_address_is_one_warning_wherever_its_address_is(tmp_path):
    """[label]: url with a scheme that is not published is one warning at the definition: its address on the
    next line too, and one written <in angle brackets> (which was also reported as an autolink)."""
    body = ("See [a][r1], [b][r2] and [c][r3].\n\n"   # line 6
            "[r1]: <tel:1>\n\n"                       # line 8
            "[r2]:\n  tel:2\n\n"                      # line 10
            "[r3]:\n  <tel:3>\n")                     # line 13
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert [line.split(" is shown as text")[0] for line in lines] == [
        f"{BRIEF}:8:1: warning: link 'tel:1'", f"{BRIEF}:10:1: warning: link 'tel:2'",
        f"{BRIEF}:13:1: warning: link 'tel:3'"], err
    out, _ = build_site(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert prose(out).find_all("a") == []  # all three stay text


def test_an_autolink_in_the_text_of_a_refused_link_is_reported_too(tmp_path):
    """Only the <url> destination of a refused link goes unreported as an autolink, not one in its text."""
    body = "Call [the <tel:2> desk](<tel:1>), [the <tel:3> desk](tel:4) or <tel:5>.\n"
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert [line.split(" is shown as text")[0] for line in lines] == [
        f"{BRIEF}:6:6: warning: link 'tel:1'", f"{BRIEF}:6:11: warning: link 'tel:2'",
        f"{BRIEF}:6:35: warning: link 'tel:4'", f"{BRIEF}:6:40: warning: link 'tel:3'",
        f"{BRIEF}:6:64: warning: link 'tel:5'"], err


def test_a_label_followed_by_text_is_no_reference_definition_and_its_links_are_each_reported(tmp_path):
    """'[Update]:' then a line 'Update: ...' is a paragraph, not a definition of the address 'Update:'; and a
    <url> on a definition's line is left unreported only where the definition's own address is."""
    body = ("[Update]:\nUpdate: officials said more.\n\n"   # line 6
            "[Edit]: Note: this is text.\n\n"                 # line 9
            "[r]: <tel:1> and [x](tel:1)\n")                  # line 11
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert [line.split(" is shown as text")[0] for line in lines] == [
        f"{BRIEF}:11:6: warning: link 'tel:1'", f"{BRIEF}:11:18: warning: link 'tel:1'"], err


def test_unclosed_wikilinks_on_one_line_are_each_located_at_their_own_column(tmp_path):
    """Each [[ left open is reported where it is (the same text after each: it was found at the first, or
    not at all, and locating each searched the whole line again: a long line of them took minutes)."""
    body = "Open [[a and [[a and [[a and [[a\n"
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert [line.split(": warning: ")[0] for line in lines] == [f"{BRIEF}:6:{col}" for col in (6, 14, 22, 30)], err
    many = "[[a " * 3000
    code, lines, err = check(tmp_path / "many", {BRIEF: brief(GOOD_FRONT, many + "\n")})
    assert len(lines) == 3000 and lines[-1].startswith(f"{BRIEF}:6:11997: warning: link [[a is not closed"), err


def test_unclosed_wikilinks_in_table_cells_are_located_in_their_own_cell(tmp_path):
    """The same unclosed text in two cells of a row, or ending one cell and the row: each is located in its own
    cell (the first cell's was placed at the end of the row, or the second cell's at the first)."""
    body = ("| who | what |\n|---|---|\n"
            "| [[a | [[z [[a\n"            # line 8
            "| [[b | x [[b |\n")           # line 9
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert [line.split(" is not closed")[0] for line in lines] == [
        f"{BRIEF}:8:3: warning: link [[a", f"{BRIEF}:8:9: warning: link [[z [[a", f"{BRIEF}:8:13: warning: link [[a",
        f"{BRIEF}:9:3: warning: link [[b", f"{BRIEF}:9:11: warning: link [[b"], err


def test_a_wikilink_or_link_that_hard_wrapping_breaks_onto_the_next_line_works_and_is_located(tmp_path):
    """Editors hard-wrap Markdown: a [[link]] broken over two lines was published as brackets without a
    warning, and a refused link whose text went on to the next line was located at column 1."""
    body = ("See [[donald-trump|the\n"           # line 6
            "president]] and [[nobody-at-all|wrapped\n"
            "text]] and [[Nicolás\n"
            "Maduro]].\n\n"
            "First [a](tel:1) and [b\n"          # line 11
            "c](tel:2).\n")
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert [line.split(" (")[0] for line in lines] == [
        f"{BRIEF}:7:17: warning: link [[nobody-at-all]] points to no entity or brief",
        f"{BRIEF}:11:7: warning: link 'tel:1' is shown as text: only http, https, mailto and relative links are "
        "published",
        f"{BRIEF}:11:22: warning: link 'tel:2' is shown as text: only http, https, mailto and relative links are "
        "published"], err
    out, _ = build_site(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    links = prose(out).find_all("a", cls="wikilink")
    assert [(a.get("href"), a.text()) for a in links] == [("../../people/donald-trump/", "the president"),
                                                          ("../../people/nicolas-maduro/", "Nicolás Maduro")]
    assert "[[" not in prose(out).text()


def test_a_wikilink_left_open_before_another_link_in_its_paragraph_is_reported(tmp_path):
    """An unclosed [[ followed, later in its paragraph, by a whole [[link]] was published as brackets without
    a warning (the later ]] was taken for its end)."""
    body = "See [[donald-trump and later\nthe [[nicolas-maduro]] link.\n"
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert lines == [f"{BRIEF}:6:5: warning: link [[donald-trump and later is not closed with ]] (close it with ]]; "
                     "in a table, write the | of [[target|text]] as \\|)"], err


def test_a_link_in_brackets_before_a_wikilink_is_no_unclosed_wikilink(tmp_path):
    """A Markdown link in brackets ([[PDF](url)], a citation [[1](#n1)]) is no [[ left open, nor is the first [[ of
    [[[[a]]]]: each was reported as not closed once a later [[link]] in the paragraph was taken for what comes next."""
    body = ("The report [[PDF](https://example.org/r.pdf)] names [[donald-trump]].\n\n"
            "Cited [[1](#n1)] and [[2](#n2)].\n\n"
            "Doubled [[[[donald-trump]]]] and [[nicolas-maduro]].\n\n"
            "Open [[a and [[donald-trump]].\n")          # line 12: still reported
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert [line.split(" (")[0] for line in lines] == [
        f"{BRIEF}:12:6: warning: link [[a and [[donald-trump]]. is not closed with ]]"], err
    out, _ = build_site(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert [a.get("href") for a in prose(out).find_all("a")][:2] == ["https://example.org/r.pdf",
                                                                     "../../people/donald-trump/"]


def test_a_wrapped_link_that_names_nothing_is_shown_on_one_line(tmp_path):
    """[[ then ]] on the next line, or [[|text]] whose text wraps: the warning showed the line break as \\n."""
    body = "A [[\n]] b [[|some\n  text]] c.\n"
    code, lines, err = check(tmp_path, {BRIEF: brief(GOOD_FRONT, body)})
    assert code == 0, err
    assert [line.split(" names nothing")[0] for line in lines] == [
        f"{BRIEF}:6:3: warning: link [[ ]]", f"{BRIEF}:7:6: warning: link [[|some text]]"], err
