"""Stage 3: cross-references are checked and every reverse link is computed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA

from synth.pipeline import check_project

EXAMPLE = DATA / "check-example"


def test_the_example_tree_has_no_problems() -> None:
    """The small valid tree checks clean, with quotations verified."""
    result = check_project(EXAMPLE, sources=EXAMPLE / "sources")
    assert [d.format() for d in result.diagnostics] == []
    assert result.counts == {"study": 1, "publication": 1, "finding": 2, "barrier": 1, "facilitator": 1, "outcome": 0,
                             "theme": 2, "reference": 2}


def test_reverse_links_are_computed() -> None:
    """A study's findings, a barrier's findings, a theme's findings and a key's citing studies are all derived."""
    kb = check_project(EXAMPLE).kb
    assert kb.findings_by_study == {"turley-2012": ("turley-independent-manager", "turley-staff-continuity")}
    assert kb.findings_by_barrier == {"lack-of-staff-continuity": ("turley-staff-continuity",)}
    assert kb.findings_by_facilitator == {"independent-neighbourhood-manager": ("turley-independent-manager",)}
    assert kb.findings_by_theme == {"partnership-working": ("turley-independent-manager", "turley-staff-continuity")}
    assert kb.factors_by_theme == {"partnership-working": (("barrier", "lack-of-staff-continuity"),
                                                            ("facilitator", "independent-neighbourhood-manager"))}
    assert kb.cited_by == {"turley2012neighbourhood": ("turley-2012",)}


def test_evidence_summaries_count_studies_designs_and_best_confidence() -> None:
    """A barrier's summary names its findings, studies, designs and highest overall confidence."""
    kb = check_project(EXAMPLE).kb
    summary = kb.support[("facilitator", "independent-neighbourhood-manager")]
    assert summary.findings == ("turley-independent-manager",)
    assert summary.studies == ("turley-2012",)
    assert dict(summary.designs) == {"qualitative-case-studies": 1}
    assert summary.highest_confidence == "moderate"
    assert kb.ranked("barrier") == ("lack-of-staff-continuity",)


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    """An unsupported barrier is a warning, and an error under strict."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    (project / "content" / "barriers" / "lonely.yaml").write_text(
        "name: Lonely\nsummary: Nothing links here.\nwhat_to_do: Nothing.\n")
    relaxed = check_project(project)
    strict = check_project(project, strict=True)
    assert [(d.code, d.severity) for d in relaxed.diagnostics] == [("evidence.unsupported", "warning")]
    assert [(d.code, d.severity) for d in strict.diagnostics] == [("evidence.unsupported", "error")]


def test_a_cited_reference_that_cannot_be_fully_formatted_is_reported(tmp_path: Path) -> None:
    """`synth check` formats every cited reference, so it reports what the site's reference list would."""
    import shutil

    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    (project / "bibliography" / "more.bib").write_text(
        "@techreport{turley2012neighbourhood,\n  author = {Turley, Caroline},\n  year = {2012}\n}\n")
    result = check_project(project)
    assert [(d.code, d.severity, str(d.location)) for d in result.diagnostics] == [
        ("bib.incomplete-entry", "warning", "bibliography/more.bib:1:1")]


def test_outcomes_get_their_findings_studies_and_publications() -> None:
    """An outcome's evidence is computed from the findings naming it, as a barrier's is."""
    kb = check_project(DATA / "site-example").kb
    assert kb.findings_by_outcome == {"residents-feel-safer": ("turley-shared-aims",)}
    summary = kb.support[("outcome", "residents-feel-safer")]
    assert (summary.studies, summary.publications, summary.highest_confidence) == (
        ("turley-2012",), ("turley2012neighbourhood",), "moderate")
    assert kb.ranked("outcome") == ("residents-feel-safer",)


def test_a_publication_is_counted_once_however_many_studies_cite_it() -> None:
    """A booklet and the practice example it describes are two studies but one publication."""
    kb = check_project(DATA / "site-example").kb
    summary = kb.support[("facilitator", "range-of-ways-to-get-involved")]
    assert summary.studies == ("lgg-2010", "scarborough-2009")
    assert summary.publications == ("lgg2010bigsociety",)
    assert dict(summary.evidence_kinds) == {"policy-guidance": 1, "practice-example": 1}
    assert summary.count.phrase() == "2 findings from 1 study and 1 practice example in 1 publication"
    assert (len(kb.studies), len(kb.publications)) == (4, 3)


def copy_example(tmp_path: Path) -> Path:
    """A writable copy of the small valid tree."""
    shutil.copytree(EXAMPLE, tmp_path / "project")
    return tmp_path / "project"


@pytest.mark.parametrize(("kind", "status", "expected"), [
    ("practice-example", None, [("evidence.no-evaluation", 5, "evidence_kind: a practice-example needs an "
                                 "'evaluation' status saying whether it was evaluated")]),
    ("proposal", None, [("evidence.no-evaluation", 5, "evidence_kind: a proposal needs an 'evaluation' status "
                         "saying whether it was evaluated")]),
    ("expert-opinion", "described-not-evaluated", [
        ("evidence.evaluation-mismatch", 6, "evaluation: only a practice example or proposal carries an evaluation "
         "status, but this study's evidence_kind is 'expert-opinion'")]),
    ("practice-example", "proposal-not-tried", [
        ("evidence.evaluation-mismatch", 6, "evaluation: 'proposal-not-tried' does not fit a study whose "
         "evidence_kind is 'practice-example'; expected a status other than 'proposal-not-tried'")]),
    ("proposal", "evaluated-positive", [
        ("evidence.evaluation-mismatch", 6, "evaluation: 'evaluated-positive' does not fit a study whose "
         "evidence_kind is 'proposal'; expected 'proposal-not-tried'")]),
    ("practice-example", "evaluated-mixed-or-no-effect", []),
    ("proposal", "proposal-not-tried", []),
])
def test_practice_examples_and_proposals_say_whether_they_were_evaluated(
        tmp_path: Path, kind: str, status: str | None, expected: list[tuple[str, int, str]]) -> None:
    """The evaluation status is required where it means something and refused or corrected elsewhere, at its line."""
    project = copy_example(tmp_path)
    path = project / "content" / "studies" / "turley-2012.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("evidence_kind:"))
    lines[index:index + 1] = [f"evidence_kind: {kind}", *([f"evaluation: {status}"] if status else [])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert index == 4
    found = [(d.code, d.location.line if d.location else 0, d.message) for d in check_project(project).diagnostics]
    assert found == expected
