"""Counting evidence honestly: findings, studies and practice examples, and the publications they come from."""

from __future__ import annotations

import pytest

from synth.records.counts import EvidenceCount, count


@pytest.mark.parametrize(("number", "noun", "expected"), [
    (1, "study", "1 study"), (2, "study", "2 studies"), (0, "finding", "0 findings"),
    (1, "practice example", "1 practice example"), (3, "practice example", "3 practice examples"),
    (1, "publication", "1 publication"), (6, "publication", "6 publications"),
])
def test_count_puts_the_noun_in_the_right_number(number: int, noun: str, expected: str) -> None:
    """One study, two studies; one practice example, three practice examples."""
    assert count(number, noun) == expected


@pytest.mark.parametrize(("numbers", "phrase", "sources"), [
    ((2, 2, 0, 2), "2 findings from 2 studies", "2 studies"),
    ((1, 1, 1, 1), "1 finding from 1 practice example", "1 practice example"),
    ((4, 4, 4, 1), "4 findings from 4 practice examples in 1 publication", "4 practice examples from 1 publication"),
    ((7, 6, 3, 3), "7 findings from 3 studies and 3 practice examples in 3 publications",
     "3 studies and 3 practice examples from 3 publications"),
    ((69, 10, 3, 6), "69 findings from 7 studies and 3 practice examples in 6 publications",
     "7 studies and 3 practice examples from 6 publications"),
    ((2, 2, 1, 1), "2 findings from 1 study and 1 practice example in 1 publication",
     "1 study and 1 practice example from 1 publication"),
])
def test_publications_are_named_wherever_they_are_fewer_than_studies(
        numbers: tuple[int, int, int, int], phrase: str, sources: str) -> None:
    """Where several studies or practice examples come from one publication, the count says so."""
    evidence = EvidenceCount(*numbers)
    assert evidence.phrase() == phrase
    assert evidence.sources_and_publications() == sources
