"""Stage 3, link (counting): how much evidence there is, said the same way on every page and in every paper.

One booklet can describe several practice examples, and one blog post can report two studies, so counting
study records alone overstates how much independent evidence there is. Every count a reader sees therefore
says how many publications (distinct BibTeX keys) the studies and practice examples come from, wherever the
two numbers differ. This module is the one place that wording lives.
"""

from __future__ import annotations

from dataclasses import dataclass

NOUNS = {"study": "studies", "finding": "findings", "publication": "publications",
         "practice example": "practice examples", "outcome": "outcomes"}


def count(number: int, noun: str) -> str:
    """``1 study``, ``2 studies``, ``3 practice examples``: a number with the right form of ``noun``."""
    return f"{number} {noun if number == 1 else NOUNS.get(noun, noun + 's')}"


@dataclass(frozen=True)
class EvidenceCount:
    """How many findings, study records (of which practice examples) and publications lie behind something."""

    findings: int
    studies: int
    practice_examples: int
    publications: int

    def sources(self) -> str:
        """``3 studies``, ``4 practice examples``, ``1 study and 4 practice examples``."""
        others = self.studies - self.practice_examples
        if not self.practice_examples:
            return count(self.studies, "study")
        if not others:
            return count(self.practice_examples, "practice example")
        return f"{count(others, 'study')} and {count(self.practice_examples, 'practice example')}"

    def sources_and_publications(self) -> str:
        """``3 studies``, or where publications are fewer, ``4 practice examples from 1 publication``."""
        if self.publications == self.studies:
            return self.sources()
        return f"{self.sources()} from {count(self.publications, 'publication')}"

    def phrase(self) -> str:
        """``2 findings from 2 studies``, or ``4 findings from 4 practice examples in 1 publication``."""
        if self.publications == self.studies:
            return f"{count(self.findings, 'finding')} from {self.sources()}"
        return f"{count(self.findings, 'finding')} from {self.sources()} in {count(self.publications, 'publication')}"
