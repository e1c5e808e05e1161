"""The repository's own papers: they check cleanly, and what they say about the knowledge base is still true.

The seminar's discussion questions are drawn from where the evidence is thin. Which barriers and facilitators
are thin is computed here from the knowledge base, so when a reviewer adds evidence or a record, the
questions are held to it: every record a question draws on must still be thin, and every thin barrier or
facilitator must be asked about.
"""

from __future__ import annotations

import pytest
from conftest import REPOSITORY

from synth.papers.embed import find_embeds
from synth.papers.model import Paper, load_papers
from synth.pipeline import check_project
from synth.records.link import KnowledgeBase

THIN_RATINGS = ("low", "very-low")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return check_project(REPOSITORY).kb


@pytest.fixture(scope="module")
def papers() -> dict[str, Paper]:
    loaded, problems = load_papers(REPOSITORY / "content" / "papers", REPOSITORY)
    assert problems == []
    return {paper.slug: paper for paper in loaded}


def thin_factors(kb: KnowledgeBase) -> set[tuple[str, str]]:
    """Barriers and facilitators resting on one study, or whose best finding is rated low or very low."""
    return {key for key, summary in kb.support.items() if key[0] in ("barrier", "facilitator")
            and (len(summary.studies) == 1 or summary.highest_confidence in THIN_RATINGS)}


def question_records(paper: Paper) -> set[tuple[str, str]]:
    """The (kind, id) of every record named in the paper's "Discussion questions" section."""
    lines = paper.lines
    start = lines.index("## Discussion questions") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("## "))
    return {(e.kind, e.target) for e in find_embeds(paper) if start < e.line <= end}


def test_the_papers_are_there_and_check_cleanly(kb: KnowledgeBase, papers: dict[str, Paper]) -> None:
    """The two backing papers and the seminar programme exist, and `synth check` finds nothing wrong in them."""
    assert sorted(papers) == ["concepts", "evidence", "seminar"]
    result = check_project(REPOSITORY)
    assert [d.format() for d in result.diagnostics if d.location and "content/papers/" in d.location.path] == []


def test_every_discussion_question_draws_on_thin_evidence(kb: KnowledgeBase, papers: dict[str, Paper]) -> None:
    """Each barrier or facilitator a question names is thin, and each finding it names is rated low or very low."""
    named = question_records(papers["seminar"])
    factors = {(kind, i) for kind, i in named if kind in ("barrier", "facilitator")}
    findings = {i for kind, i in named if kind == "finding"}
    assert factors - thin_factors(kb) == set(), "no longer thin: rewrite or drop these questions"
    assert {i for i in findings if kb.findings[i].confidence.overall.rating not in THIN_RATINGS} == set()
    assert named == factors | {("finding", i) for i in findings}


def test_every_thin_barrier_and_facilitator_is_asked_about(kb: KnowledgeBase, papers: dict[str, Paper]) -> None:
    """No barrier or facilitator that rests on thin evidence is left out of the discussion questions."""
    assert thin_factors(kb) - question_records(papers["seminar"]) == set(), "add these to a discussion question"


def test_claims_the_evidence_paper_makes_about_the_knowledge_base(kb: KnowledgeBase) -> None:
    """What the evidence paper states as fact about the knowledge base holds.

    No finding is rated high; every moderate one but a quoted council plan comes from the neighbourhood policing
    case studies; most barriers and facilitators rest on one study; the widest-based facilitator is giving
    residents a real part.
    """
    ratings = {f.confidence.overall.rating for f in kb.findings.values()}
    assert "high" not in ratings
    moderate = {finding_id: kb.studies[f.study].cite for finding_id, f in kb.findings.items()
                if f.confidence.overall.rating == "moderate"}
    assert {cite for finding_id, cite in moderate.items()
            if finding_id != "alexander-funding-required-accepting-gang-framing"} == {"turley2012neighbourhood"}
    assert moderate["alexander-funding-required-accepting-gang-framing"] == "alexander2021coproduction"
    single = [key for key, summary in kb.support.items() if len(summary.studies) == 1]
    assert len(single) > len(kb.support) / 2
    widest = max(kb.facilitators, key=lambda i: len(kb.support[("facilitator", i)].studies))
    assert widest == "residents-take-part-in-decisions-and-delivery"


def test_the_seminar_adds_no_event_details_beyond_the_record(papers: dict[str, Paper]) -> None:
    """The programme names Cardiff University as the venue and gives no date, time or room of its own."""
    body = papers["seminar"].body
    assert "Cardiff University" in body
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
    assert not any(month in body for month in months)
    assert "room" not in body.lower() and "a.m." not in body and "p.m." not in body
