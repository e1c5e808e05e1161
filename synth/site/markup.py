"""The shared vocabulary of every generated page: the Jinja2 environment, escaping, and plain-language labels.

Pages are Markdown strings, but every piece of record text goes into them as escaped HTML inside raw HTML
blocks, which Markdown passes through untouched: a ``<script>`` or a ``[link](javascript:...)`` in a record
shows as the text it is. Autoescaping is on for every template, so escaping is the default and trusted
markup (a formatted reference) has to be marked as such where it is made. The few places where record text
must be Markdown (headings, for the table of contents) and YAML (page metadata) have their own filters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from html import escape

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from synth.papers.cite import long_date
from synth.records.schema import (
    ACTOR_LABELS,
    BASIS_LABELS,
    CONCERN_LABELS,
    DESIGN_LABELS,
    DIRECTION_LABELS,
    EVALUATION_LABELS,
    EVIDENCE_KIND_LABELS,
    RATING_LABELS,
    RATING_ORDER,
)
from synth.site.paths import CONFIDENCE

MARKDOWN_ACTIVE = re.compile(r"[\\`*_{}\[\]()#+!~^=|:@<>&]")
"""Characters that Markdown or a common extension could read as syntax in heading text."""
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
EXTRA_BLANK_LINES = re.compile(r"\n{3,}")

RATING_MEANINGS: Mapping[str, str] = {
    "high": "It is very likely that the finding is a fair picture of what happens.",
    "moderate": "It is likely that the finding is a fair picture of what happens.",
    "low": "It is possible that the finding is a fair picture of what happens.",
    "very-low": "It is not clear whether the finding is a fair picture of what happens.",
}
"""What each GRADE-CERQual overall rating means, in plain words."""

COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("methodological_limitations", "Methodological limitations",
     "Were there problems in how the study behind the finding was designed or carried out?"),
    ("coherence", "Coherence", "Does the finding fit the data it comes from?"),
    ("adequacy", "Adequacy of data", "Is there enough data behind the finding, and is it rich enough?"),
    ("relevance", "Relevance", "How closely does the study's setting match the question this knowledge base asks?"),
)
"""The four GRADE-CERQual components: field name, label and the question each one asks."""

KIND_NOUNS: Mapping[str, tuple[str, str]] = {
    "barrier": ("barrier", "barriers"), "facilitator": ("facilitator", "facilitators"),
    "study": ("study", "studies"), "finding": ("finding", "findings"), "outcome": ("outcome", "outcomes"),
}


def markdown_text(text: str) -> Markup:
    """Text for a Markdown heading: every character Markdown could act on becomes a numeric character reference."""
    return Markup(MARKDOWN_ACTIVE.sub(lambda match: f"&#{ord(match.group())};", " ".join(text.split())))


def paragraphs(text: str) -> Markup:
    """Escaped ``<p>`` elements, one per blank-line-separated paragraph of ``text``."""
    parts = [" ".join(part.split()) for part in PARAGRAPH_BREAK.split(text.strip())]
    return Markup("".join(f"<p>{escape(part, quote=False)}</p>" for part in parts if part))


def yaml_string(text: str) -> Markup:
    """A double-quoted YAML scalar holding ``text`` HTML-escaped, for page metadata the theme prints raw."""
    return Markup(json.dumps(escape(" ".join(text.split())), ensure_ascii=False))


def plural(count: int, kind: str) -> str:
    """``1 study``, ``2 studies``: a count with the right form of a record noun."""
    one, many = KIND_NOUNS.get(kind, (kind, f"{kind}s"))
    return f"{count} {one if count == 1 else many}"


def design_phrase(designs: Mapping[str, int]) -> str:
    """How many studies of each design: ``ethnography: 1; survey: 2``."""
    return "; ".join(f"{DESIGN_LABELS[design].lower()}: {count}" for design, count in designs.items())


def kinds_phrase(kinds: Mapping[str, int]) -> str:
    """How many studies of each kind of evidence: ``Evaluated research: 1; Descriptive practice example: 3``."""
    order = list(EVIDENCE_KIND_LABELS)
    return "; ".join(f"{EVIDENCE_KIND_LABELS[kind]}: {number}"
                     for kind, number in sorted(kinds.items(), key=lambda item: order.index(item[0])))


def joined(rows: Iterable[object]) -> Markup:
    """Rows written one after another: rendered rows (`Markup`) as they are, anything else escaped.

    A table's thousands of rows are joined once, not each copied by autoescaping as a loop would.
    """
    return Markup("".join(row if isinstance(row, Markup) else Markup.escape(row) for row in rows))


def build_environment() -> Environment:
    """The Jinja2 environment for page templates, autoescaping everything."""
    env = Environment(
        loader=PackageLoader("synth.site", "templates"), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters.update(md=markdown_text, paragraphs=paragraphs, yaml=yaml_string, plural=plural,
                       designs=design_phrase, kinds=kinds_phrase)
    env.filters["long_date"] = long_date
    env.filters["joined"] = joined
    env.globals.update(RATING_LABELS=RATING_LABELS, RATING_ORDER=RATING_ORDER, CONCERN_LABELS=CONCERN_LABELS,
                       DESIGN_LABELS=DESIGN_LABELS,
                       RATING_MEANINGS=RATING_MEANINGS, COMPONENTS=COMPONENTS,
                       EVIDENCE_KIND_LABELS=EVIDENCE_KIND_LABELS, EVALUATION_LABELS=EVALUATION_LABELS,
                       ACTOR_LABELS=ACTOR_LABELS, BASIS_LABELS=BASIS_LABELS, DIRECTION_LABELS=DIRECTION_LABELS,
                       CONFIDENCE=CONFIDENCE)
    return env


ENVIRONMENT = build_environment()


def render_template(name: str, **context: object) -> str:
    """Render one page template to a Markdown string, with at most one blank line between blocks."""
    return single_blank_lines(ENVIRONMENT.get_template(name).render(**context))


def single_blank_lines(text: str) -> str:
    """``text`` with every run of blank lines made one, as `EXTRA_BLANK_LINES` replaced by a blank line does.

    Replacing three line breaks by two until none are left takes a tenth of the regular expression's time on a
    listing page of a megabyte; runs of blank lines are short, so it takes a few rounds at most.
    """
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
