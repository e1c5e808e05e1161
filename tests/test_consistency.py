"""Consistency of confidence ratings: the usual path from component concerns, departures, shared explanations."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from conftest import DATA, REPOSITORY

from synth.cli import main
from synth.pipeline import check_project
from synth.records.consistency import usual_rating
from synth.records.schema import CONCERNS

EXAMPLE = DATA / "check-example"
FINDING = """study: turley-2012
statement: {statement}
evidence:
  - quote: a lack of staff continuity.
    locator: "Barriers to delivering neighbourhood policing in partnership"
barriers: [lack-of-staff-continuity]
confidence:
  methodological_limitations:
    concern: minor
    explanation: {ml}
  coherence: {{concern: no-or-very-minor}}
  adequacy: {{concern: {adequacy}, explanation: {adequacy_why}}}
  relevance: {{concern: no-or-very-minor}}
  overall:
    rating: {rating}
    explanation: Thin.
{departure}title: A finding
"""


def project_with(tmp_path: Path, findings: dict[str, dict[str, str]]) -> Path:
    """The clean example tree plus the given findings, each written from the template above."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project)
    for name, fields in findings.items():
        values = {"statement": f"Statement {name}.", "ml": f"Only the summary of {name}.", "adequacy": "serious",
                  "adequacy_why": f"One bullet point for {name}.",
                  "rating": "low", "departure": "", **fields}
        (project / "content" / "findings" / f"{name}.yaml").write_text(FINDING.format(**values), encoding="utf-8")
    return project


@pytest.mark.parametrize(("concerns", "expected"), [
    (("no-or-very-minor",) * 4, "high"),
    (("minor",) * 4, "high"),
    (("moderate", "minor", "no-or-very-minor", "no-or-very-minor"), "moderate"),
    (("moderate", "minor", "moderate", "no-or-very-minor"), "moderate"),
    (("moderate", "minor", "moderate", "moderate"), "low"),
    (("moderate", "minor", "serious", "no-or-very-minor"), "low"),
    (("moderate", "minor", "serious", "moderate"), "low"),
    (("serious", "minor", "serious", "no-or-very-minor"), "very-low"),
    (("serious", "serious", "serious", "serious"), "very-low"),
])
def test_the_usual_path_gives_these_ratings(concerns: tuple[str, ...], expected: str) -> None:
    """The written rule, profile by profile, as the contributor guide states it."""
    assert usual_rating(concerns) == expected


def test_the_usual_path_never_rises_as_a_concern_grows() -> None:
    """Raising any one component's concern never raises the usual rating."""
    order = ["very-low", "low", "moderate", "high"]
    for profile in itertools.product(CONCERNS, repeat=4):
        for index, concern in enumerate(profile):
            for worse in CONCERNS[CONCERNS.index(concern) + 1:]:
                raised = (*profile[:index], worse, *profile[index + 1:])
                assert order.index(usual_rating(raised)) <= order.index(usual_rating(profile))


def test_a_rating_off_the_usual_path_is_reported_at_the_rating(tmp_path: Path) -> None:
    """A very-low rating where the path gives low is a warning at the line of the rating, with the fix."""
    project = project_with(tmp_path, {"off-path": {"rating": "very-low"}})
    [problem] = check_project(project, display_root=project).diagnostics
    assert problem.format() == (
        "content/findings/off-path.yaml:15:13: warning[confidence.inconsistent]: confidence.overall.rating: "
        "'very-low' departs from the usual 'low' for this profile of component concerns, and 'departure' does not "
        "say why\n  hint: rate it 'low', revise a component's concern, or add 'departure:' under 'overall:' saying "
        "why this finding departs from the usual path")


def test_a_stated_departure_is_accepted(tmp_path: Path) -> None:
    """Writing why under `departure:` silences the warning for a rating off the usual path."""
    departure = "    departure: The claim itself is offered only as a possibility.\n"
    project = project_with(tmp_path, {"explained": {"rating": "very-low", "departure": departure}})
    assert check_project(project).diagnostics == ()


def test_a_departure_on_a_usual_rating_is_reported(tmp_path: Path) -> None:
    """A `departure:` left on a rating that follows the path is stale, and is reported too."""
    departure = "    departure: Written for an earlier rating.\n"
    project = project_with(tmp_path, {"stale": {"rating": "low", "departure": departure}})
    [problem] = check_project(project).diagnostics
    assert problem.code == "confidence.inconsistent"
    assert "there is no departure to explain" in problem.message


def test_an_explanation_shared_by_more_findings_than_the_limit_is_reported_at_each_copy(tmp_path: Path) -> None:
    """Six findings with one methodological explanation: six warnings, one at each copy; five are allowed."""
    shared = {f"copy-{n}": {"ml": "One summary and no detail."} for n in range(6)}
    project = project_with(tmp_path, shared)
    problems = check_project(project, display_root=project).diagnostics
    assert [(d.code, d.record_id, d.location.line if d.location else 0) for d in problems] == [
        ("confidence.repeated-explanation", f"copy-{n}", 10) for n in range(6)]
    assert problems[0].message == ("confidence.methodological_limitations.explanation: the same words explain this "
                                   "component in 6 findings (more than 5)")
    assert problems[0].hint == ("say why this finding's own evidence raises the concern; the same text is in "
                                "'copy-1' and 4 more")
    assert check_project(project, max_shared_explanation=6).diagnostics == ()
    (project / "content" / "findings" / "copy-5.yaml").unlink()
    assert check_project(project).diagnostics == ()


def test_explanations_are_compared_word_for_word_ignoring_line_breaks(tmp_path: Path) -> None:
    """The same words folded differently are the same explanation; a changed word makes another one."""
    texts = ["No detail.", "No\n      detail.", ">-\n      No detail.", "No  detail.", "No detail!"]
    shared = {f"copy-{n}": {"ml": text} for n, text in enumerate(texts)}
    project = project_with(tmp_path, shared)
    assert check_project(project, max_shared_explanation=4).diagnostics == ()
    assert len(check_project(project, max_shared_explanation=3).diagnostics) == 4


def test_the_limit_is_a_check_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`synth check --max-shared-explanation N` sets the limit; a limit below 1 is a usage error."""
    project = project_with(tmp_path, {f"copy-{n}": {"ml": "One summary and no detail."} for n in range(3)})
    assert main(["check", str(project)]) == 0
    assert main(["check", "--strict", "--max-shared-explanation", "2", str(project)]) == 1
    assert "error[confidence.repeated-explanation]" in capsys.readouterr().out
    assert main(["check", "--max-shared-explanation", "0", str(project)]) == 2


def test_the_repository_follows_its_own_rules() -> None:
    """The knowledge base itself has no rating off the usual path unexplained and no boilerplate explanation."""
    result = check_project(REPOSITORY)
    assert [d.format() for d in result.diagnostics if d.code.startswith("confidence.")] == []
