"""`briefgen init` and `briefgen new`, through the real CLI."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
import yaml

from briefgen.cli import main
from briefgen.config import load_config
from briefgen.diagnostics import Diagnostics
from briefgen.load import brief_slug, load_brief, load_entity
from briefgen.scaffold import github_pages_url

from .conftest import make_site

SITE_FILES = {
    "briefgen.yaml", ".gitignore", "README.md", ".github/workflows/pages.yml",
    "content/briefs/1969-07-21-apollo-11-lands-on-the-moon.md", "content/people/neil-armstrong.yaml",
    "content/organizations/nasa.yaml", "content/places/sea-of-tranquility.yaml",
    "content/events/apollo-11-moon-landing.yaml",
}


@pytest.fixture(autouse=True)
def no_git_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "home" / "gitconfig"))


def files_in(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def load_all(site: Path) -> Diagnostics:
    """Load every content file of a site; the diagnostics should be empty."""
    diagnostics = Diagnostics()
    config = load_config(site, diagnostics)
    for path in sorted((site / "content").rglob("*.*")):
        rel, kind = path.relative_to(site).as_posix(), path.parent.name
        if kind == "briefs":
            load_brief(rel, path.read_text(encoding="utf-8"), config, diagnostics)
        else:
            load_entity(rel, kind, path.read_text(encoding="utf-8"), config, diagnostics)
    return diagnostics


# ---- init ----------------------------------------------------------------------------


def test_init_creates_a_site_that_builds_strict(tmp_path: Path, capsys) -> None:
    site = tmp_path / "my-briefs"
    assert main(["init", str(site)]) == 0
    assert files_in(site) == SITE_FILES
    out = capsys.readouterr().out
    assert out.count("created ") == len(SITE_FILES)
    assert load_all(site).items == []
    config = load_config(site, Diagnostics())
    assert config.title == "My Briefs"
    assert (site / ".gitignore").read_text().splitlines()[1] == "/site/"

    pytest.importorskip("briefgen.build")
    assert main(["build", str(site), "--strict", "--quiet"]) == 0
    assert (site / "site" / "briefs" / "apollo-11-lands-on-the-moon" / "index.html").is_file()
    assert (site / "site" / "people" / "neil-armstrong" / "index.html").is_file()


def test_generated_workflow(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "s")]) == 0
    workflow = yaml.safe_load((tmp_path / "s" / ".github/workflows/pages.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true; GitHub reads it as "on"
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    assert workflow["env"]["BRIEFGEN_INSTALL"] == "pip install briefgen"

    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert uses == ["actions/checkout", "actions/setup-python", "", "actions/configure-pages", "", "",
                    "actions/upload-pages-artifact"]
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert runs[0] == "${{ env.BRIEFGEN_INSTALL }}"
    assert runs[1].startswith("briefgen build --strict --no-cache --base-url")
    assert "steps.pages.outputs.base_url" in runs[1]
    # what is uploaded is what `briefgen deploy` publishes: the build's output less its marker file
    from briefgen.deploy import MARKER
    assert runs[2] == f"rm -f site/{MARKER}"
    configure = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/configure-pages"))
    assert configure["id"] == "pages"
    assert build["steps"][-1]["with"]["path"] == "site"

    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["steps"][0]["id"] == "deployment"


def test_init_refuses_a_non_empty_folder(tmp_path: Path, capsys) -> None:
    site = tmp_path / "s"
    site.mkdir()
    (site / "notes.txt").write_text("mine\n")
    assert main(["init", str(site)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert files_in(site) == {"notes.txt"}


def test_init_force_never_overwrites(tmp_path: Path, capsys) -> None:
    site = tmp_path / "s"
    site.mkdir()
    (site / "README.md").write_text("my readme\n")
    assert main(["init", str(site), "--force"]) == 0
    out = capsys.readouterr().out
    assert f"skipped {site / 'README.md'} (already exists)" in out
    assert (site / "README.md").read_text() == "my readme\n"
    assert files_in(site) == SITE_FILES

    assert main(["init", str(site), "--force"]) == 0  # again: everything is skipped
    out = capsys.readouterr().out
    assert "created" not in out and out.count("skipped") == len(SITE_FILES)


def test_init_in_a_fresh_clone_guesses_base_url_and_branch(tmp_path: Path) -> None:
    site = tmp_path / "clone"
    site.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=site, check=True)
    subprocess.run(["git", "symbolic-ref", "HEAD", "refs/heads/trunk"], cwd=site, check=True)
    subprocess.run(["git", "remote", "add", "origin", "git@github.com:Alice/venezuela-briefs.git"],
                   cwd=site, check=True)
    assert main(["init", str(site)]) == 0  # a folder holding only .git counts as empty
    assert load_config(site, Diagnostics()).base_url == "https://alice.github.io/venezuela-briefs/"
    workflow = yaml.safe_load((site / ".github/workflows/pages.yml").read_text())
    assert workflow[True]["push"]["branches"] == ["trunk"]


def test_init_refuses_a_symlink_to_nothing(tmp_path: Path, capsys) -> None:
    """A dangling symlink is no folder: init says so and writes nothing (it used to 'skip' every file
    as if it existed, then print its 'Next:' line)."""
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nowhere")
    assert main(["init", str(link)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"briefgen: error: {link} is a symlink to {tmp_path / 'nowhere'}, which does not exist; "
                   "choose a folder name for the new site\n")
    assert not (tmp_path / "nowhere").exists() and link.is_symlink()


@pytest.mark.parametrize("blocker", ["file", "symlink to nothing"])
def test_init_force_refuses_a_file_where_it_needs_a_folder(tmp_path: Path, capsys, blocker: str) -> None:
    site = tmp_path / "s"
    site.mkdir()
    if blocker == "file":
        (site / "content").write_text("not a folder\n")
        said = f"{site / 'content'} is a file, not a folder"
    else:
        (site / "content").symlink_to(tmp_path / "nowhere")
        said = f"{site / 'content'} is a symlink to {tmp_path / 'nowhere'}, which does not exist"
    assert main(["init", str(site), "--force"]) == 2
    assert capsys.readouterr() == ("", f"briefgen: error: {said}; move it aside\n")
    assert {p.name for p in site.iterdir()} == {"content"}  # nothing written: checked before the first file


def test_init_next_step_quotes_the_folder_for_the_shell(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    for name, shown in (("my site ünïcode 日本", "'my site ünïcode 日本'"), ("it's", "'it'\"'\"'s'"),
                        ("plain-name", "plain-name")):
        assert main(["init", name]) == 0
        assert capsys.readouterr().out.endswith(f"\nNext: cd {shown} && briefgen serve\n")
    assert main(["init", "--", "-dash"]) == 0
    assert capsys.readouterr().out.endswith("\nNext: cd ./-dash && briefgen serve\n")
    monkeypatch.chdir(tmp_path / "plain-name")
    assert main(["init", ".", "--force"]) == 0  # already there: no cd
    assert capsys.readouterr().out.endswith("\nNext: briefgen serve\n")


@pytest.mark.parametrize("arg", ["", "  "])
def test_init_refuses_an_empty_folder_name(tmp_path: Path, monkeypatch, capsys, arg: str) -> None:
    """An empty DIR (a script's unset variable) is not '.', as ``--out ""`` is not the default folder."""
    monkeypatch.chdir(tmp_path)
    assert main(["init", arg]) == 2
    assert capsys.readouterr().err == ("briefgen: error: briefgen init: argument DIR: must not be empty "
                                       "(see 'briefgen init --help')\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("https://github.com/alice/briefs.git", "https://alice.github.io/briefs/"),
        ("https://github.com/Alice/briefs", "https://alice.github.io/briefs/"),
        ("git@github.com:alice/briefs.git", "https://alice.github.io/briefs/"),
        ("ssh://git@github.com/alice/briefs.git", "https://alice.github.io/briefs/"),
        ("https://token@github.com/alice/my.briefs.git", "https://alice.github.io/my.briefs/"),
        ("git@github.com:Alice/alice.github.io.git", "https://alice.github.io/"),
        ("https://gitlab.com/alice/briefs.git", None),
        ("/srv/git/briefs.git", None),
    ],
)
def test_github_pages_url(remote: str, url: str | None) -> None:
    assert github_pages_url(remote) == url


