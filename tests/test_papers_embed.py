"""Embeds and mentions in papers: where they are found, and every unknown record, key or form at its line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, REPOSITORY

from synth.papers.embed import check_paper, check_papers, find_embeds
from synth.papers.model import Paper, load_paper, parse_paper
from synth.pipeline import check_project
from synth.records.link import KnowledgeBase

EXAMPLE = DATA / "papers-example"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return check_project(EXAMPLE).kb


def paper_from(body: str, path: str = "content/papers/draft.md") -> Paper:
    """A paper with valid front matter (ten lines) and ``body`` starting on line 11."""
    front = ("---\ntitle: T\nauthors:\n  - name: A\ndate: 2026-11-20\nevent: {name: E, relation: prepared-for}\n"
             'abstract: X\nstatus: draft\nversion: "1"\n---\n')
    paper, problems = parse_paper(front + body, path, "draft")
    assert problems == [] and paper is not None
    return paper


def test_every_embed_and_mention_of_the_example_is_found_with_its_place() -> None:
    """Embeds alone on a line and mentions inside text, in order; code, comments and escapes are skipped."""
    paper, _ = load_paper(EXAMPLE / "content" / "papers" / "example.md", EXAMPLE)
    assert paper is not None
    found = [(e.kind, e.target, e.line, e.column, e.block) for e in find_embeds(paper)]
    assert found == [
        ("finding", "turley-staff-continuity", 20, 1, True),
        ("barrier", "lack-of-staff-continuity", 22, 13, False),
        ("finding", "estate-formal-meetings", 23, 1, False),
        ("facilitator", "independent-neighbourhood-manager", 25, 1, True),
        ("barrier", "formal-meetings-favour-professionals", 27, 1, True),
        ("table", "barriers", 29, 1, True),
        ("matrix", "", 31, 1, True),
        ("table", "facilitators", 33, 1, True),
        ("study", "estate-2021", 35, 1, True),
    ]


def test_the_example_has_no_problems(kb: KnowledgeBase) -> None:
    """Every record the example embeds and every key it cites exists."""
    paper, _ = load_paper(EXAMPLE / "content" / "papers" / "example.md", EXAMPLE)
    assert paper is not None
    assert check_paper(paper, kb) == []


@pytest.mark.parametrize(("body", "expected"), [
    ("Text.\n\n[[finding:turley-staf-continuity]]\n",
     "content/papers/draft.md:13:1: error[paper.unknown-record]: [[finding:turley-staf-continuity]]: no finding "
     "has the id 'turley-staf-continuity'\n  hint: did you mean 'turley-staff-continuity'?"),
    ("See [[barrier:no-such-barrier]] here.\n",
     "content/papers/draft.md:11:5: error[paper.unknown-record]: [[barrier:no-such-barrier]]: no barrier has the "
     "id 'no-such-barrier'\n  hint: see content/barriers/ for the barrier ids"),
    ("[[study:turley-2012]]\n\nAs shown [@turley2012neighborhood, p. 3].\n",
     "content/papers/draft.md:13:11: error[paper.unknown-key]: @turley2012neighborhood: no BibTeX entry has the "
     "key 'turley2012neighborhood'\n  hint: did you mean 'turley2012neighbourhood'?"),
    ("@nobody2020 said so.\n",
     "content/papers/draft.md:11:1: error[paper.unknown-key]: @nobody2020: no BibTeX entry has the key "
     "'nobody2020'\n  hint: add an entry with this key to a bibliography/*.bib file"),
    ("[[findings:turley-staff-continuity]]\n",
     "content/papers/draft.md:11:1: error[paper.bad-embed]: [[findings:turley-staff-continuity]] is not an embed; "
     "expected one of: [[finding:ID]], [[barrier:ID]], [[facilitator:ID]], [[outcome:ID]], [[study:ID]], "
     "[[table:barriers]], [[table:facilitators]], [[table:outcomes]] or [[matrix]]\n  hint: did you mean 'finding'?"),
    ("[[table:studies]]\n",
     "content/papers/draft.md:11:1: error[paper.bad-embed]: [[table:studies]] is not an embed; expected one of: "
     "[[finding:ID]], [[barrier:ID]], [[facilitator:ID]], [[outcome:ID]], [[study:ID]], [[table:barriers]], "
     "[[table:facilitators]], [[table:outcomes]] or [[matrix]]\n"
     "  hint: write 'barriers', 'facilitators' or 'outcomes' after 'table:'"),
    ("[[matrix:all]]\n",
     "content/papers/draft.md:11:1: error[paper.bad-embed]: [[matrix:all]] is not an embed; expected one of: "
     "[[finding:ID]], [[barrier:ID]], [[facilitator:ID]], [[outcome:ID]], [[study:ID]], [[table:barriers]], "
     "[[table:facilitators]], [[table:outcomes]] or [[matrix]]\n  hint: write [[matrix]], with nothing after the word"),
    ("[[1]] is a footnote-like bracket.\n",
     "content/papers/draft.md:11:1: error[paper.bad-embed]: [[1]] is not an embed; expected one of: "
     "[[finding:ID]], [[barrier:ID]], [[facilitator:ID]], [[outcome:ID]], [[study:ID]], [[table:barriers]], "
     "[[table:facilitators]], [[table:outcomes]] or [[matrix]]\n  hint: write '\\[[' for literal brackets"),
    ("The matrix [[matrix]] shows it.\n",
     "content/papers/draft.md:11:12: error[paper.bad-embed]: [[matrix]] must be on a line of its own, starting in "
     "column 1\n  hint: move it to its own line, with blank lines around it"),
])
def test_each_problem_is_one_error_at_its_line_and_column(kb: KnowledgeBase, body: str, expected: str) -> None:
    """Unknown ids, unknown keys and malformed forms each give one located error with a hint."""
    assert [d.format() for d in check_paper(paper_from(body), kb)] == [expected]


def test_code_comments_and_escapes_are_never_read(kb: KnowledgeBase) -> None:
    """Embeds and citations in fenced and indented code, code spans, comments or after a backslash are text."""
    body = ("```\n[[finding:nope]] [@nope]\n```\n\n    [[finding:nope]] [@nope]\n\n"
            "Inline `[[finding:nope]]` and `[@nope]`, escaped \\[[finding:nope]].\n\n<!-- [[finding:nope]] -->\n")
    paper = paper_from(body)
    assert find_embeds(paper) == []
    assert check_paper(paper, kb) == []


def test_an_indented_embed_line_inside_a_list_is_a_mention() -> None:
    """Only a form in column 1 is an embed; inside a list item's text it is a mention."""
    paper = paper_from("1.  A question.\n\n    [[barrier:lack-of-staff-continuity]]\n")
    assert [(e.line, e.column, e.block) for e in find_embeds(paper)] == [(13, 5, False)]


