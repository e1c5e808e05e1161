"""Papers' front matter: what a valid paper holds, and every front-matter problem reported at its line."""

from __future__ import annotations

import datetime

import pytest
from conftest import DATA

from synth.papers.model import Author, load_paper, load_papers, parse_paper

EXAMPLE = DATA / "papers-example"
FRONT = """\
---
title: A paper
authors:
  - name: Example, Ada Lovelace
date: 2026-11-20
event: {name: A seminar, relation: presented-at}
abstract: What it says.
status: draft
version: "0.1"
---

Body text.
"""


def test_example_paper_is_read_with_its_front_matter_and_body_line() -> None:
    """The example paper's fields are validated and its body starts after the closing '---'."""
    paper, problems = load_paper(EXAMPLE / "content" / "papers" / "example.md", EXAMPLE)
    assert problems == []
    assert paper is not None
    assert paper.slug == "example"
    assert paper.path == "content/papers/example.md"
    assert paper.meta.title == "Staff continuity & independence: an example paper"
    assert [a.name for a in paper.meta.authors] == ["Example, Ada", "Evidence Review Team"]
    assert paper.meta.date == datetime.date(2026, 11, 20)
    assert paper.meta.status == "draft" and paper.is_draft
    assert paper.meta.version == "0.1"
    assert paper.body_line == 14
    assert paper.body.startswith("\n## What the evidence says\n")


def test_every_markdown_file_in_the_folder_is_a_paper_in_name_order() -> None:
    """`load_papers` reads each `*.md` file of `content/papers/`, sorted by name."""
    papers, problems = load_papers(EXAMPLE / "content" / "papers", EXAMPLE)
    assert problems == []
    assert [p.slug for p in papers] == ["example", "published"]


def test_a_missing_folder_means_no_papers() -> None:
    """A project without `content/papers/` has no papers and no problems."""
    assert load_papers(DATA / "check-example" / "content" / "papers") == ([], [])


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("---\ntitle", "title", "x.md:1:1: error[paper.no-front-matter]: a paper must open with YAML front matter "
                            "between two '---' lines"),
    ('version: "0.1"\n', 'version: "0.1"\ncolour: blue\n',
     "x.md:10:1: error[schema.unknown-field]: unknown field 'colour' in a paper; expected one of: ['abstract', "
     "'authors', 'date', 'event', 'prepared_by', 'status', 'title', 'version']"),
    ("status: draft", "status: final",
     "x.md:8:9: error[schema.invalid-value]: 'status': expected one of: ['draft', 'published'] but received: "
     "'final'"),
    ('version: "0.1"', "version: 0.1",
     "x.md:9:10: error[schema.invalid-value]: 'version': input should be a valid string; received: 0.1"),
    ("relation: presented-at", "relation: given-at",
     "x.md:6:36: error[schema.invalid-value]: 'event.relation': expected one of: ['prepared-for', 'presented-at'] "
     "but received: 'given-at'"),
    ("event: {name: A seminar, relation: presented-at}", "event: A seminar",
     "x.md:6:8: error[schema.invalid-value]: 'event': input should be a valid dictionary or instance of "
     "PaperEvent; received: 'A seminar'"),
    ("date: 2026-11-20", "date: 20 November",
     "x.md:5:7: error[schema.invalid-value]: 'date': input should be a valid date or datetime, invalid "
     "character in year; received: '20 November'"),
    ("title: A paper", "title: A: paper: here",
     "x.md:2:9: error[yaml.syntax]: mapping values are not allowed in this context"),
    ("  - name: Example, Ada Lovelace\n", "  []\n",
     "x.md:4:3: error[schema.invalid-value]: 'authors': tuple should have at least 1 item after validation, "
     "not 0; received: list"),
])
def test_front_matter_problems_are_located_at_their_line(old: str, new: str, expected: str) -> None:
    """Each kind of front-matter mistake is one diagnostic at the file line of the offending field."""
    paper, problems = parse_paper(FRONT.replace(old, new, 1), "x.md", "x")
    assert paper is None
    assert [p.format().split("\n")[0] for p in problems] == [expected]


def test_a_file_name_that_is_not_a_slug_is_refused() -> None:
    """The slug names the page and the PDF, so `My Paper.md` is an error with a suggested name."""
    paper, problems = parse_paper(FRONT, "content/papers/My Paper.md", "My Paper")
    assert paper is None
    assert [p.format() for p in problems] == [
        "content/papers/My Paper.md:1:1: error[paper.not-slug]: file name 'My Paper' is not a lower-case slug "
        "(letters, digits, hyphens)\n  hint: rename it to 'my-paper.md'"]


@pytest.mark.parametrize(("name", "display", "family"), [
    ("Example, Ada Lovelace", "Ada Lovelace Example", "Example"),
    ("van Eijk, Carola", "Carola van Eijk", "van Eijk"),
    ("Evidence Review Team", "Evidence Review Team", "Evidence Review Team"),
])
def test_author_names(name: str, display: str, family: str) -> None:
    """A person is written ``Family, Given`` and printed ``Given Family``; a group is printed as written."""
    author = Author(name=name)
    assert (author.display_name, author.family) == (display, family)
