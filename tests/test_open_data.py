"""The open data made in a child process: its paths known first, its files and sizes filled in later."""

from __future__ import annotations

import markdown
import pytest
from conftest import REPOSITORY, SITE_EXAMPLE

from synth.pipeline import check_project
from synth.site.export import build_downloads, download_paths, render_downloads_page
from synth.site.open_data import SIZES, DeferredDownloads


@pytest.mark.parametrize("project", [REPOSITORY, SITE_EXAMPLE], ids=["repository", "site-example"])
def test_the_paths_announced_are_the_files_made(project) -> None:  # type: ignore[no-untyped-def]
    """`download_paths` names exactly the files `build_downloads` makes, in the same order, before any is made."""
    result = check_project(project)
    assert result.formatter is not None
    assert download_paths(result.kb) == list(build_downloads(result.kb, result.formatter))


def test_the_deferred_page_is_the_page_with_sizes_once_filled() -> None:
    """The open-data page with placeholders, converted and filled, is the page made from the finished files."""
    result = check_project(SITE_EXAMPLE)
    assert result.formatter is not None
    deferred = DeferredDownloads(result.kb, result.formatter, None)
    placeholders = markdown.markdown(deferred.page(result.kb, "downloads.md"), extensions=["tables"])
    assert len(SIZES.findall(placeholders)) == len(deferred.paths)
    files = deferred.files()
    assert files == build_downloads(result.kb, result.formatter)
    expected = markdown.markdown(render_downloads_page(files, result.kb, "downloads.md"), extensions=["tables"])
    assert deferred.fill_sizes(placeholders) == expected
