"""Stage 3, link: resolve every cross-reference and compute the reverse links and evidence summaries.

Each link is stored once, on the side that owns it (a finding names its study, barriers, facilitators and
outcomes; a study names its BibTeX key). Here we check that every named id exists and compute the other
direction: a study's findings, a barrier's or outcome's findings, studies and publications, a reference's citing
records. Aggregates are computed only after every record is read, never in file order.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar, cast

from synth.errors import Diagnostic, did_you_mean
from synth.records.counts import EvidenceCount
from synth.records.rules import check_finding_content, check_study_evaluation
from synth.records.schema import (
    RATING_ORDER,
    Barrier,
    Facilitator,
    Factor,
    Finding,
    Outcome,
    Record,
    Study,
    Theme,
)
from synth.records.validate import ValidRecord, records_by_kind
from synth.references.bibliography import Bibliography

M = TypeVar("M", bound=Record)
T = TypeVar("T")
SUPPORTED_KINDS = ("barrier", "facilitator", "outcome")
"""The record kinds whose evidence is computed from the findings that link to them."""


@dataclass(frozen=True)
class EvidenceSummary:
    """What supports a barrier, facilitator or outcome: findings, studies, publications and the best confidence."""

    findings: tuple[str, ...]
    studies: tuple[str, ...]
    designs: Mapping[str, int]
    highest_confidence: str | None
    publications: tuple[str, ...]
    """The distinct BibTeX keys the studies cite: independent publications."""
    evidence_kinds: Mapping[str, int]
    """How many of the studies are of each kind of evidence."""

    @property
    def count(self) -> EvidenceCount:
        """The numbers behind every count a reader sees, with their wording."""
        return EvidenceCount(len(self.findings), len(self.studies), self.evidence_kinds.get("practice-example", 0),
                             len(self.publications))

    @property
    def rank(self) -> tuple[int, int, int, int]:
        """Sort key: best-supported first (highest confidence, then most publications, studies, findings)."""
        confidence = RATING_ORDER.get(self.highest_confidence or "", -1)
        return (-confidence, -len(self.publications), -len(self.studies), -len(self.findings))


@dataclass(frozen=True)
class KnowledgeBase:
    """Every valid record, the bibliography, and every computed reverse link."""

    studies: Mapping[str, Study]
    findings: Mapping[str, Finding]
    barriers: Mapping[str, Barrier]
    facilitators: Mapping[str, Facilitator]
    outcomes: Mapping[str, Outcome]
    themes: Mapping[str, Theme]
    bibliography: Bibliography
    paths: Mapping[tuple[str, str], str]
    findings_by_study: Mapping[str, tuple[str, ...]]
    findings_by_barrier: Mapping[str, tuple[str, ...]]
    findings_by_facilitator: Mapping[str, tuple[str, ...]]
    findings_by_outcome: Mapping[str, tuple[str, ...]]
    findings_by_theme: Mapping[str, tuple[str, ...]]
    factors_by_theme: Mapping[str, tuple[tuple[str, str], ...]]
    cited_by: Mapping[str, tuple[str, ...]]
    support: Mapping[tuple[str, str], EvidenceSummary]
    _derived: dict[Hashable, Any] = dataclasses.field(default_factory=dict, init=False, compare=False, repr=False)
    """What `derived` worked out, by key."""

    def factors(self, kind: str) -> Mapping[str, Factor]:
        """The barriers (kind 'barrier') or facilitators (kind 'facilitator')."""
        return self.barriers if kind == "barrier" else self.facilitators

    def supported(self, kind: str) -> Mapping[str, Factor] | Mapping[str, Outcome]:
        """The barriers, facilitators or outcomes (kind 'barrier', 'facilitator' or 'outcome')."""
        return self.outcomes if kind == "outcome" else self.factors(kind)

    def derived(self, key: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute()`` makes of this knowledge base, worked out once: it does not change once linked.

        ``key`` names what is made (with its arguments); the same key must always mean the same computation.
        """
        if key not in self._derived:
            self._derived[key] = compute()
        return cast(T, self._derived[key])

    def ranked(self, kind: str) -> tuple[str, ...]:
        """Barrier, facilitator or outcome ids, best-supported first, then by name."""
        records = self.supported(kind)
        return self.derived(("ranked", kind), lambda: tuple(sorted(
            records, key=lambda i: (self.support[(kind, i)].rank, records[i].name.casefold(), i))))

    @property
    def publications(self) -> tuple[str, ...]:
        """The distinct BibTeX keys that studies cite: how many independent publications the evidence is from."""
        return tuple(self.cited_by)

    @property
    def evidence_count(self) -> EvidenceCount:
        """Every finding, study record, practice example and publication in the knowledge base."""
        examples = sum(study.evidence_kind == "practice-example" for study in self.studies.values())
        return EvidenceCount(len(self.findings), len(self.studies), examples, len(self.publications))

    @property
    def counts(self) -> dict[str, int]:
        """How many records of each kind, publications, and references."""
        return {
            "study": len(self.studies), "publication": len(self.publications), "finding": len(self.findings),
            "barrier": len(self.barriers), "facilitator": len(self.facilitators), "outcome": len(self.outcomes),
            "theme": len(self.themes), "reference": len(self.bibliography.keys()),
        }


