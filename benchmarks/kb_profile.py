"""What a real knowledge base looks like, measured from this repository's `content/` at run time.

The benchmark's generated records are drawn from these measurements: for each kind of record and each field,
the list of values the real records have (the number of words of a statement, the number of quotations of a
finding, the words of each quotation, the themes of a barrier, ...). Sampling a real record's value for each
field gives generated records whose sizes have the real distribution, median included.

    python benchmarks/kb_profile.py        # print the medians per kind and field
"""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPOSITORY = Path(__file__).resolve().parent.parent
FOLDERS = ("studies", "findings", "barriers", "facilitators", "outcomes")
COMPONENTS = ("methodological_limitations", "coherence", "adequacy", "relevance")
TEXT_FIELDS = {
    "studies": ("title", "setting", "participants", "summary", "appraisal.strengths", "appraisal.limitations"),
    "findings": ("title", "statement", "confidence.overall.explanation",
                 *(f"confidence.{c}.explanation" for c in COMPONENTS)),
    "barriers": ("name", "summary", "what_to_do"),
    "facilitators": ("name", "summary", "what_to_do"),
    "outcomes": ("name", "summary", "for_whom"),
}
"""The free-text fields whose length (in words) is measured, as dotted paths."""
LIST_FIELDS = {
    "studies": ("keywords", "tags"),
    "findings": ("evidence", "barriers", "facilitators", "outcomes", "themes", "keywords"),
    "barriers": ("themes", "who_can_act", "keywords"),
    "facilitators": ("themes", "who_can_act", "keywords"),
    "outcomes": ("themes", "keywords"),
}
"""The list fields whose length is measured."""


@dataclass
class Profile:
    """Empirical distributions of a real knowledge base: counts, text lengths, list lengths and choices."""

    counts: dict[str, int] = field(default_factory=dict)
    words: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """(folder, dotted field) → the number of words of that field in each record that has it."""
    present: dict[tuple[str, str], float] = field(default_factory=dict)
    """(folder, dotted field) → the share of records that have the field."""
    lengths: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    """(folder, list field) → the length of that list in each record."""
    quote_words: list[int] = field(default_factory=list)
    locators: list[str] = field(default_factory=list)
    keyword_words: list[int] = field(default_factory=list)
    findings_per_study: list[int] = field(default_factory=list)
    concern_profiles: list[tuple[str, ...]] = field(default_factory=list)
    study_kinds: list[tuple[str, str, str | None]] = field(default_factory=list)
    """(design, evidence_kind, evaluation) of each real study."""
    years: list[int] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    outcome_values: list[tuple[str, str]] = field(default_factory=list)
    """(basis, direction) of each real outcome."""
    themes: int = 0


def dotted(record: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or None."""
    value: Any = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def measure(content: Path = REPOSITORY / "content") -> Profile:
    """Measure every record under ``content``."""
    profile = Profile()
    records = {folder: [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(
        (content / folder).glob("*.yaml"))] for folder in FOLDERS}
    profile.themes = len(yaml.safe_load((content / "themes.yaml").read_text(encoding="utf-8")))
    for folder, items in records.items():
        profile.counts[folder] = len(items)
        for path in TEXT_FIELDS[folder]:
            values = [dotted(r, path) for r in items]
            texts = [str(v) for v in values if v]
            profile.words[(folder, path)] = [len(t.split()) for t in texts]
            profile.present[(folder, path)] = len(texts) / max(1, len(items))
        for name in LIST_FIELDS[folder]:
            profile.lengths[(folder, name)] = [len(r.get(name) or ()) for r in items]
        for record in items:
            profile.keyword_words += [len(str(k).split()) for k in record.get("keywords") or ()]
    for finding in records["findings"]:
        for quotation in finding.get("evidence") or ():
            profile.quote_words.append(len(str(quotation["quote"]).split()))
            profile.locators.append(str(quotation["locator"]))
        profile.concern_profiles.append(tuple(finding["confidence"][c]["concern"] for c in COMPONENTS))
    per_study = Counter(f["study"] for f in records["findings"])
    profile.findings_per_study = [per_study[s] for s in per_study]
    for study in records["studies"]:
        profile.study_kinds.append((study["design"], study["evidence_kind"], study.get("evaluation")))
        profile.years += [study["year"]] if study.get("year") else []
        profile.countries += [study["country"]] if study.get("country") else []
    profile.outcome_values = [(o["basis"], o["direction"]) for o in records["outcomes"]]
    return profile


def describe(profile: Profile) -> str:
    """The medians, one line per kind of record."""
    lines = [f"real content: {', '.join(f'{n} {k}' for k, n in profile.counts.items())}, {profile.themes} themes"]
    for folder in FOLDERS:
        parts = [f"{path} {statistics.median(values):g}" for (kind, path), values in profile.words.items()
                 if kind == folder and values]
        parts += [f"#{name} {statistics.median(values):g}" for (kind, name), values in profile.lengths.items()
                  if kind == folder and values]
        lines.append(f"  {folder} (median words, #list length): " + ", ".join(parts))
    lines.append(f"  quotations: median {statistics.median(profile.quote_words):g} words; "
                 f"findings per study: median {statistics.median(profile.findings_per_study):g}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(describe(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else REPOSITORY / "content")))
