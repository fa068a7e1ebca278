"""Stub pages of unknown references: every unknown name gets a page of its own, at a URL name that is no
entity's and no other stub's, decided by the names alone, so builds stay byte for byte the same."""

from __future__ import annotations

from .conftest import make_site, parse_html, run_cli
from .test_incremental import assert_same_as_cold, edit, run

B = "b" * 85  # two names that differ after the first 80 characters, which make a URL name

FILES = {
    "content/people/jane-doe.yaml": "name: Jane Doe\n",
    "content/briefs/2025-01-02-one.md": f"""
        ---
        title: One
        date: 2025-01-02
        summary: The first brief.
        people: [{B}x, {B}y, "Jane Doe!!", ghost-person]
        ---
        Body.
    """,
    "content/briefs/2025-01-01-two.md": """
        ---
        title: Two
        date: 2025-01-01
        summary: The second brief.
        people: [jane-doe-2, Ghost Person]
        ---
        Body.
    """,
}


def page(out, path: str):
    return parse_html((out / path / "index.html").read_text())


def test_every_unknown_name_has_a_stub_page_of_its_own_that_no_entity_has(tmp_path):
    site = make_site(tmp_path / "s", FILES)
    code, _, err = run_cli("build", site, "--out", tmp_path / "out")
    assert code == 0, err
    assert "unknown person 'Jane Doe!!' (did you mean 'jane-doe'?)" in err
    out = tmp_path / "out"
    assert sorted(p.name for p in (out / "people").iterdir() if p.is_dir()) == [
        "b" * 80, "b" * 80 + "-2", "ghost-person", "jane-doe", "jane-doe-2", "jane-doe-3"]
    chips = page(out, "briefs/one").find("ul", cls="chips").find_all("a")
    assert [(a.get("href"), a.text(), "chip-stub" in a.classes) for a in chips] == [
        (f"../../people/{'b' * 80}/", f"{B}x", True),
        (f"../../people/{'b' * 80}-2/", f"{B}y", True),
        ("../../people/jane-doe-3/", "Jane Doe!!", True),  # not Jane Doe's page, nor the stub of jane-doe-2
        ("../../people/ghost-person/", "ghost-person", True)]
    for path, name in [(f"people/{'b' * 80}", f"{B}x"), (f"people/{'b' * 80}-2", f"{B}y"),
                       ("people/jane-doe-2", "jane-doe-2"), ("people/jane-doe-3", "Jane Doe!!")]:
        assert page(out, path).find("h1").text() == name, path
    assert "briefs/one/" not in (out / "people/jane-doe/index.html").read_text()  # not listed on the real one's
    ghost = (out / "people/ghost-person/index.html").read_text()  # one name written two ways: one page
    assert "briefs/one/" in ghost and "briefs/two/" in ghost


def test_stub_pages_do_not_depend_on_the_order_of_the_briefs_and_builds_stay_the_same(tmp_path):
    site = make_site(tmp_path / "s", FILES)
    out = tmp_path / "pub" / "out"
    run(site, out)
    assert_same_as_cold(site, out, tmp_path)
    edit(site / "content/briefs/2025-01-02-one.md", "date: 2025-01-02", "date: 2024-12-31")  # now the older one
    run(site, out)
    assert_same_as_cold(site, out, tmp_path)
    assert page(out, "people/jane-doe-3").find("h1").text() == "Jane Doe!!"
    assert page(out, f"people/{'b' * 80}-2").find("h1").text() == f"{B}y"
