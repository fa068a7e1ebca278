"""Shared test helpers: build small sites in tmp_path and run the real CLI."""

from __future__ import annotations

import contextlib
import io
import textwrap
from pathlib import Path

import pytest

from briefgen.cli import main

REPO = Path(__file__).resolve().parent.parent


def make_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root`` (text is dedented) and return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    """Run ``briefgen ARGS`` in-process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # --help and --version exit through argparse
            code = exc.code if isinstance(exc.code, int) else 0
    return code, out.getvalue(), err.getvalue()


# A small valid site most tests start from and then break one thing in.
BASIC = {
    "briefgen.yaml": """
        title: Test Briefing
        base_url: https://example.org/briefs/
    """,
    "content/briefs/2025-12-01-meeting.md": """
        ---
        title: Trump summons security chiefs
        date: 2025-12-01
        summary: Trump meets his national security team on Venezuela.
        tags: [venezuela]
        people: [donald-trump, Nicolas Maduro]
        events: [oval-meeting]
        sources:
          - outlet: CNN
            url: https://edition.cnn.com/example
        claims:
          - text: Trump told Maduro to leave the country.
            status: reported
            by: CNN
            about: [donald-trump, nicolas-maduro]
            source: CNN
            note: Neither government has given details.
        ---
        Donald Trump met his advisers about Maduro. See [[oval-meeting]].
    """,
    "content/people/donald-trump.yaml": """
        name: Donald Trump
        aliases: [Trump]
        summary: President of the United States.
        role: President
    """,
    "content/people/nicolas-maduro.yaml": """
        name: Nicolás Maduro
        aliases: [Maduro]
    """,
    "content/events/oval-meeting.yaml": """
        name: Oval Office meeting
        date: 2025-12-01
        place: washington
    """,
    "content/places/washington.yaml": """
        name: Washington, D.C.
    """,
    "content/organizations/cnn.yaml": """
        name: CNN
    """,
}


@pytest.fixture
def basic_site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site-src", BASIC)
