"""Shared test fixtures: the example trees, and golden files regenerated with `pytest --update-goldens`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

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
