"""Stage 3, link (single-record rules): what the schema alone cannot say about one record's fields together.

A finding needs a quotation and explained concerns; a practice example or proposal must say whether it was
evaluated, and nothing else may claim an evaluation status. Each rule returns located diagnostics and never
drops the record, so every page still builds while the researcher fixes it.
"""

from __future__ import annotations

from synth.errors import Diagnostic
from synth.records.schema import CONCERNS, EVALUATED_KINDS, Finding, Study
from synth.records.validate import ValidRecord


def check_finding_content(record: ValidRecord, finding: Finding) -> list[Diagnostic]:
    """A finding needs a quotation, and every concern above the lowest (and the overall rating) an explanation."""
    problems = []
    if not finding.evidence:
        problems.append(Diagnostic(
            "evidence.no-quote", "a finding needs at least one verbatim quotation in 'evidence'",
            record.raw.locate(("evidence",), key=True), record.id,
            "add '- quote: ...' with 'locator: ...' from the study's text"))
    confidence = finding.confidence
    for component in ("methodological_limitations", "coherence", "adequacy", "relevance"):
        assessment = getattr(confidence, component)
        if assessment.concern != CONCERNS[0] and not assessment.explanation.strip():
            problems.append(Diagnostic(
                "cerqual.no-explanation",
                f"confidence.{component}: a concern of '{assessment.concern}' needs an explanation",
                record.raw.locate(("confidence", component), key=True), record.id,
                "add 'explanation:' saying why this component raises concerns"))
    if not confidence.overall.explanation.strip():
        problems.append(Diagnostic(
            "cerqual.no-explanation", "confidence.overall: an overall rating needs an explanation",
            record.raw.locate(("confidence", "overall"), key=True), record.id,
            "add 'explanation:' saying how the four components lead to this rating"))
    return problems


def check_study_evaluation(record: ValidRecord, study: Study) -> list[Diagnostic]:
    """A practice example or proposal says whether it was evaluated; other kinds of evidence carry no status."""
    kind, status = study.evidence_kind, study.evaluation
    if kind in EVALUATED_KINDS and status is None:
        hint = "add 'evaluation: proposal-not-tried'" if kind == "proposal" else \
            "add 'evaluation:' with described-not-evaluated, evaluated-positive or evaluated-mixed-or-no-effect"
        return [Diagnostic("evidence.no-evaluation",
                           f"evidence_kind: a {kind} needs an 'evaluation' status saying whether it was evaluated",
                           record.raw.locate(("evidence_kind",), key=True), record.id, hint)]
    if kind not in EVALUATED_KINDS and status is not None:
        return [Diagnostic("evidence.evaluation-mismatch",
                           f"evaluation: only a practice example or proposal carries an evaluation status, "
                           f"but this study's evidence_kind is '{kind}'",
                           record.raw.locate(("evaluation",)), record.id,
                           "remove the 'evaluation' line, or correct 'evidence_kind'")]
    if status is not None and (status == "proposal-not-tried") != (kind == "proposal"):
        wanted = "'proposal-not-tried'" if kind == "proposal" else "a status other than 'proposal-not-tried'"
        return [Diagnostic("evidence.evaluation-mismatch",
                           f"evaluation: '{status}' does not fit a study whose evidence_kind is '{kind}'; "
                           f"expected {wanted}",
                           record.raw.locate(("evaluation",)), record.id,
                           "a proposal is 'proposal-not-tried'; a practice example that was tried is described "
                           "or evaluated")]
    return []
