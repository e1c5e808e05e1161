"""Shared test fixtures: the example trees, and golden files regenerated with `pytest --update-goldens`."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# In CI the property tests draw the same examples every run, so a run's result does not depend on chance;
# locally they explore new examples each time.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

TESTS = Path(__file__).parent
DATA = TESTS / "data"
GOLDEN = TESTS / "golden"
REPOSITORY = TESTS.parent
SHARED = Path(os.environ.get("SYNTH_SHARED") or REPOSITORY.parent / "shared")
"""The seeds and corpora beside the repository; SYNTH_SHARED names them when the tests run from a copy elsewhere."""


def needs_shared(path: Path) -> pytest.MarkDecorator:
    """Skip when an input from ../shared is missing, except in CI (CI=true), where its absence fails the test."""
    return pytest.mark.skipif(not path.exists() and os.environ.get("CI") != "true", reason=f"{path} is not present")


@pytest.fixture(scope="session", autouse=True)
def stored_parses_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`synth check` run by the tests (in this process or a child) keeps its parses in a temporary folder."""
    from synth.records.stored import CACHE_DIR_ENV

    before = os.environ.get(CACHE_DIR_ENV)
    os.environ[CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("synth-cache"))
    yield
    if before is None:
        del os.environ[CACHE_DIR_ENV]
    else:
        os.environ[CACHE_DIR_ENV] = before


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Compare text with a golden file under tests/golden/, or rewrite it under --update-goldens."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        assert path.is_file(), f"missing golden file {path}; run pytest --update-goldens"
        assert actual == path.read_text(encoding="utf-8")

    return check


SITE_EXAMPLE = DATA / "site-example"


@pytest.fixture(scope="session")
def site_example():  # type: ignore[no-untyped-def]
    """The checked knowledge base of tests/data/site-example and a shelf of its formatted references."""
    from synth.pipeline import check_project
    from synth.references.style import ReferenceFormatter
    from synth.site.references import ReferenceShelf

    result = check_project(SITE_EXAMPLE)
    assert result.diagnostics == ()
    bibliography = result.kb.bibliography
    return result.kb, ReferenceShelf(bibliography, ReferenceFormatter(bibliography))


# Browser tests (tests/test_browser*.py) share one build of the example site, one server and one Chromium per
# session. Playwright is imported only when a browser test asks for it.

CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI") == "true"


def mkdocs_build(config_file: Path, site_dir: Path, *, pdfs: bool = True) -> None:
    """`mkdocs build --strict` in a fresh process; without ``pdfs``, faster: no paper PDFs and no briefing."""
    script = ("import sys\nfrom mkdocs.commands.build import build\nfrom mkdocs.config import load_config\n"
              "config = load_config(sys.argv[1], site_dir=sys.argv[2], strict=True)\n"
              "if sys.argv[3] == 'no-pdfs':\n"
              "    config.plugins['synth'].config['paper_pdfs'] = False\n"
              "    config.plugins['synth'].config['briefing_pdf'] = False\n"
              "build(config)\n")
    arguments = [str(config_file), str(site_dir), "pdfs" if pdfs else "no-pdfs"]
    result = subprocess.run([sys.executable, "-c", script, *arguments], capture_output=True, text=True,
                            cwd=config_file.parent, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=False)
    assert result.returncode == 0, f"mkdocs build of {config_file} failed:\n{result.stdout}\n{result.stderr}"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` served over HTTP on 127.0.0.1, on a free port, from a background thread; yields its URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once by `mkdocs build --strict` into a temporary folder."""
    site = tmp_path_factory.mktemp("browser") / "site"
    mkdocs_build(SITE_EXAMPLE / "mkdocs.yml", site)
    return site


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built example site's address on 127.0.0.1."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def repository_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repository's own knowledge base, built once without PDFs, and its address on 127.0.0.1."""
    site = tmp_path_factory.mktemp("repository") / "site"
    mkdocs_build(REPOSITORY / "mkdocs.yml", site, pdfs=False)
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (which cannot download its own browser here)."""
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium package (CI=true needs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
