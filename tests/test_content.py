"""The repository's own knowledge base: strictly clean, every quotation verified against its source."""

from __future__ import annotations

import os

import pytest
from conftest import REPOSITORY, SHARED

from synth.pipeline import check_project

SEEDS = SHARED / "seeds"

needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir() and os.environ.get("CI") != "true",
    reason="the source documents are not beside the repository",
)


@needs_seeds
def test_the_knowledge_base_is_strictly_clean_with_quotations_verified() -> None:
    """Every record validates, links and quotes its source word for word, with warnings as errors."""
    result = check_project(REPOSITORY, sources=SEEDS, strict=True)
    assert [d.format() for d in result.diagnostics] == []
    assert result.quotations_verified


def test_every_study_names_its_source_and_every_finding_quotes() -> None:
    """Quotations can only be verified when each study names its source text."""
    kb = check_project(REPOSITORY).kb
    assert kb.studies, "the knowledge base has no studies"
    assert [sid for sid, study in kb.studies.items() if study.source is None] == []
    assert [fid for fid, finding in kb.findings.items() if not finding.evidence] == []


def test_the_knowledge_base_is_large_enough_to_act_on() -> None:
    """At least forty findings, and every barrier and facilitator is supported by one."""
    kb = check_project(REPOSITORY).kb
    assert len(kb.findings) >= 40
    for kind in ("barrier", "facilitator"):
        assert [i for i in kb.factors(kind) if not kb.support[(kind, i)].findings] == []


def test_the_home_page_counts_every_study_and_every_distinct_publication() -> None:
    """The home page's summary names as many study records and as many publications as the records hold."""
    from synth.site.home import render_home_page

    kb = check_project(REPOSITORY).kb
    lead = render_home_page(kb, "KB").split('<p class="synth-lead">')[1].split("</p>")[0]
    publications = {study.cite for study in kb.studies.values()}
    examples = [s for s in kb.studies.values() if s.evidence_kind == "practice-example"]
    assert (len(kb.studies), len(publications), len(examples)) == (10, 6, 3)
    assert (f"from {len(kb.studies) - len(examples)} studies and {len(examples)} practice examples in "
            f"{len(publications)} publications.") in lead


def test_the_practitioner_fields_are_filled_in_for_every_record() -> None:
    """Practice examples and proposals have a status, barriers and facilitators who can act, benefits outcomes.

    Turley's and the booklet's reported benefits are outcomes linked from their findings.
    """
    kb = check_project(REPOSITORY).kb
    statuses = {i: s.evaluation for i, s in kb.studies.items() if s.evidence_kind in ("practice-example", "proposal")}
    assert statuses == {"chard-ilminster-community-justice-panel": "described-not-evaluated",
                        "preston-peer-panels": "described-not-evaluated",
                        "scarborough-participatory-budgeting": "described-not-evaluated",
                        "rsa-woolwich-model-proposal": "proposal-not-tried"}
    for kind in ("barrier", "facilitator"):
        assert [i for i, factor in kb.factors(kind).items() if not factor.who_can_act] == []
    for finding_id in ("turley-perceived-reductions-in-offences", "turley-potential-more-efficient-delivery",
                       "turley-residents-sense-of-empowerment", "turley-visibility-improves-perceived-safety",
                       "turley-partner-personal-fulfilment", "lgg-special-constables-perspective-and-visibility"):
        assert kb.findings[finding_id].outcomes, finding_id
    assert [i for i in kb.outcomes if not kb.support[("outcome", i)].findings] == []
    assert not any(outcome.basis == "measured" for outcome in kb.outcomes.values())  # None of the sources measured one.


@pytest.mark.parametrize(("word", "expected"), [
    ("turnover", "lack-of-staff-continuity"), ("cost", "keeping-involvement-going-on-less-money"),
    ("trust", "independent-neighbourhood-coordinator"),
])
def test_practitioners_words_find_the_records_that_mean_them(word: str, expected: str) -> None:
    """A common practitioner word is a keyword of the record that means it, so the site's search finds it."""
    kb = check_project(REPOSITORY).kb
    records = {**kb.barriers, **kb.facilitators, **kb.outcomes}
    assert expected in [i for i, record in records.items() if word in record.keywords]
