"""Quotation check: every quotation must appear word for word in its study's source text.

Only differences that copying text between tools introduces are forgiven: runs of white space and line
breaks, straight versus curly quotation marks, and dash variants. A changed, added or dropped word is an
error, shown with the closest passage of the source so the researcher can see what differs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from rapidfuzz import fuzz

from synth.errors import Diagnostic
from synth.records.schema import Finding, Study
from synth.records.validate import ValidRecord

_TRANSLATION = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
})
_SPACE = re.compile(r"\s+")
_SPACED_DASH = re.compile(r" ?- ?")


def normalise(text: str) -> str:
    """Fold quote marks, dashes and white space, the only differences a quotation may have from its source."""
    folded = _SPACE.sub(" ", text.translate(_TRANSLATION)).strip()
    return _SPACED_DASH.sub("-", folded)


def closest_passage(quote: str, source: str) -> str:
    """The passage of ``source`` (already normalised) most like ``quote``, widened to whole words, for a hint.

    rapidfuzz finds the best-aligned stretch of the source in about a millisecond on a 60 KB text (difflib
    over the whole source took hundreds); difflib then trims that stretch, with some context, to the words
    the quotation shares with it.
    """
    alignment = fuzz.partial_ratio_alignment(quote, source)
    if alignment is None or not source:
        return ""
    margin = len(quote) // 2
    window = source[max(0, alignment.dest_start - margin) : alignment.dest_end + margin]
    blocks = [b for b in difflib.SequenceMatcher(None, quote, window, autojunk=False).get_matching_blocks()
              if b.size >= 3]
    if not blocks:
        return window.strip()
    start, stop = blocks[0].b, blocks[-1].b + blocks[-1].size
    start = window.rfind(" ", 0, start) + 1
    end = window.find(" ", stop)
    return window[start : end if end != -1 else len(window)].strip()


def verify_quotations(records: Iterable[ValidRecord], sources_dir: Path) -> list[Diagnostic]:
    """Check every quotation of every finding against its study's source file in ``sources_dir``."""
    records = list(records)
    studies = {r.id: r for r in records if r.kind == "study"}
    texts: dict[str, str | None] = {}
    problems: list[Diagnostic] = []
    reported: set[str] = set()
    for record in (r for r in records if r.kind == "finding"):
        study = studies.get(cast(Finding, record.model).study)
        if study is None:
            continue  # The unknown study is already reported by the link stage.
        source = cast(Study, study.model).source
        text = None if source is None else _source_text(texts, sources_dir, source)
        if text is not None:
            problems.extend(_check_record(record, text))
        elif study.id not in reported:
            reported.add(study.id)
            problems.append(_no_source(study) if source is None else _missing_source(study, source, sources_dir))
    return problems


def _source_text(cache: dict[str, str | None], sources_dir: Path, name: str) -> str | None:
    if name not in cache:
        path = sources_dir / name
        # `name` is a plain file name by schema, so it cannot leave sources_dir; read it only if it is a file.
        cache[name] = normalise(path.read_text(encoding="utf-8", errors="replace")) if path.is_file() else None
    return cache[name]


def _check_record(record: ValidRecord, source: str) -> list[Diagnostic]:
    problems = []
    for index, quotation in enumerate(getattr(record.model, "evidence", ())):
        quote = normalise(quotation.quote)
        if quote in source:
            continue
        passage = closest_passage(quote, source)
        problems.append(Diagnostic(
            "quote.not-found", f"evidence[{index}].quote is not in the study's source text: \"{_clip(quote)}\"",
            record.raw.locate(("evidence", index, "quote")), record.id,
            f"the closest passage is: \"{_clip(passage)}\""))
    return problems


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _no_source(study: ValidRecord) -> Diagnostic:
    return Diagnostic(
        "quote.no-source", "this study has no 'source', so its findings' quotations cannot be verified",
        study.raw.locate(key=True), study.id, "add 'source: <file name of its full text>' to the study",
        "warning")


def _missing_source(study: ValidRecord, name: str, sources_dir: Path) -> Diagnostic:
    return Diagnostic(
        "quote.source-missing", f"source: '{name}' is not a file in {sources_dir.as_posix()}",
        study.raw.locate(("source",)), study.id, "check the file name, or pass the right --sources folder")