# ---- new -----------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path: Path) -> Path:
    path = tmp_path / "site"
    (path / "content").mkdir(parents=True)
    return path


def new(site: Path, *args: str) -> int:
    return main(["new", *args, "--dir", str(site)])


def test_new_brief(site: Path, capsys) -> None:
    today = dt.date.today().isoformat()
    assert new(site, "brief", "Trump:", "summons", "chiefs") == 0
    path = site / "content" / "briefs" / f"{today}-trump-summons-chiefs.md"
    assert capsys.readouterr().out.strip() == f"created {path}"
    text = path.read_text()
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Trump: summons chiefs"
    assert str(front["date"]) == today
    assert {"people", "ships", "events", "organizations", "places", "sources", "claims"} <= set(front)

    # the summary is required and left for the writer: the file does not build until it is written...
    errors = load_all(site).errors
    assert len(errors) == 1 and "summary" in errors[0].message
    # ...and validates as soon as it is
    path.write_text(text.replace("# summary: >-\n#   What", "summary: >-\n  What"))
    assert load_all(site).items == []

    assert new(site, "brief", "Trump: summons chiefs") == 0
    assert (site / "content" / "briefs" / f"{today}-trump-summons-chiefs-2.md").is_file()
    assert new(site, "brief", "Trump: summons chiefs") == 0
    assert (site / "content" / "briefs" / f"{today}-trump-summons-chiefs-3.md").is_file()


