"""Stage 3: cross-references are checked and every reverse link is computed."""

from __future__ import annotations

from pathlib import Path

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
    assert kb.ranked("barrier") == ["lack-of-staff-continuity"]


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
