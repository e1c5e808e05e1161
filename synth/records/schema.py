"""The record schema: what a study, finding, barrier, facilitator, outcome and theme may contain.

These pydantic models are the single definition of a record. Validation, the JSON Schemas that editors use
and the contributor guide's field reference are all generated from them, so each field's docstring is its
documentation. Models are frozen: once loaded, a record never changes.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PLACEHOLDER = "TODO"
"""The value `synth new` and `synth import` write where a researcher must still write something."""


def reject_placeholder(value: str) -> str:
    """Refuse a value still starting with the placeholder, so an unfilled template never passes the check."""
    if PLACEHOLDER in value and value.strip().split(":", 1)[0].split(" ", 1)[0] == PLACEHOLDER:
        raise PydanticCustomError("placeholder", "still the placeholder {placeholder}: write the real value",
                                  {"placeholder": PLACEHOLDER})
    return value


CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff"
"""Characters no record text may hold (a regular expression's class): C0 and C1 controls (tab, line feed and
carriage return aside), DEL and the noncharacters, which YAML's escapes (``"\\0"``, ``"\\x1b"``, ``"\\uffff"``)
can write. Such a character could clear or retitle a terminal, or corrupt a download."""
CONTROL_CHARACTER = re.compile(f"[{CONTROL_CHARACTERS}]")
PLAIN_TEXT = f"^[^{CONTROL_CHARACTERS}]*$"
"""The pattern record text must match: no `CONTROL_CHARACTERS`. A string constraint rather than a Python
validator, so pydantic checks it natively (in a tenth of the time), and editors check it from the JSON Schema;
`synth.records.validate` reports a mismatch as the control character found and where."""


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True, pattern=PLAIN_TEXT),
                 AfterValidator(reject_placeholder)]
Explanation = Annotated[str, StringConstraints(pattern=PLAIN_TEXT), AfterValidator(reject_placeholder)]
Keyword = Annotated[str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True, pattern=PLAIN_TEXT),
                   AfterValidator(reject_placeholder)]
SourceFileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]

Design = Literal[
    "qualitative-case-studies",
    "ethnography",
    "survey",
    "focus-groups",
    "interviews",
    "mixed-methods",
    "literature-review",
    "expert-seminar",
    "project-report",
    "policy-guidance",
    "practice-example",
    "proposal",
    "commentary",
]
EvidenceKind = Literal["evaluated-research", "practice-example", "policy-guidance", "expert-opinion", "proposal"]
Evaluation = Literal[
    "evaluated-positive", "evaluated-mixed-or-no-effect", "described-not-evaluated", "proposal-not-tried"]
Actor = Literal["police", "council", "community-safety-partnership", "voluntary-sector", "residents"]
Basis = Literal["measured", "observed", "perceived", "expected"]
Direction = Literal["positive", "negative", "mixed", "none-found"]
Concern = Literal["no-or-very-minor", "minor", "moderate", "serious"]
Rating = Literal["high", "moderate", "low", "very-low"]

DESIGNS: tuple[str, ...] = get_args(Design)
EVIDENCE_KINDS: tuple[str, ...] = get_args(EvidenceKind)
EVALUATIONS: tuple[str, ...] = get_args(Evaluation)
ACTORS: tuple[str, ...] = get_args(Actor)
BASES: tuple[str, ...] = get_args(Basis)
DIRECTIONS: tuple[str, ...] = get_args(Direction)
CONCERNS: tuple[str, ...] = get_args(Concern)
RATINGS: tuple[str, ...] = get_args(Rating)

DESIGN_LABELS = {design: design.replace("-", " ").capitalize() for design in DESIGNS}
RATING_LABELS = {"high": "High", "moderate": "Moderate", "low": "Low", "very-low": "Very low"}
EVIDENCE_KIND_LABELS = {
    "evaluated-research": "Evaluated research",
    "practice-example": "Descriptive practice example",
    "policy-guidance": "Policy guidance",
    "expert-opinion": "Expert opinion",
    "proposal": "Proposal",
}
EVALUATION_LABELS = {
    "evaluated-positive": "Evaluated: positive results",
    "evaluated-mixed-or-no-effect": "Evaluated: mixed results or no effect",
    "described-not-evaluated": "Described, not evaluated",
    "proposal-not-tried": "Proposal, not yet tried",
}
EVALUATED_KINDS = frozenset({"practice-example", "proposal"})
"""The kinds of evidence that must say whether they were evaluated (as the College of Policing Practice Bank does)."""
EVALUATION_REQUIRED: JsonDict = {
    "if": {"properties": {"evidence_kind": {"enum": ["practice-example", "proposal"]}}, "required": ["evidence_kind"]},
    "then": {"required": ["evaluation"]},
}
"""The JSON Schema form of that rule, for editors."""
ACTOR_LABELS = {
    "police": "Police",
    "council": "Council",
    "community-safety-partnership": "Community safety partnership",
    "voluntary-sector": "Voluntary sector",
    "residents": "Residents",
}
BASIS_LABELS = {
    "measured": "Measured",
    "observed": "Observed by researchers",
    "perceived": "Perceived by those involved",
    "expected": "Expected, not yet shown",
}
DIRECTION_LABELS = {
    "positive": "Achieved",
    "negative": "Made things worse",
    "mixed": "Mixed",
    "none-found": "Not achieved",
}
CONCERN_LABELS = {
    "no-or-very-minor": "No or very minor concerns",
    "minor": "Minor concerns",
    "moderate": "Moderate concerns",
    "serious": "Serious concerns",
}


class Record(BaseModel):
    """Settings shared by every record model."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, str_strip_whitespace=True
    )


