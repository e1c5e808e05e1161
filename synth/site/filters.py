"""Filter attributes of listing rows: what the list pages' filter script matches each row against.

Every row of the barrier, facilitator, outcome and finding tables carries four `data-filter-*` attributes:
the themes, the confidence, the kinds of evidence and who can act, each as the human-readable labels the
filter controls show, joined with `|`. A finding's "who can act" are those of the barriers and facilitators
it is evidence for; an outcome has none of its own. They are computed here, once, from the linked knowledge
base, and escaped for an attribute, so the templates only place them.

Record pages carry the same values, and their kind, as Pagefind filters (`page_filters`): an empty, hidden
element per value, `<span data-pagefind-filter="theme:Trust">`, from which the site's search builds its facets.
A study is filtered by its own kind of evidence and by the themes, best confidence and "who can act" of its
findings.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from synth.records.link import KnowledgeBase
from synth.records.schema import ACTOR_LABELS, EVIDENCE_KIND_LABELS, RATING_LABELS, RATING_ORDER, Factor

FILTERS = ("theme", "confidence", "evidence", "who")
"""The filters, in the order their attributes are written: `data-filter-<name>`."""
SEPARATOR = "|"
KIND_LABELS = {"barrier": "Barrier", "facilitator": "Facilitator", "outcome": "Outcome", "finding": "Finding",
               "study": "Study"}
"""The search's "Kind of record" values for record pages; every other page is a "Page"."""


def filter_values(kb: KnowledgeBase, kind: str, record_id: str) -> dict[str, list[str]]:
    """The labels a barrier, facilitator, outcome or finding row is filtered by, for each filter."""
    if kind == "study":
        return _study_values(kb, record_id)
    if kind == "finding":
        finding = kb.findings[record_id]
        study = kb.studies.get(finding.study)
        factors: list[Factor] = [kb.barriers[i] for i in finding.barriers if i in kb.barriers]
        factors += [kb.facilitators[i] for i in finding.facilitators if i in kb.facilitators]
        return {"theme": _themes(kb, finding.themes), "confidence": [RATING_LABELS[finding.confidence.overall.rating]],
                "evidence": [EVIDENCE_KIND_LABELS[study.evidence_kind]] if study else [],
                "who": _actors(actor for factor in factors for actor in factor.who_can_act)}
    record = kb.supported(kind)[record_id]
    summary = kb.support[(kind, record_id)]
    return {"theme": _themes(kb, record.themes),
            "confidence": [RATING_LABELS[summary.highest_confidence]] if summary.highest_confidence else [],
            "evidence": [EVIDENCE_KIND_LABELS[k] for k in EVIDENCE_KIND_LABELS if k in summary.evidence_kinds],
            "who": _actors(getattr(record, "who_can_act", ()))}


def _study_values(kb: KnowledgeBase, study_id: str) -> dict[str, list[str]]:
    """A study's filter labels: its own kind of evidence; its findings' themes, best rating and actors."""
    study = kb.studies[study_id]
    findings = [kb.findings[f] for f in kb.findings_by_study.get(study_id, ())]
    ratings: list[str] = [f.confidence.overall.rating for f in findings]
    best = max(ratings, key=RATING_ORDER.__getitem__, default=None)
    factors: list[Factor] = [kb.barriers[i] for f in findings for i in f.barriers if i in kb.barriers]
    factors += [kb.facilitators[i] for f in findings for i in f.facilitators if i in kb.facilitators]
    return {"theme": _themes(kb, sorted({t for f in findings for t in f.themes})),
            "confidence": [RATING_LABELS[best]] if best else [],
            "evidence": [EVIDENCE_KIND_LABELS[study.evidence_kind]],
            "who": _actors(actor for factor in factors for actor in factor.who_can_act)}


def _themes(kb: KnowledgeBase, theme_ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(kb.themes[t].name for t in theme_ids if t in kb.themes))


def _actors(actors: Iterable[str]) -> list[str]:
    present = set(actors)
    return [label for actor, label in ACTOR_LABELS.items() if actor in present]


def row_filters(kb: KnowledgeBase, kind: str, record_id: str) -> Markup:
    """The row's filter attributes, each value escaped: `` data-filter-theme="Trust|Power" ...``."""
    values = filter_values(kb, kind, record_id)
    attributes = []
    for name in FILTERS:
        joined = SEPARATOR.join(value.replace(SEPARATOR, "/") for value in values[name])
        attributes.append(f' data-filter-{name}="{escape(joined)}"')
    return Markup("".join(attributes))


def page_filters(kb: KnowledgeBase, kind: str, record_id: str) -> Markup:
    """A record page's search filters: a hidden element with one empty, escaped `data-pagefind-filter` per value."""
    values = {"kind": [KIND_LABELS[kind]], **filter_values(kb, kind, record_id)}
    spans = "".join(f'<span data-pagefind-filter="{escape(name)}:{escape(value)}"></span>'
                    for name, labels in values.items() for value in labels)
    return Markup(f'<div class="synth-search-filters" hidden>{spans}</div>')


def search_filter_options(kb: KnowledgeBase) -> dict[str, list[str]]:
    """The values each search filter offers, in the order the search box lists them.

    They are written into every page with the search box, so a first search loads no filter index: Pagefind
    fetches a filter's index only when a search uses that filter.
    """
    studies = {study.evidence_kind for study in kb.studies.values()}
    actors = {actor for factor in [*kb.barriers.values(), *kb.facilitators.values()] for actor in factor.who_can_act}
    records = {"barrier": kb.barriers, "facilitator": kb.facilitators, "outcome": kb.outcomes,
               "finding": kb.findings, "study": kb.studies}
    return {"kind": [label for kind, label in KIND_LABELS.items() if records[kind]] + ["Page"],
            "theme": _themes(kb, kb.themes),
            "confidence": list(RATING_LABELS.values()),
            "evidence": [label for kind, label in EVIDENCE_KIND_LABELS.items() if kind in studies],
            "who": _actors(actors)}
