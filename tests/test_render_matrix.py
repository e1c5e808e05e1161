"""The evidence matrix: studies grouped by publication, short headings read whole, and every cell in words."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from conftest import SITE_EXAMPLE

from synth.pipeline import check_project
from synth.references.style import ReferenceFormatter
from synth.site.matrix import render_matrix
from synth.site.references import ReferenceShelf

SECOND_BOOKLET_STUDY = """\
title: A practice example described in the same booklet as another study
cite: lgg2010bigsociety
design: practice-example
evidence_kind: practice-example
evaluation: described-not-evaluated
summary: One council's scheme, as the booklet describes it.
appraisal:
  strengths: Described by the people who ran it.
  limitations: Not evaluated.
"""


def test_matrix_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The evidence matrix of the example."""
    kb, shelf = site_example
    golden("render/matrix.md", render_matrix(kb, shelf))


def test_matrix_cells_say_their_content_in_words(site_example) -> None:  # type: ignore[no-untyped-def]
    """Rows are barriers, facilitators then outcomes, columns are studies; every cell has a text equivalent."""
    kb, shelf = site_example
    page = render_matrix(kb, shelf)
    columns = re.findall(r'<th scope="col"[^>]*><a href="[^"]+" title="[^"]+">([^<]+)</a></th>', page)
    # The booklet's two studies sit under one publication heading, each named by its title beneath it.
    assert columns == ["Alexander (2021)", "Turley, Kenny… (2012)", "Participatory budgeting…", "The Big Society:…"]
    row = next(line for line in page.splitlines() if "lack-of-staff-continuity/\">" in line)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page[page.index(row):].split("</tr>")[0])
    assert cells == [
        '<a href="../barriers/lack-of-staff-continuity/#study-alexander-2021">1 finding</a>, highest: moderate',
        '<span aria-hidden="true">—</span><span class="synth-visually-hidden">no findings</span>',
        '<span aria-hidden="true">—</span><span class="synth-visually-hidden">no findings</span>',
        '<a href="../barriers/lack-of-staff-continuity/#study-turley-2012">1 finding</a>, highest: low',
    ]
    assert page.count('<th scope="rowgroup" colspan="5"') == 3
    rows = len(kb.barriers) + len(kb.facilitators) + len(kb.outcomes)
    assert len(re.findall(r"<td", page)) == rows * len(kb.studies)


def test_matrix_scrolls_in_a_labelled_focusable_region_with_full_titles_in_its_caption(site_example) -> None:  # type: ignore[no-untyped-def]
    """A named, focusable scroll region; the caption's key and each heading's tooltip give the full titles."""
    kb, shelf = site_example
    page = render_matrix(kb, shelf)
    assert ('<div class="synth-matrix" role="region" aria-labelledby="synth-matrix-caption" tabindex="0">\n'
            '<table class="synth-matrix__table">\n<caption><span id="synth-matrix-caption">') in page
    key = page[page.index('<details class="synth-matrix__key">'):page.index("</caption>")]
    for study in kb.studies.values():
        assert html.escape(study.title, quote=True) in key
        assert f'title="{html.escape(shelf[study.cite].author_short)}' in page
    assert "hide:\n  - navigation\n  - toc\n" in page


def test_shortened_headings_keep_the_year(site_example) -> None:  # type: ignore[no-untyped-def]
    """A long author name (or a title standing for one) is shortened; the year always stays."""
    kb, shelf = site_example
    page = render_matrix(kb, shelf)
    assert ('<th scope="colgroup" colspan="2" class="synth-matrix__group-start" title="Local Government Group (2010)">'
            "Local Government… (2010)</th>") in page


@pytest.fixture(scope="module")
def shared_publication(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The example with a second study citing the booklet another study cites."""
    project = tmp_path_factory.mktemp("matrix") / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    (project / "content" / "studies" / "lgg-2010-example.yaml").write_text(SECOND_BOOKLET_STUDY, encoding="utf-8")
    result = check_project(Path(project))
    assert not result.errors
    return result.kb, ReferenceShelf(result.kb.bibliography, ReferenceFormatter(result.kb.bibliography))


def test_studies_from_one_publication_are_grouped_under_it(shared_publication) -> None:  # type: ignore[no-untyped-def]
    """Studies citing one booklet share a heading spanning them, each titled beneath; single studies span both rows."""
    kb, shelf = shared_publication
    page = render_matrix(kb, shelf)
    head = page[page.index("<thead>"):page.index("</thead>")]
    assert '<th scope="colgroup" colspan="3" class="synth-matrix__group-start" title="Local Government Group (2010)">' \
           "Local Government… (2010)</th>" in head
    second_row = head.split("</tr>")[1]
    assert re.findall(r'<a href="\.\./studies/([a-z0-9-]+)/"', second_row) == [
        "lgg-2010-example", "scarborough-2009", "lgg-2010"]
    assert ">A practice example…</a>" in second_row
    assert head.count('rowspan="2"') == 3  # The corner and the two single-study publications.
    assert '<colgroup span="3"></colgroup>' in page


def test_matrix_columns_are_themes_when_studies_are_many(site_example, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Above the study limit the columns are themes, so the table's width no longer grows with the studies."""
    kb, shelf = site_example
    monkeypatch.setattr("synth.site.matrix.MATRIX_STUDY_LIMIT", 2)
    page = render_matrix(kb, shelf)
    columns = re.findall(r'<th scope="col"[^>]*><a href="([^"]+)" title="([^"]+)">', page)
    assert [html.unescape(name) for _, name in columns] == [theme.name for theme in kb.themes.values()]
    assert all(href.startswith("../themes/#theme-") for href, _ in columns)
    assert "and theme (columns)</span>" in page
    total = sum(int(n) for n in re.findall(r">(\d+) findings?</a>", page))
    assert total == sum(len(f.themes) * (len(f.barriers) + len(f.facilitators) + len(f.outcomes))
                        for f in kb.findings.values())


def test_above_the_row_limit_each_kind_shows_its_best_supported_and_links_its_table(
        site_example, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """With more barriers than the limit, the matrix has the best-supported ones, says so, and links the table."""
    kb, shelf = site_example
    monkeypatch.setattr("synth.site.matrix.MATRIX_ROWS", 2)
    page = render_matrix(kb, shelf)
    shown = re.findall(r'<tr><th scope="row"><a href="\.\./barriers/([^/]+)/">', page)
    assert shown == list(kb.ranked("barrier")[:2]) and len(kb.barriers) > 2
    assert (f"What gets in the way: the 2 best supported of {len(kb.barriers)} "
            f'(<a href="../barriers/">the table lists them all</a>)') in page
    outcomes = re.findall(r'<tr><th scope="row"><a href="\.\./outcomes/([^/]+)/">', page)
    assert outcomes == list(kb.ranked("outcome")[:2])
    monkeypatch.setattr("synth.site.matrix.MATRIX_ROWS", 100)
    assert "best supported of" not in render_matrix(kb, shelf)  # The example's rows are all shown.
