"""Stage 3b, consistency: check that findings' confidence assessments follow this review's own rules.

Run after validation, over every finding that passed its schema. GRADE-CERQual leaves the step from the four
component concerns to an overall rating a judgement; this review writes its usual path down
(`usual_rating`, explained in the contributor guide's page on confidence ratings) and asks a finding that
departs from it to say why in `confidence.overall.departure`. Two warnings come from here:

- `confidence.inconsistent`, at the overall rating, when the rating departs from the usual path for its
  component profile and no departure is given (or a departure is given while the rating follows the path);
- `confidence.repeated-explanation`, at each copy, when more findings than a limit share one component
  explanation word for word, since an explanation should speak to this finding's own evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import cast

from synth.errors import Diagnostic
from synth.records.cache import ObjectMemo
from synth.records.schema import CONCERN_LABELS, Confidence, Finding
from synth.records.validate import ValidRecord

COMPONENTS = ("methodological_limitations", "coherence", "adequacy", "relevance")
"""The four GRADE-CERQual components, in the order a finding's record lists them."""
DEFAULT_MAX_SHARED_EXPLANATION = 5
"""How many findings may share one component explanation word for word before `synth check` warns."""


def usual_rating(concerns: Sequence[str]) -> str:
    """The overall rating this review gives a profile of component concerns unless it says why not.

    Start at high. Minor concerns alone do not lower it. One or two components with moderate concerns give
    moderate; three or four with moderate concerns, or one with serious concerns, give low; serious concerns
    in two or more components give very low.
    """
    serious = sum(concern == "serious" for concern in concerns)
    moderate = sum(concern == "moderate" for concern in concerns)
    if serious >= 2:
        return "very-low"
    if serious == 1 or moderate >= 3:
        return "low"
    return "moderate" if moderate else "high"


def component_profile(confidence: Confidence) -> tuple[str, ...]:
    """The four component concerns, in the order of `COMPONENTS`."""
    return tuple(getattr(confidence, component).concern for component in COMPONENTS)


def profile_label(profile: Sequence[str]) -> str:
    """A profile in words: ``methodological limitations moderate, coherence minor, …``."""
    return ", ".join(f"{component.replace('_', ' ')} {CONCERN_LABELS[concern].split(' concern')[0].lower()}"
                     for component, concern in zip(COMPONENTS, profile, strict=True))


def check_consistency(records: Iterable[ValidRecord], *,
                      max_shared_explanation: int = DEFAULT_MAX_SHARED_EXPLANATION,
                      memo: ObjectMemo | None = None) -> list[Diagnostic]:
    """Both confidence warnings for every valid finding among ``records``.

    A ``memo`` kept across checks (`synth.pipeline.ProjectCache`) keeps what each record says for the two checks
    while the very same record comes back.
    """
    findings = sorted((r for r in records if r.kind == "finding"), key=lambda r: r.id)
    facts = [memo.get(record, partial(_facts, record)) if memo is not None else _facts(record) for record in findings]
    problems = [problem for problem, _ in facts if problem is not None]
    problems.extend(check_repeated_explanations(findings, max_shared_explanation, [words for _, words in facts]))
    return problems


def _facts(record: ValidRecord) -> tuple[Diagnostic | None, tuple[str, ...]]:
    """A finding's own part of both checks: its overall rating's warning, and its components' explanations."""
    return check_overall(record), explanations(record)


def explanations(record: ValidRecord) -> tuple[str, ...]:
    """Each component's explanation, in the order of `COMPONENTS`, white space collapsed."""
    confidence = cast(Finding, record.model).confidence
    return tuple(" ".join(getattr(confidence, component).explanation.split()) for component in COMPONENTS)


def check_overall(record: ValidRecord) -> Diagnostic | None:
    """A warning when the overall rating and its stated departure disagree with the usual path."""
    confidence = cast(Finding, record.model).confidence
    overall = confidence.overall
    usual = usual_rating(component_profile(confidence))
    departs = overall.rating != usual
    if departs == bool(overall.departure.strip()):
        return None
    where = record.raw.locate(("confidence", "overall", "rating"))
    if departs:
        return Diagnostic(
            "confidence.inconsistent",
            f"confidence.overall.rating: '{overall.rating}' departs from the usual '{usual}' for this profile of "
            "component concerns, and 'departure' does not say why", where, record.id,
            f"rate it '{usual}', revise a component's concern, or add 'departure:' under 'overall:' saying why this "
            "finding departs from the usual path", "warning")
    return Diagnostic(
        "confidence.inconsistent",
        f"confidence.overall.departure: the rating '{overall.rating}' is the usual one for this profile, so "
        "there is no departure to explain", where, record.id,
        "remove 'departure:', or correct the rating it was written for", "warning")


def check_repeated_explanations(findings: Sequence[ValidRecord], limit: int,
                                known: Sequence[tuple[str, ...]] | None = None) -> list[Diagnostic]:
    """A warning at each copy of a component explanation that more than ``limit`` findings share.

    ``known`` gives each finding's `explanations`, when already worked out.
    """
    copies: dict[tuple[str, str], list[ValidRecord]] = {}
    for record, said in zip(findings, known if known is not None else map(explanations, findings), strict=True):
        for component, words in zip(COMPONENTS, said, strict=True):
            if words:
                copies.setdefault((component, words), []).append(record)
    problems = []
    for (component, _), sharing in copies.items():
        if len(sharing) <= limit:
            continue
        for record in sharing:
            others = [other.id for other in sharing if other is not record]
            problems.append(Diagnostic(
                "confidence.repeated-explanation",
                f"confidence.{component}.explanation: the same words explain this component in {len(sharing)} "
                f"findings (more than {limit})", record.raw.locate(("confidence", component, "explanation")),
                record.id, f"say why this finding's own evidence raises the concern; the same text is in "
                f"'{others[0]}' and {len(others) - 1} more", "warning"))
    return problems