BRIEF = "---\ntitle: T\ndate: 2024-01-01\nsummary: S.\n{}---\nBody.\n"


def test_new_brief_avoids_every_slug_the_build_gives(site: Path, capsys) -> None:
    """The slugs taken are those the briefs have (``slug:``, else the file name), in sub-folders too,
    drafts too (they collide under --drafts); not those of the files the build skips."""
    today = dt.date.today().isoformat()
    briefs = site / "content" / "briefs"
    make_site(briefs, {
        "2024-01-02-first.md": BRIEF.format("slug: moon\n"),  # "first" is free, "moon" is not
        "2024/2024-01-01-landing.md": BRIEF.format(""),
        "2024/deeper/2024-01-03-star.markdown": BRIEF.format("draft: true\nslug: 'star'  # a comment\n"),
        "2024-01-04-escaped.md": BRIEF.format('"\\x73lug": nova\n'),  # the key is 'slug' all the same
        "2024-01-05-broken.md": "---\ntitle: [unclosed\nslug: sun\n---\n",  # taken once it is fixed
        "2024-01-06-binary.md": b"\xff\xfe---\n",
        "_drafts/2024-01-01-comet.md": BRIEF.format(""),  # skipped by the build: not taken
        "2024-01-07-halley.md~": BRIEF.format(""),
        f"{today}-pluto.md": BRIEF.format("slug: dwarf\n"),  # "pluto" is free, its file name is not
    })
    for title in ("Moon", "Landing", "Star", "Nova", "Sun", "Binary", "Comet", "Halley", "First", "Pluto"):
        assert new(site, "brief", title) == 0
    created = {p.name for p in briefs.iterdir() if p.name.startswith(today)} - {f"{today}-pluto.md"}
    assert created == {f"{today}-{slug}.md" for slug in (
        "moon-2", "landing-2", "star-2", "nova-2", "sun-2", "binary-2", "comet", "halley", "first", "pluto-2")}
    for path in briefs.glob(f"{today}-*.md"):  # summaries written: the new briefs validate
        path.write_text(path.read_text().replace("# summary: >-\n#   What", "summary: >-\n  What"))
    capsys.readouterr()
    assert main(["check", str(site), "--drafts"]) == 1
    err = capsys.readouterr().err
    assert [line.split(":")[0] for line in err.splitlines()] == [  # their errors, and no duplicate slug
        "content/briefs/2024-01-05-broken.md", "content/briefs/2024-01-06-binary.md"]


@pytest.mark.parametrize("front", [
    "", "slug: moon\n", "slug: 'moon'\n", "slug: Moon\n", "slug: con\n", "slug: !!str moon\n", "slug:\n",
    "slug: [a]\n", "slug: 12\n", '"\\x73lug": moon\n', "claims:\n  - text: x\n    slug: moon\n",
])
@pytest.mark.parametrize("name", ["2024-01-01-landing.md", "2024/landing.md", "2024-01-01-.md", "nul.md"])
def test_brief_slug_is_the_slug_load_brief_gives(name: str, front: str) -> None:
    rel, text = f"content/briefs/{name}", BRIEF.format(front)
    config = load_config(Path("/nonexistent"), Diagnostics())
    assert brief_slug(rel, text) == load_brief(rel, text, config, Diagnostics()).slug