def copy_example(tmp_path: Path) -> Path:
    """A copy of the example project to break."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    return project


BROKEN_PAPER = """\
---
title: Broken
authors:
  - name: A
date: 2026-11-20
event: {name: E, relation: prepared-for}
abstract: X
status: draft
version: "1"
---

Cited [@turley2012neighbourhod].

[[finding:turley-staff-continuty]]
"""


def test_check_project_reports_paper_errors_at_file_and_line(tmp_path: Path) -> None:
    """`check_project` (and so `synth check` and the site build) reports a paper's unknown key and record."""
    project = copy_example(tmp_path)
    (project / "content" / "papers" / "broken.md").write_text(BROKEN_PAPER, encoding="utf-8")
    result = check_project(project)
    assert [d.format().split("\n")[0] for d in result.errors] == [
        "content/papers/broken.md:12:8: error[paper.unknown-key]: @turley2012neighbourhod: no BibTeX entry has the "
        "key 'turley2012neighbourhod'",
        "content/papers/broken.md:14:1: error[paper.unknown-record]: [[finding:turley-staff-continuty]]: no finding "
        "has the id 'turley-staff-continuty'",
    ]
    assert check_papers(project / "content", result.kb, project)[1] == list(result.errors)


def test_synth_check_exits_1_with_the_paper_errors(tmp_path: Path) -> None:
    """The command line prints the paper's errors in the compiler format and exits 1."""
    project = copy_example(tmp_path)
    (project / "content" / "papers" / "broken.md").write_text(BROKEN_PAPER, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "synth", "check", "."], cwd=project, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPOSITORY)}, check=False)
    assert result.returncode == 1
    assert "content/papers/broken.md:12:8: error[paper.unknown-key]" in result.stdout
    assert "content/papers/broken.md:14:1: error[paper.unknown-record]" in result.stdout
    assert "2 errors" in result.stdout.splitlines()[-1]
