"""Every option of the `synth` MkDocs plugin, set in a test `mkdocs.yml` and seen in a built site.

The site's `mkdocs.yml` lives in its own folder, beside (not inside) the project it publishes, so
`project_dir` and `sources` are both relative paths that only resolve against the folder of `mkdocs.yml`.
Each option is built twice, set and at its default, and the difference is asserted on the built files.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from test_plugin import register_plugin

from synth.mkdocs_plugin import SynthConfig

PAPER = """---
title: Options paper
authors:
  - name: Example, Ada
date: 2026-11-20
event: {name: A seminar, relation: prepared-for}
abstract: A paper that cites one work and embeds one finding.
status: draft
version: "0.1"
---

Continuity matters [@turley2012neighbourhood].

[[finding:turley-staff-continuity]]
"""


def make_site(tmp_path: Path, options: dict[str, Any], *, strict: bool = True) -> Path:
    """A project (the check example, its sources and a paper) in kb/, and site/mkdocs.yml publishing it."""
    project = tmp_path / "kb"
    if not project.exists():
        shutil.copytree(DATA / "check-example", project)
        (project / "content" / "papers").mkdir()
        (project / "content" / "papers" / "options-paper.md").write_text(PAPER, encoding="utf-8")
    folder = tmp_path / "site"
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    (folder / "docs" / "about.md").write_text("# About\n\nSee [@turley2012neighbourhood].\n", encoding="utf-8")
    settings = {"site_name": "Options example", "site_url": "https://example.org/options/", "strict": strict,
                "theme": {"name": "material"},
                "plugins": ["search", "tags", {"synth": {"project_dir": "../kb", **options}}]}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return folder


def config_of(folder: Path, output: Path | None = None) -> MkDocsConfig:
    register_plugin()
    return load_config(str(folder / "mkdocs.yml"), site_dir=str(output or folder / "public"))


def built(folder: Path) -> set[str]:
    """Build the site in ``folder``; the paths of every file written."""
    output = folder / "public"
    shutil.rmtree(output, ignore_errors=True)
    build(config_of(folder, output))
    return {path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_file()}


def test_every_option_is_exercised_here() -> None:
    """The options set in this file's builds are all the options the plugin has."""
    exercised = {"project_dir", "sources", "strict_content", "paper_pdfs", "downloads", "contributor_guide",
                 "briefing_pdf", "version", "review_age", "max_shared_explanation", "compare_with", "search",
                 "search_part_pages"}
    assert {name for name, _ in SynthConfig._schema} == exercised


def test_project_dir_names_the_project_beside_mkdocs_yml(tmp_path: Path) -> None:
    """`project_dir: ../kb`: the records of ../kb become pages; the folder of mkdocs.yml holds no content."""
    files = built(make_site(tmp_path, {"paper_pdfs": False}))
    assert {"studies/turley-2012/index.html", "barriers/lack-of-staff-continuity/index.html",
            "findings/turley-staff-continuity/index.html", "papers/options-paper/index.html"} <= files
    assert not (tmp_path / "site" / "content").exists()