def test_new_refuses_a_symlink_to_nothing_as_its_folder(site: Path, tmp_path: Path, capsys) -> None:
    briefs = site / "content" / "briefs"
    briefs.symlink_to(tmp_path / "nowhere")
    assert new(site, "brief", "Moon") == 2
    assert capsys.readouterr().err == (f"briefgen: error: {briefs} is a symlink to {tmp_path / 'nowhere'}, "
                                       "which does not exist; move it aside\n")
    assert not (tmp_path / "nowhere").exists()


def test_new_entities(site: Path, capsys) -> None:
    assert new(site, "people", "Nicolás", "Maduro") == 0
    assert new(site, "person", "Nicolas Maduro!") == 0  # singular works; the id is taken: -2
    assert new(site, "events", "Oval Office meeting") == 0
    people, events = site / "content" / "people", site / "content" / "events"
    assert {p.name for p in people.iterdir()} == {"nicolas-maduro.yaml", "nicolas-maduro-2.yaml"}
    assert yaml.safe_load((people / "nicolas-maduro.yaml").read_text()) == {"name": "Nicolás Maduro"}
    event = yaml.safe_load((events / "oval-office-meeting.yaml").read_text())
    assert event == {"name": "Oval Office meeting", "date": dt.date.today()}
    assert load_all(site).items == []
    capsys.readouterr()
    # A name, alias or id that an entity of the kind has already would point to two of them: refused
    (people / "nicolas-maduro.yaml").write_text("name: Nicolás Maduro\naliases: [Maduro]\n")
    for name in ("Nicolás Maduro", "nicolas  MADURO", "Maduro", "nicolas-maduro-2"):
        assert new(site, "person", name) == 2
        said = " ".join(name.split())
        file = "nicolas-maduro-2" if name.endswith("-2") else "nicolas-maduro"
        assert capsys.readouterr().err == (f"briefgen: error: content/people/{file}.yaml already has the "
                                           f"name, alias or id {said!r}; edit that file, or give this person a "
                                           "name of its own\n")
    assert len(list(people.iterdir())) == 2
    assert load_all(site).items == []


def test_new_brief_shows_a_status_of_the_site(site: Path) -> None:
    (site / "briefgen.yaml").write_text("claim_statuses:\n  true: {label: \"True\"}\n  untrue: {label: Untrue}\n")
    assert new(site, "brief", "Statuses") == 0
    text = next((site / "content/briefs").iterdir()).read_text()
    assert "#    status: true                    # required: true, untrue\n" in text
    assert "reported" not in text


def test_new_entity_of_a_configured_kind(site: Path) -> None:
    (site / "briefgen.yaml").write_text("entity_kinds:\n  aircraft: {label: Aircraft, singular: Aircraft}\n")
    assert new(site, "aircraft", "Air Force One") == 0
    assert (site / "content" / "aircraft" / "air-force-one.yaml").is_file()
    assert new(site, "people", "Someone") == 2  # not a kind of this site


def test_new_errors(site: Path, tmp_path: Path, capsys) -> None:
    assert new(site, "pepole", "Someone") == 2
    err = capsys.readouterr().err
    assert "unknown kind 'pepole'" in err and "did you mean 'people'?" in err
    assert new(site, "brief", "???") == 2
    assert "hold only the letters a-z, digits and hyphens" in capsys.readouterr().err
    assert new(site, "person", "Владимир Путин") == 2
    err = capsys.readouterr().err
    assert "e.g. briefgen new people 'Vladimir Putin', then write 'Владимир Путин' as the name" in err
    (site / "content/ships").write_text("not a folder")
    assert new(site, "ships", "Ford") == 2
    ships = site / "content/ships"
    assert capsys.readouterr().err == f"briefgen: error: {ships} is a file, not a folder; move it aside\n"
    # names Windows reserves for devices are no file names: the next free one
    assert new(site, "people", "Con") == 0 and new(site, "brief", "NUL") == 0
    assert (site / "content/people/con-2.yaml").is_file()
    assert (site / f"content/briefs/{dt.date.today().isoformat()}-nul-2.md").is_file()
    assert main(["new", "brief", "Title", "--dir", str(tmp_path / "elsewhere")]) == 2
    assert "is not a site folder" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere").exists()
    # in a folder of a site (content/briefs/): the site is named, and how to run the command there
    assert main(["new", "person", "Hugo", "Chávez", "--dir", str(site / "content/briefs")]) == 2
    assert capsys.readouterr().err.endswith(
        f"but is inside the site {site}: run the command there, or pass it: "
        f"briefgen new person 'Hugo Chávez' --dir {site}\n")