class ReviewedRecord(Record):
    """Fields every kind of record file has, whatever its kind."""

    reviewed: datetime.date | None = None
    """When someone last checked the record against its source; `synth check --review-age DAYS` warns when older."""


class Appraisal(Record):
    """What kind of evidence a study is, in words."""

    strengths: Text
    """What makes this evidence credible or useful."""
    limitations: Text
    """What limits it: design, sample, who wrote it, how we know of it."""


class Study(ReviewedRecord):
    """One source of evidence: a study, report, seminar, guidance document or practice example."""

    # Editors flag a practice example or proposal without its evaluation status, as `synth check` does.
    model_config = ConfigDict(json_schema_extra=EVALUATION_REQUIRED)

    id: Slug | None = None
    """Optional; when given it must equal the file name without `.yaml`."""
    title: Text
    """The study's or document's title, as the source gives it."""
    cite: Text
    """The BibTeX key of the study's reference in `bibliography/`."""
    design: Design
    """The study's design or type of document, from a controlled list."""
    evidence_kind: EvidenceKind
    """What kind of evidence it is for a practitioner: evaluated research, a descriptive practice example,
    policy guidance, expert opinion or a proposal, judged from what the source itself says it is."""
    evaluation: Evaluation | None = None
    """For a practice example or proposal (required for those, refused for others): whether it was evaluated
    and with what result, as the College of Policing Practice Bank labels its entries."""
    setting: Text | None = None
    """Where the study took place (area, organisation, type of neighbourhood)."""
    country: Text | None = None
    """The country or countries, as the source names them."""
    year: Annotated[int, Field(ge=1800, le=2100)] | None = None
    """The year of the study or publication, only when the source gives it."""
    participants: Text | None = None
    """Who took part, only as the source describes them."""
    summary: Text
    """What the study is and what it did, in plain language."""
    appraisal: Appraisal
    """Its strengths and limitations as evidence."""
    source: SourceFileName | None = None
    """File name of the study's full text in the sources folder, used to verify quotations."""
    tags: tuple[Text, ...] = ()
    """Free-text labels, such as the codes a study carries from a review tool (`synth import eppi`)."""
    keywords: tuple[Keyword, ...] = ()
    """Other words practitioners search with for what this record means (shown on its page and searched)."""


class Quotation(Record):
    """A verbatim passage from the study's source that backs a finding."""

    quote: Text
    """The exact words of the source (white space, quote marks and dashes may differ)."""
    locator: Text
    """Where in the source: a section heading, paragraph or page."""


class ComponentAssessment(Record):
    """One GRADE-CERQual component: a level of concern and why."""

    concern: Concern
    """How much this component lowers confidence in the finding."""
    explanation: Explanation = ""
    """Why; required for any concern above `no-or-very-minor`."""


class OverallAssessment(Record):
    """The overall GRADE-CERQual confidence in a finding."""

    rating: Rating
    """How likely the finding is a reasonable representation of the phenomenon."""
    explanation: Explanation = ""
    """Why, drawing on the four components; always required."""
    departure: Explanation = ""
    """Only when the rating departs from this review's usual path for its component concerns (see the
    contributor guide's page on confidence ratings): why this finding is rated higher or lower."""


