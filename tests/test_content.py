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
