"""Filter attributes of listing rows: what the list pages' filter script matches each row against.

Every row of the barrier, facilitator, outcome and finding tables carries four `data-filter-*` attributes:
the themes, the confidence, the kinds of evidence and who can act, each as the human-readable labels the
filter controls show, joined with `|`. A finding's "who can act" are those of the barriers and facilitators
it is evidence for; an outcome has none of its own. They are computed here, once, from the linked knowledge
base, and escaped for an attribute, so the templates only place them.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from synth.records.link import KnowledgeBase
from synth.records.schema import ACTOR_LABELS, EVIDENCE_KIND_LABELS, RATING_LABELS, Factor

FILTERS = ("theme", "confidence", "evidence", "who")
"""The filters, in the order their attributes are written: `data-filter-<name>`."""
SEPARATOR = "|"


def filter_values(kb: KnowledgeBase, kind: str, record_id: str) -> dict[str, list[str]]:
    """The labels a barrier, facilitator, outcome or finding row is filtered by, for each filter."""
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