def test_a_project_dir_without_content_stops_the_build(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The option is used, not the folder of mkdocs.yml: a folder without content/ or bibliography/ is refused.

    Nothing is built, and the message names the option.
    """
    folder = make_site(tmp_path, {"paper_pdfs": False})
    settings = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    settings["plugins"][2]["synth"]["project_dir"] = "../elsewhere"
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises((PluginError, Abort)):
        built(folder)
    assert "elsewhere' has neither a content/ nor a bibliography/ folder" in caplog.text
    assert not (folder / "public").exists()


def test_briefing_pdf_and_version(tmp_path: Path) -> None:
    """`briefing_pdf` writes briefing.pdf (on by default); `version` is printed in every page's print header."""
    files = built(make_site(tmp_path, {"paper_pdfs": False, "version": "v9.9 <test>"}))
    assert "briefing.pdf" in files
    page = (tmp_path / "site" / "public" / "barriers" / "lack-of-staff-continuity" / "index.html").read_text("utf-8")
    assert "version v9.9 &lt;test&gt;" in page
    assert "briefing.pdf" not in built(make_site(tmp_path, {"paper_pdfs": False, "briefing_pdf": False}))


def test_review_age_and_max_shared_explanation_reach_the_check(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    """`review_age` warns of an old review date; `max_shared_explanation` sets how many findings may share words."""
    folder = make_site(tmp_path, {"paper_pdfs": False, "review_age": 30, "max_shared_explanation": 1}, strict=False)
    barrier = tmp_path / "kb" / "content" / "barriers" / "lack-of-staff-continuity.yaml"
    barrier.write_text(barrier.read_text(encoding="utf-8") + "reviewed: 2000-01-01\n", encoding="utf-8")
    built(folder)
    assert "warning[record.review-overdue]" in caplog.text
    assert "warning[confidence.repeated-explanation]" in caplog.text


def test_compare_with_outside_git_says_history_is_not_available(tmp_path: Path) -> None:
    """`compare_with` names a revision; outside git the build still works and its What's changed page says why."""
    built(make_site(tmp_path, {"paper_pdfs": False, "compare_with": "v0.1.0"}))
    changes = (tmp_path / "site" / "public" / "changes" / "index.html").read_text(encoding="utf-8")
    assert "not available" in changes


def tamper_a_quotation(tmp_path: Path) -> None:
    finding = tmp_path / "kb" / "content" / "findings" / "turley-staff-continuity.yaml"
    text = finding.read_text(encoding="utf-8")
    quote = next(line for line in text.splitlines() if "quote:" in line)
    finding.write_text(text.replace(quote, quote.replace("quote: ", "quote: never said, ")), encoding="utf-8")


def test_sources_checks_every_quotation_against_the_full_texts(tmp_path: Path) -> None:
    """`sources: ../kb/sources` verifies quotations: a tampered one stops the build, which passes without it."""
    folder = make_site(tmp_path, {"sources": "../kb/sources", "paper_pdfs": False})
    assert "studies/turley-2012/index.html" in built(folder)
    tamper_a_quotation(tmp_path)
    with pytest.raises(PluginError, match=r"error\[quote.not-found\]"):
        config = config_of(folder)
        config.plugins.on_config(config)
    with pytest.raises(Abort):
        built(folder)
    assert "studies/turley-2012/index.html" in built(make_site(tmp_path, {"paper_pdfs": False}))


def test_strict_content_stops_the_build_on_a_warning(tmp_path: Path) -> None:
    """`strict_content: true` makes a content warning an error; at its default the site is built with it."""
    folder = make_site(tmp_path, {"paper_pdfs": False}, strict=False)
    (tmp_path / "kb" / "content" / "barriers" / "lonely.yaml").write_text(
        "name: Lonely\nsummary: Nothing links here.\nwhat_to_do: Nothing.\n", encoding="utf-8")
    assert "barriers/lonely/index.html" in built(folder)
    folder = make_site(tmp_path, {"paper_pdfs": False, "strict_content": True}, strict=False)
    with pytest.raises(PluginError, match=r"lonely.yaml:1:1: error\[evidence.unsupported\]"):
        config = config_of(folder)
        config.plugins.on_config(config)
    with pytest.raises(Abort):
        built(folder)


def test_paper_pdfs_writes_each_papers_pdf_beside_its_page(tmp_path: Path) -> None:
    """By default the paper's PDF is in the site; `paper_pdfs: false` leaves only its page."""
    files = built(make_site(tmp_path, {}))
    assert {"papers/options-paper/index.html", "papers/options-paper.pdf"} <= files
    assert (tmp_path / "site" / "public" / "papers" / "options-paper.pdf").read_bytes().startswith(b"%PDF-")
    files = built(make_site(tmp_path, {"paper_pdfs": False}))
    assert "papers/options-paper/index.html" in files and not [f for f in files if f.startswith("papers/")
                                                                and f.endswith(".pdf")]


def test_downloads_publishes_the_open_data_and_its_page(tmp_path: Path) -> None:
    """By default every download and the open-data page are in the site; `downloads: false` publishes neither."""
    files = built(make_site(tmp_path, {"paper_pdfs": False}))
    assert {"downloads/index.html", "downloads/records.json", "downloads/references.ris",
            "downloads/studies/turley-2012.bib"} <= files
    files = built(make_site(tmp_path, {"paper_pdfs": False, "downloads": False}))
    assert not [f for f in files if f.startswith("downloads/")]


def test_contributor_guide_publishes_its_pages_in_the_named_folder(tmp_path: Path) -> None:
    """`contributor_guide: handbook` puts the field and error-code pages under handbook/; unset, neither is built."""
    files = built(make_site(tmp_path, {"paper_pdfs": False, "contributor_guide": "handbook"}))
    assert {"handbook/fields/index.html", "handbook/error-codes/index.html"} <= files
    codes = (tmp_path / "site" / "public" / "handbook" / "error-codes" / "index.html").read_text(encoding="utf-8")
    assert "ref.unknown-theme" in codes
    files = built(make_site(tmp_path, {"paper_pdfs": False}))
    assert not [f for f in files if "error-codes" in f or f.startswith("handbook/")]


def test_search_chooses_pagefind_or_materials_own_index(tmp_path: Path) -> None:
    """By default Pagefind's bundle is built and Material's index is not; `search: material` gives the reverse."""
    files = built(make_site(tmp_path, {"paper_pdfs": False, "briefing_pdf": False}))
    assert "pagefind/pagefind.js" in files and "pagefind/pagefind-entry.json" in files
    assert "search/search_index.json" not in files
    home = (tmp_path / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert 'class="synth-search"' in home and 'data-md-component="search"' not in home
    files = built(make_site(tmp_path, {"paper_pdfs": False, "briefing_pdf": False, "search": "material"}))
    assert "search/search_index.json" in files and not [f for f in files if f.startswith("pagefind/")]
    home = (tmp_path / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="search"' in home and 'class="synth-search"' not in home


def test_search_part_pages_indexes_a_site_in_parts_and_refuses_less_than_one(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`search_part_pages: 5` indexes the example site in parts of about 5 pages, each page naming the count.

    0 is refused before anything is built, with the option named.
    """
    files = built(make_site(tmp_path, {"paper_pdfs": False, "briefing_pdf": False, "search_part_pages": 5}))
    pages = [name for name in files if name.endswith("index.html") and not name.startswith("pagefind/")]
    parts = -(-len(pages) // 5)
    assert parts >= 2 and {f"pagefind/part-{part}/pagefind-entry.json" for part in range(1, parts)} <= files
    assert f"pagefind/part-{parts}/pagefind-entry.json" not in files
    home = (tmp_path / "site" / "public" / "index.html").read_text(encoding="utf-8")
    assert f'data-synth-parts="{parts}"' in home
    with pytest.raises((PluginError, Abort)):
        built(make_site(tmp_path, {"paper_pdfs": False, "search_part_pages": 0}))
    assert "search_part_pages must be a whole number of pages, 1 or more, not 0" in caplog.text
    assert not (tmp_path / "site" / "public").exists()
