"""The repository's example site (content/, from the seed article) stays real and clean:
`briefgen build --strict` passes with no warnings, and its people, ships and events
are each covered by at least one brief."""

from __future__ import annotations

from collections import Counter

import yaml

from .conftest import REPO, parse_html, run_cli


def front_matter(path):
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_strict_build_has_no_warnings(tmp_path):
    code, stdout, stderr = run_cli("build", REPO, "--out", tmp_path / "site", "--strict")
    assert code == 0, stderr
    assert ": warning: " not in stderr and ": error: " not in stderr
    assert "warning" not in stdout


def test_enough_briefs_claims_and_statuses():
    briefs = sorted((REPO / "content/briefs").glob("*.md"))
    assert len(briefs) >= 5
    statuses = Counter(str(c["status"]).lower() for b in briefs for c in front_matter(b).get("claims", []))
    assert sum(statuses.values()) >= 15
    assert len(statuses) >= 5


def test_every_person_ship_and_event_page_lists_a_brief(example_out):
    for kind in ("people", "ships", "events"):
        ids = sorted(p.stem for p in (REPO / "content" / kind).iterdir() if p.suffix in (".yaml", ".md"))
        assert ids, kind
        for ident in ids:
            page = parse_html(example_out / kind / ident / "index.html")
            section = page.find("section", aria_labelledby="briefs")
            links = [a.get("href") for a in section.find_all("a") if "/briefs/" in (a.get("href") or "")]
            assert links, f"{kind}/{ident}/ lists no brief"
