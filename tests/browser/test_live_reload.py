"""``briefgen serve`` in a real browser: an open page reloads when a brief is saved (docs/serve.md)."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (REPO / "briefgen" / "serve.py").is_file(), reason="briefgen serve is not there yet"),
]
BRIEF = "content/briefs/2025-11-30-trump-maduro-call.md"


@pytest.fixture()
def served_site(tmp_path: Path):
    """A copy of the example served by ``python -m briefgen serve SITE --port 0``; yields (folder, url)."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "briefgen.yaml", site / "briefgen.yaml")
    shutil.copytree(REPO / "content", site / "content")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "serve", str(site), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=site)
    lines: queue.SimpleQueue[str] = queue.SimpleQueue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    output: list[str] = []
    url = None
    deadline = time.monotonic() + 30
    while url is None and time.monotonic() < deadline and proc.poll() is None:
        try:
            output.append(lines.get(timeout=0.2))
        except queue.Empty:
            continue
        if m := re.search(r"Serving .* at (http://\S+)", output[-1]):
            url = m[1].rstrip("/") + "/"
    try:
        assert url, "briefgen serve did not start:\n" + "".join(output)
        yield site, url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_open_page_reloads_after_an_edit(page, served_site):
    site, url = served_site
    page.goto(url + "briefs/trump-maduro-call/")
    page.wait_for_function("document.documentElement.dataset.briefgenLive === 'connected'")
    before = page.locator("h1").inner_text()
    assert "Maduro" in before and page.evaluate("window.__briefgenReloads") == 0

    path = site / BRIEF
    text = path.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.M)[1]
    path.write_text(text.replace(f"title: {title}", "title: Edited while the page was open", 1), encoding="utf-8")

    page.wait_for_function("document.querySelector('h1') && "
                           "document.querySelector('h1').textContent.includes('Edited while the page was open')",
                           timeout=30_000)
    assert page.evaluate("window.__briefgenReloads") >= 1
    # and search on the preview finds the new title
    page.wait_for_function("document.documentElement.dataset.briefgenLive === 'connected'")
    page.fill("#site-search-q", "edited while")
    page.locator("#site-search-panel .search-group-briefs a", has_text="Edited while the page was open").wait_for()