def link_records(records: Iterable[ValidRecord], bibliography: Bibliography) -> tuple[KnowledgeBase, list[Diagnostic]]:
    """Check every cross-reference and build the `KnowledgeBase` with its reverse links."""
    grouped = records_by_kind(records)
    diagnostics = _check_references(grouped, bibliography)
    kb = _build(grouped, bibliography)
    diagnostics.extend(_check_unsupported(grouped, kb))
    return kb, diagnostics


def _check_references(grouped: Mapping[str, dict[str, ValidRecord]], bibliography: Bibliography) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for record in grouped["study"].values():
        problems.extend(_check_citation(record, bibliography))
        problems.extend(check_study_evaluation(record, cast(Study, record.model)))
    for record in grouped["finding"].values():
        finding = cast(Finding, record.model)
        problems.extend(_unknown(record, ("study",), [finding.study], grouped["study"], "study"))
        for field, kind in (("barriers", "barrier"), ("facilitators", "facilitator"), ("outcomes", "outcome"),
                            ("themes", "theme")):
            problems.extend(_unknown(record, (field,), getattr(finding, field), grouped[kind], kind))
        problems.extend(check_finding_content(record, finding))
    for kind in SUPPORTED_KINDS:
        for record in grouped[kind].values():
            themes = cast(Factor | Outcome, record.model).themes
            problems.extend(_unknown(record, ("themes",), themes, grouped["theme"], "theme"))
    return problems


def _check_citation(record: ValidRecord, bibliography: Bibliography) -> list[Diagnostic]:
    key = cast(Study, record.model).cite
    if key in bibliography:
        return []
    matches = bibliography.close_matches(key)
    hint = f"did you mean '{matches[0]}'?" if matches else "add an entry with this key to a .bib file in bibliography/"
    return [Diagnostic("bib.unknown-key", f"cite: no BibTeX entry has the key '{key}'",
                       record.raw.locate(("cite",)), record.id, hint)]


def _unknown(record: ValidRecord, field: tuple[str], ids: Iterable[str], known: Mapping[str, object],
             kind: str) -> list[Diagnostic]:
    """One diagnostic per id in ``ids`` that names no record of ``kind``."""
    problems = []
    single = field[0] == "study"
    for index, target in enumerate(ids):
        if target in known:
            continue
        path = field if single else (*field, index)
        problems.append(Diagnostic(
            f"ref.unknown-{kind}", f"{field[0]}: no {kind} has the id '{target}'",
            record.raw.locate(path), record.id, did_you_mean(target, known) or f"create content/{_folder(kind)}"))
    return problems


def _folder(kind: str) -> str:
    if kind == "theme":
        return "themes.yaml entry for it"
    plural = "studies" if kind == "study" else f"{kind}s"
    return f"{plural}/<id>.yaml for it, or fix the id"


def _models(records: Mapping[str, ValidRecord], model_type: type[M]) -> Mapping[str, M]:
    return MappingProxyType({i: cast(M, r.model) for i, r in records.items()})