class Confidence(Record):
    """A GRADE-CERQual assessment of confidence in a finding."""

    methodological_limitations: ComponentAssessment
    """Concerns about the design or conduct of the study behind the finding."""
    coherence: ComponentAssessment
    """How well the finding fits the data from the study."""
    adequacy: ComponentAssessment
    """How rich and how much data supports the finding."""
    relevance: ComponentAssessment
    """How far the study's context applies to the review question."""
    overall: OverallAssessment
    """The overall confidence in the finding."""


class Finding(ReviewedRecord):
    """One claim a study supports, in the reviewer's words, backed by quotations."""

    id: Slug | None = None
    """Optional; when given it must equal the file name without `.yaml`."""
    study: Slug
    """The id of the study this finding comes from."""
    title: Annotated[str, StringConstraints(min_length=1, max_length=90, strip_whitespace=True, pattern=PLAIN_TEXT),
                     AfterValidator(reject_placeholder)]
    """A short title (at most 90 characters), the heading of the finding's page; the statement follows it."""
    statement: Text
    """The claim, in the reviewer's own words."""
    evidence: tuple[Quotation, ...] = ()
    """Verbatim quotations from the study that support the claim; at least one."""
    barriers: tuple[Slug, ...] = ()
    """Ids of the barriers this finding is evidence for."""
    facilitators: tuple[Slug, ...] = ()
    """Ids of the facilitators this finding is evidence for."""
    outcomes: tuple[Slug, ...] = ()
    """Ids of the outcomes this finding reports (achieved or not)."""
    themes: tuple[Slug, ...] = ()
    """Ids of themes from `content/themes.yaml`."""
    keywords: tuple[Keyword, ...] = ()
    """Other words practitioners search with for what this record means (shown on its page and searched)."""
    confidence: Confidence
    """The GRADE-CERQual assessment of confidence in this finding."""


class Factor(ReviewedRecord):
    """Fields shared by barriers and facilitators."""

    id: Slug | None = None
    """Optional; when given it must equal the file name without `.yaml`."""
    name: Text
    """A short name."""
    summary: Text
    """What it is, in plain language for practitioners."""
    what_to_do: Text
    """What practitioners can do about it, as far as the evidence supports."""
    themes: tuple[Slug, ...] = ()
    """Ids of themes from `content/themes.yaml`."""
    who_can_act: tuple[Actor, ...] = ()
    """Who can act on it, as far as its findings' sources point to them: police, council,
    community-safety-partnership, voluntary-sector, residents."""
    keywords: tuple[Keyword, ...] = ()
    """Other words practitioners search with for what this record means (shown on its page and searched)."""


class Barrier(Factor):
    """Something that hinders co-production; its evidence is computed from findings."""


class Facilitator(Factor):
    """Something that helps co-production; its evidence is computed from findings."""


class Outcome(ReviewedRecord):
    """What an approach is reported to achieve, or fail to achieve; its evidence is computed from findings."""

    id: Slug | None = None
    """Optional; when given it must equal the file name without `.yaml`."""
    name: Text
    """A short name for the outcome, such as 'Residents feel safer'."""
    summary: Text
    """What was reported, in plain language, saying how it is known (measured, seen or only felt)."""
    for_whom: Text
    """Who the outcome is for or was reported by (residents, partner agencies, young people...)."""
    basis: Basis
    """How it is known: `measured` (figures collected), `observed` (seen by researchers), `perceived` (what
    those involved felt) or `expected` (what a source expects; not yet shown)."""
    direction: Direction
    """What was reported: `positive` (achieved), `negative` (made worse), `mixed` or `none-found` (not achieved)."""
    themes: tuple[Slug, ...] = ()
    """Ids of themes from `content/themes.yaml`."""
    keywords: tuple[Keyword, ...] = ()
    """Other words practitioners search with for what this record means (shown on its page and searched)."""


class Theme(ReviewedRecord):
    """A theme grouping findings, barriers and facilitators; listed in `content/themes.yaml`."""

    name: Text
    """The theme's display name."""
    description: Text = Field(default="")
    """What the theme covers."""


RecordKind = Literal["study", "finding", "barrier", "facilitator", "outcome", "theme"]
MODELS: dict[str, type[Record]] = {
    "study": Study,
    "finding": Finding,
    "barrier": Barrier,
    "facilitator": Facilitator,
    "outcome": Outcome,
    "theme": Theme,
}
FOLDERS: dict[str, str] = {
    "studies": "study",
    "findings": "finding",
    "barriers": "barrier",
    "facilitators": "facilitator",
    "outcomes": "outcome",
}
RATING_ORDER = {rating: index for index, rating in enumerate(reversed(RATINGS))}
