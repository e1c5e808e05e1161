"""Hostile text in a real browser: pages built from markup in every field run none of it.

The example project with every payload of `tests/hostile.py` in every free-text field (records, papers'
front matter, BibTeX, a hand-written page's title, the words after citation keys, a page's file name) is
built with `mkdocs build` and opened in Debian's headless Chromium. Every payload that could run sets
``window.zqxevil`` or opens a dialog; each page a reader meets is loaded and neither may happen.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from conftest import CHROMIUM, IN_CI, SITE_EXAMPLE, QuietHandler
from hostile import MARKER, PAYLOADS, hostile_project
from playwright.sync_api import Page
from test_browser import page

__all__ = ["page"]  # A fixture shared with the site's other browser tests.

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI, reason=f"no Chromium at {CHROMIUM}"),
]

PAGES = ["", "papers/", "papers/staff-continuity/", "studies/", "studies/turley-2012/", "barriers/",
         "barriers/lack-of-staff-continuity/", "findings/", "findings/turley-staff-continuity/", "matrix/",
         "themes/", "tags/", "references/", "downloads/", "about/",
         quote(f"<img src=x {MARKER} onerror=window.{MARKER}=1>") + "/"]


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The hostile example built by `mkdocs build` in another process and served on 127.0.0.1."""
    project = hostile_project(SITE_EXAMPLE, tmp_path_factory.mktemp("hostile-browser") / "project",
                              lambda field: " ".join(PAYLOADS), pdfs=False)
    site = project / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(site)], cwd=project,
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                            check=False)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("path", PAGES)
def test_no_payload_runs(page: Page, hostile_url: str, path: str) -> None:
    """The page loads, no dialog opens and no payload set its global."""
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(hostile_url + path)
    assert response is not None and response.status == 200, f"/{path}: HTTP {response and response.status}"
    page.wait_for_load_state("load")
    assert page.evaluate(f"typeof window.{MARKER}") == "undefined"
    assert dialogs == []
    assert page.locator(MARKER).count() == 0


def test_the_payload_is_shown_as_text(page: Page, hostile_url: str) -> None:
    """The paper's title shows in the tab and its heading as the text it is."""
    page.goto(hostile_url + "papers/staff-continuity/")
    expected = " ".join(PAYLOADS[0].split())
    assert page.title().startswith(expected)
    assert page.locator("article h1").first.inner_text().startswith(expected)

