"""`synth new`: commented templates that the checker rejects until filled, unique ids, no overwriting."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import DATA

from synth.authoring.fmt import format_text
from synth.authoring.scaffold import (
    ScaffoldError,
    create_record,
    render_factor,
    render_finding,
    render_outcome,
    render_study,
    slugify,
    unique_id,
)
from synth.cli import main
from synth.pipeline import check_project

EXAMPLE = DATA / "check-example"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the small example project, free to write into."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "project"))


def fill(text: str, *values: str) -> str:
    """Replace the template's TODO placeholders, in order of appearance, with ``values``."""
    for value in values:
        text, count = re.subn(r"(?m): TODO$", f": {value}", text, count=1)
        assert count == 1
    assert not re.search(r"(?m): TODO$", text)
    return text


def placeholders(project: Path) -> list[tuple[str, str, str]]:
    """Every diagnostic of the project as (code, record id, field named in the message)."""
    result = check_project(project)
    return [(d.code, d.record_id or "", re.findall(r"'([^']*)'", d.message)[0]) for d in result.diagnostics]


@pytest.mark.parametrize(("title", "slug"), [
    ("Delivering neighbourhood policing in partnership", "delivering-neighbourhood-policing-in-partnership"),
    ("Résumé: a “new” approach — Ørsted's 2nd test", "resume-a-new-approach-orsted-s-2nd-test"),
    ("Łódź", "lodz"),
    ("Полиция и общество", "politsiia-i-obshchestvo"),
    ("  Many   spaces  ", "many-spaces"),
    ("A very long title " * 6, "a-very-long-title-a-very-long-title-a-very-long-title-a-very"),
    ("???", ""),
])
def test_slugify_makes_lower_case_slugs_of_at_most_60_characters(title: str, slug: str) -> None:
    """Letters transliterate (Ł, Ø, Cyrillic), punctuation becomes single hyphens, long titles cut at a word."""
    assert slugify(title) == slug
    assert len(slug) <= 60


def test_unique_id_appends_a_number_ignoring_letter_case() -> None:
    """A taken id gets -2, then -3, comparing without letter case as file systems and URLs do."""
    assert unique_id("smith-2020", []) == "smith-2020"
    assert unique_id("smith-2020", ["Smith-2020"]) == "smith-2020-2"
    assert unique_id("smith-2020", ["smith-2020", "SMITH-2020-2"]) == "smith-2020-3"


def test_new_study_is_rejected_by_check_with_one_placeholder_error_per_unfilled_field(project: Path) -> None:
    """The template starts with the $schema line and check names each TODO field, with what to write."""
    path = create_record(project, "study", "Street wardens in Leeds")
    assert path == project / "content" / "studies" / "street-wardens-in-leeds.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/study.schema.json\n")
    assert "title: Street wardens in Leeds\n" in text
    assert placeholders(project) == [
        ("schema.placeholder", "street-wardens-in-leeds", "cite"),
        ("schema.placeholder", "street-wardens-in-leeds", "design"),
        ("schema.placeholder", "street-wardens-in-leeds", "evidence_kind"),
        ("schema.placeholder", "street-wardens-in-leeds", "summary"),
        ("schema.placeholder", "street-wardens-in-leeds", "appraisal.strengths"),
        ("schema.placeholder", "street-wardens-in-leeds", "appraisal.limitations"),
    ]
    design = next(d for d in check_project(project).diagnostics if "design" in d.message)
    assert design.hint is not None and design.hint.startswith("write one of: qualitative-case-studies, ethnography")
    assert design.location is not None and (design.location.line, design.location.column) == (10, 9)


def test_new_finding_barrier_and_facilitator_are_rejected_until_filled(project: Path) -> None:
    """Each placeholder of a finding, barrier and facilitator template is its own error."""
    create_record(project, "finding", "Wardens are trusted", study="turley-2012")
    create_record(project, "barrier", "Short funding cycles")
    create_record(project, "facilitator", "Local wardens")
    fields = [(record, field) for code, record, field in placeholders(project) if code == "schema.placeholder"]
    assert fields == [
        ("short-funding-cycles", "summary"), ("short-funding-cycles", "what_to_do"),
        ("local-wardens", "summary"), ("local-wardens", "what_to_do"),
        ("wardens-are-trusted", "title"), ("wardens-are-trusted", "statement"),
        ("wardens-are-trusted", "evidence[0].quote"),
        ("wardens-are-trusted", "evidence[0].locator"),
        *[("wardens-are-trusted", f"confidence.{component}.{part}")
          for component in ("methodological_limitations", "coherence", "adequacy", "relevance")
          for part in ("concern", "explanation")],
        ("wardens-are-trusted", "confidence.overall.rating"), ("wardens-are-trusted", "confidence.overall.explanation"),
    ]


