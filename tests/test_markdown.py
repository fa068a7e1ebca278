"""Markdown plugins: first-mention links, [[wikilinks]], and the link scheme filter."""

from briefgen.markdown import ROOT, LinkTarget, Mention, RenderEnv, make_markdown, render

MADURO = Mention(("Nicolás Maduro", "Maduro"), LinkTarget("people/nicolas-maduro/", "Nicolás Maduro"))
TRUMP = Mention(("Donald Trump", "Trump"), LinkTarget("people/donald-trump/", "Donald Trump"))


def html(text: str, mentions=(MADURO, TRUMP), resolve=lambda t: None) -> str:
    return render(make_markdown(), text, RenderEnv(resolve, list(mentions))).replace(ROOT, "/")


def test_first_mention_linked_once_not_in_links_code_or_headings():
    out = html("# Trump\n\n`Trump` and [Trump](https://example.org) then Trump and Trump.\n")
    assert out.count('class="mention"') == 1
    assert "<h1>Trump</h1>" in out
    assert "<code>Trump</code>" in out
    assert 'then <a href="/people/donald-trump/" class="mention">Trump</a> and Trump.' in out


def test_mention_across_a_line_break():
    out = html("Talks with Nicolás\nMaduro went on; Maduro said.\n")
    assert '<a href="/people/nicolas-maduro/" class="mention">Nicolás\nMaduro</a>' in out
    assert out.count('class="mention"') == 1


def test_longest_name_wins_and_word_boundaries():
    out = html("Trumpism aside, Donald Trump spoke.\n")
    assert "Trumpism aside" in out
    assert '<a href="/people/donald-trump/" class="mention">Donald Trump</a>' in out


def test_wikilinks_resolve_or_are_reported():
    targets = {"pete-hegseth": LinkTarget("people/pete-hegseth/", "Pete Hegseth")}
    env = RenderEnv(targets.get, [])
    out = render(make_markdown(), "Intro.\n\nSee [[pete-hegseth]], [[pete-hegseth|him]] and [[ghost]].\n", env)
    assert f'<a href="{ROOT}people/pete-hegseth/" class="wikilink">Pete Hegseth</a>' in out
    assert ">him</a>" in out
    assert "and ghost." in out
    assert [(p.line, p.col, p.target) for p in env.problems] == [(3, 48, "ghost")]


def test_only_safe_link_schemes():
    out = html("[a](javascript:alert(1)) [b](JaVaScRiPt:x) [c](vbscript:x) [d](data:text/html,x) "
               "[e](https://ok.example/) [f](mailto:a@b.c) [g](../rel/) <javascript:alert(1)>\n\n"
               "![i](javascript:alert(1))\n", mentions=())
    assert 'href="javascript' not in out.lower() and 'src="javascript' not in out.lower()
    assert 'href="vbscript' not in out and 'href="data:' not in out
    assert 'href="https://ok.example/"' in out and 'href="mailto:a@b.c"' in out and 'href="../rel/"' in out


def test_raw_html_is_text_unless_enabled():
    assert "&lt;script&gt;" in render(make_markdown(), "<script>x</script>\n", RenderEnv(lambda t: None))
    assert "<b>x</b>" in render(make_markdown(html=True), "<b>x</b>\n", RenderEnv(lambda t: None))
