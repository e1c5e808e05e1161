"""The open data made in a child process: its paths known first, its files and sizes filled in later."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from conftest import REPOSITORY, SITE_EXAMPLE

from synth.pipeline import check_project
from synth.site.export import FOLDER, REFERENCE_FILES, build_downloads, download_paths, render_downloads_page
from synth.site.open_data import SIZES, DeferredDownloads, write_downloads


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


def test_reference_files_of_the_same_bibliography_are_taken_from_the_last_folder(tmp_path: Path) -> None:
    """A folder written for the same bibliography gives the reference files, linked, and every file is the same."""
    result = check_project(SITE_EXAMPLE)
    assert result.formatter is not None
    first, second = tmp_path / "first", tmp_path / "second"
    sizes = write_downloads(result.kb, result.formatter, None, first)
    assert write_downloads(result.kb, result.formatter, None, second, first) == sizes
    assert files_under(second) == files_under(first) == build_downloads(result.kb, result.formatter)
    for name in REFERENCE_FILES:
        assert (second / FOLDER / name).samefile(first / FOLDER / name)
    assert not (second / FOLDER / "records.json").samefile(first / FOLDER / "records.json")


def test_reference_files_are_made_again_when_the_last_folder_lacks_one(tmp_path: Path) -> None:
    """A last folder without every reference file gives none of them: all are made afresh."""
    result = check_project(SITE_EXAMPLE)
    assert result.formatter is not None
    first, second = tmp_path / "first", tmp_path / "second"
    write_downloads(result.kb, result.formatter, None, first)
    (first / FOLDER / "references.ris").unlink()
    (first / FOLDER / "references.bib").write_text("stale", encoding="utf-8")
    write_downloads(result.kb, result.formatter, None, second, first)
    assert files_under(second) == build_downloads(result.kb, result.formatter)


def test_the_references_formatted_in_the_child_are_learnt() -> None:
    """Asked to, the open data's child gives back the references it formatted, which the formatter then has."""
    for learn in (False, True):
        result = check_project(SITE_EXAMPLE)
        assert result.formatter is not None
        keys = set(result.kb.bibliography.keys())
        assert set(result.formatter.formatted()) < keys  # The check formats only what records cite.
        DeferredDownloads(result.kb, result.formatter, None, learn_references=learn).sizes()
        assert (set(result.formatter.formatted()) == keys) is learn
    fresh = check_project(SITE_EXAMPLE).formatter
    assert fresh is not None
    assert result.formatter.formatted() == {key: fresh.format(key) for key in sorted(keys)}


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its path there, as bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}