def test_filled_templates_pass_the_check_with_no_diagnostics(project: Path) -> None:
    """Once every TODO is replaced by a real value, the new records are valid and fully linked."""
    study = create_record(project, "study", "Street wardens in Leeds")
    study.write_text(fill(study.read_text(), "turley2012neighbourhood", "survey", "evaluated-research",
                          "A survey of wardens.",
                          "Large sample.", "Self-reported."))
    finding = create_record(project, "finding", "Wardens are trusted", study="street-wardens-in-leeds")
    finding.write_text(fill(finding.read_text(), "Wardens are trusted", "Residents trust wardens.",
                            "wardens are trusted", "p. 3",
                            "minor", "Survey only.", "no-or-very-minor", "Consistent.", "serious", "One item.",
                            "minor", "UK setting.", "low", "One survey.").replace(
        "barriers: []", "barriers: [short-funding-cycles]").replace(
        "facilitators: []", "facilitators: [local-wardens]").replace(
        "outcomes: []", "outcomes: [residents-feel-safer]"))
    outcome = create_record(project, "outcome", "Residents feel safer")
    outcome.write_text(fill(outcome.read_text(), "Residents said they felt safer.", "Residents", "perceived",
                            "positive"))
    for kind, title in (("barrier", "Short funding cycles"), ("facilitator", "Local wardens")):
        path = create_record(project, kind, title)
        path.write_text(fill(path.read_text(), "What it is.", "What to do.").replace(
            "themes: []", "themes: [partnership-working]").replace("who_can_act: []", "who_can_act: [council]"))
    result = check_project(project)
    assert [d.format() for d in result.diagnostics] == []
    assert (len(result.kb.studies), len(result.kb.findings), len(result.kb.outcomes)) == (2, 3, 1)
    assert result.kb.findings_by_outcome == {"residents-feel-safer": ("wardens-are-trusted",)}
    assert result.kb.barriers["short-funding-cycles"].who_can_act == ("council",)


def test_templates_are_already_in_canonical_form() -> None:
    """`synth fmt` leaves a fresh template exactly as `synth new` wrote it."""
    for kind, text in (("study", render_study("A title: with a colon", year=2012, tags=("a: b", "c"))),
                       ("finding", render_finding("some-study", "A finding")),
                       ("barrier", render_factor("barrier", "A barrier")),
                       ("facilitator", render_factor("facilitator", "A facilitator")),
                       ("outcome", render_outcome("An outcome"))):
        assert format_text(text, kind) == text


def test_new_outcome_names_each_unfilled_field_with_its_allowed_values(project: Path) -> None:
    """`synth new outcome` writes a template whose basis and direction placeholders list what to write."""
    path = create_record(project, "outcome", "Residents feel safer")
    assert path == project / "content" / "outcomes" / "residents-feel-safer.yaml"
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../schemas/outcome.schema.json\n")
    problems = {d.message.split("'")[1]: d.hint for d in check_project(project).diagnostics
                if d.code == "schema.placeholder"}
    assert list(problems) == ["summary", "for_whom", "basis", "direction"]
    assert problems["basis"] == "write one of: measured, observed, perceived, expected"
    assert problems["direction"] == "write one of: positive, negative, mixed, none-found"


def test_long_values_are_folded_and_read_back_exactly() -> None:
    """A long summary is written as a folded block that reads back as the same text."""
    summary = "An abstract with: colons, 'quotes' and # hashes, " * 8
    data = yaml.safe_load(render_study("T", summary=summary.strip()))
    assert data["summary"] == summary.strip()
    assert "summary: >-\n" in render_study("T", summary=summary.strip())


def test_a_finding_needs_an_existing_study_and_suggests_the_closest(project: Path) -> None:
    """An unknown --study is refused with a did-you-mean hint; a missing one is refused too."""
    with pytest.raises(ScaffoldError, match=r"no study has the id 'turley-2021'; did you mean 'turley-2012'\?"):
        create_record(project, "finding", "X", study="turley-2021")
    with pytest.raises(ScaffoldError, match="a finding needs --study ID"):
        create_record(project, "finding", "X")
    assert not list((project / "content" / "findings").glob("x*.yaml"))


def test_ids_are_made_unique_and_files_never_overwritten(project: Path) -> None:
    """The same title twice gives -2; an explicit id that is taken is refused and the file left as it was."""
    first = create_record(project, "barrier", "Short funding cycles")
    second = create_record(project, "barrier", "Short funding cycles")
    assert (first.name, second.name) == ("short-funding-cycles.yaml", "short-funding-cycles-2.yaml")
    existing = project / "content" / "barriers" / "lack-of-staff-continuity.yaml"
    before = existing.read_bytes()
    with pytest.raises(ScaffoldError, match="already exists"):
        create_record(project, "barrier", "Anything", record_id="lack-of-staff-continuity")
    assert existing.read_bytes() == before
    with pytest.raises(ScaffoldError, match="not a lower-case slug"):
        create_record(project, "barrier", "Anything", record_id="../escape")
    assert not (project / "content" / "escape.yaml").exists()


def test_cli_prints_the_path_and_exits_1_with_a_message_when_refused(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`synth new` prints the path it wrote; a refusal exits 1 with the reason on stderr."""
    assert main(["new", "facilitator", "--title", "Local wardens", "--project", str(project)]) == 0
    assert capsys.readouterr().out == f"{project / 'content' / 'facilitators' / 'local-wardens.yaml'}\n"
    assert main(["new", "facilitator", "--title", "Other", "--id", "local-wardens", "--project", str(project)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "finding", "--title", "F", "--study", "nope", "--project", str(project)]) == 1
    assert "no study has the id 'nope'" in capsys.readouterr().err
    assert main(["new", "study", "--title", "T", "--project", str(project / "missing")]) == 2