def _build(grouped: Mapping[str, dict[str, ValidRecord]], bibliography: Bibliography) -> KnowledgeBase:
    studies = _models(grouped["study"], Study)
    findings = _models(grouped["finding"], Finding)
    barriers = _models(grouped["barrier"], Barrier)
    facilitators = _models(grouped["facilitator"], Facilitator)
    outcomes = _models(grouped["outcome"], Outcome)
    themes = _models(grouped["theme"], Theme)
    by_study = _reverse(findings, lambda f: [f.study])
    by_barrier = _reverse(findings, lambda f: f.barriers)
    by_facilitator = _reverse(findings, lambda f: f.facilitators)
    by_outcome = _reverse(findings, lambda f: f.outcomes)
    factors_by_theme: dict[str, list[tuple[str, str]]] = {}
    for kind, factors in (("barrier", barriers), ("facilitator", facilitators), ("outcome", outcomes)):
        for factor_id, factor in factors.items():
            for theme in factor.themes:
                factors_by_theme.setdefault(theme, []).append((kind, factor_id))
    support = {("barrier", i): _summarise(by_barrier.get(i, ()), findings, studies) for i in barriers}
    support |= {("facilitator", i): _summarise(by_facilitator.get(i, ()), findings, studies) for i in facilitators}
    support |= {("outcome", i): _summarise(by_outcome.get(i, ()), findings, studies) for i in outcomes}
    return KnowledgeBase(
        studies=studies, findings=findings, barriers=barriers, facilitators=facilitators, outcomes=outcomes,
        themes=themes,
        bibliography=bibliography,
        paths=MappingProxyType({(r.kind, r.id): r.raw.path for group in grouped.values() for r in group.values()}),
        findings_by_study=by_study, findings_by_barrier=by_barrier, findings_by_facilitator=by_facilitator,
        findings_by_outcome=by_outcome,
        findings_by_theme=_reverse(findings, lambda f: f.themes),
        factors_by_theme=MappingProxyType({k: tuple(sorted(v)) for k, v in sorted(factors_by_theme.items())}),
        cited_by=_reverse(studies, lambda s: [s.cite]),
        support=MappingProxyType(support),
    )


def _reverse(records: Mapping[str, M], get_targets: Callable[[M], Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    """Invert a forward link: {target id: ids of the records that name it}, each list sorted."""
    reverse: dict[str, list[str]] = {}
    for record_id, record in records.items():
        for target in dict.fromkeys(get_targets(record)):
            reverse.setdefault(target, []).append(record_id)
    return MappingProxyType({k: tuple(sorted(v)) for k, v in sorted(reverse.items())})


def _summarise(finding_ids: tuple[str, ...], findings: Mapping[str, Finding],
               studies: Mapping[str, Study]) -> EvidenceSummary:
    present = [i for i in finding_ids if i in findings]
    study_ids = tuple(sorted({findings[i].study for i in present if findings[i].study in studies}))
    designs = Counter(studies[s].design for s in study_ids)
    kinds = Counter(studies[s].evidence_kind for s in study_ids)
    ratings: list[str] = [findings[i].confidence.overall.rating for i in present]
    highest = max(ratings, key=RATING_ORDER.__getitem__) if ratings else None
    publications = tuple(sorted({studies[s].cite for s in study_ids}))
    return EvidenceSummary(tuple(present), study_ids, MappingProxyType(dict(sorted(designs.items()))), highest,
                           publications, MappingProxyType(dict(sorted(kinds.items()))))


def _check_unsupported(grouped: Mapping[str, dict[str, ValidRecord]], kb: KnowledgeBase) -> list[Diagnostic]:
    problems = []
    for kind in SUPPORTED_KINDS:
        for factor_id, record in grouped[kind].items():
            if not kb.support[(kind, factor_id)].findings:
                problems.append(Diagnostic(
                    "evidence.unsupported", f"no finding links to this {kind}; its page would show no evidence",
                    record.raw.locate(key=True), factor_id,
                    f"add '{factor_id}' to the '{kind}s:' list of a finding that supports it, or remove it",
                    "warning"))
    return problems
