"""Stage 2: schema validation, with each error at the line of the field it is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.errors import Diagnostic
from synth.records.load import RawRecord, read_yaml_file
from synth.records.schema import Finding
from synth.records.validate import validate_records

FINDING = """\
study: turley-2012
statement: Something the study found.
evidence:
  - quote: words
    locator: p. 1
confidence:
  methodological_limitations: {concern: minor, explanation: Why.}
  coherence: {concern: no-or-very-minor}
  adequacy: {concern: moderate, explanation: Why.}
  relevance: {concern: no-or-very-minor}
  overall: {rating: moderate, explanation: Why.}
title: A short title
"""


def raw_record(tmp_path: Path, text: str, kind: str = "finding", name: str = "a-finding") -> RawRecord:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    result = read_yaml_file(path, f"{name}.yaml", kind, name)
    assert isinstance(result, RawRecord)
    return result


def problems(tmp_path: Path, text: str, kind: str = "finding", name: str = "a-finding") -> list[tuple[str, str]]:
    _, diagnostics = validate_records([raw_record(tmp_path, text, kind, name)])
    return [(d.code, f"{d.location}: {d.message}" + (f" | {d.hint}" if d.hint else "")) for d in diagnostics]


def test_a_valid_finding_becomes_a_frozen_model(tmp_path: Path) -> None:
    """A correct record validates into its model, lists as tuples, and cannot be changed."""
    valid, diagnostics = validate_records([raw_record(tmp_path, FINDING)])
    assert diagnostics == []
    finding = valid[0].model
    assert isinstance(finding, Finding)
    assert finding.evidence[0].quote == "words" and finding.barriers == ()
    with pytest.raises(Exception, match="frozen"):
        finding.statement = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("statement: Something", "statment: Something"), [
            ("schema.missing-field", "a-finding.yaml:1:1: missing required field 'statement' in a finding"
             " | add 'statement:' with a value"),
            ("schema.unknown-field", "a-finding.yaml:2:1: unknown field 'statment' in a finding; expected one of:"
             " ['barriers', 'confidence', 'evidence', 'facilitators', 'id', 'keywords', 'outcomes', 'reviewed',"
             " 'statement', 'study', 'themes', 'title']"
             " | did you mean 'statement'?"),
        ]),
        (("concern: minor,", "concern: minr,"), [
            ("schema.invalid-value", "a-finding.yaml:7:41: 'confidence.methodological_limitations.concern': expected"
             " one of: ['no-or-very-minor', 'minor', 'moderate', 'serious'] but received: 'minr'"
             " | did you mean 'minor'?"),
        ]),
        (("    locator: p. 1\n", "    locator: p. 1\n    page: 3\n"), [
            ("schema.unknown-field", "a-finding.yaml:6:5: unknown field 'evidence[0].page' in a finding; expected one"
             " of: ['locator', 'quote']"),
        ]),
        (("study: turley-2012", "study: Turley 2012"), [
            ("schema.invalid-value", "a-finding.yaml:1:8: 'study': expected a lower-case slug but received:"
             " 'Turley 2012' | ids are file names: lower-case letters, digits and single hyphens"),
        ]),
        (("statement: Something the study found.", "statement: [a, list]"), [
            ("schema.invalid-value", "a-finding.yaml:2:12: 'statement': input should be a valid string; received:"
             " list | quote the value, or write it as a block with '>-'"),
        ]),
    ],
)
def test_schema_errors_name_expected_and_received(
    tmp_path: Path, change: tuple[str, str], expected: list[tuple[str, str]]
) -> None:
    """Each schema error says what was expected and what was received, at the field's line."""
    assert problems(tmp_path, FINDING.replace(*change)) == expected


def test_an_id_field_must_match_the_file_name(tmp_path: Path) -> None:
    """An explicit id that differs from the file name is an error at the id line."""
    assert problems(tmp_path, "id: other\n" + FINDING) == [
        ("id.mismatch", "a-finding.yaml:1:5: id 'other' does not match the file name; expected 'a-finding'"
         " | set 'id: a-finding', remove the id line, or rename the file"),
    ]


def test_a_file_name_that_is_not_a_slug_is_an_error(tmp_path: Path) -> None:
    """Ids become URLs and file names, so an id with capitals or underscores is refused with a suggestion."""
    assert problems(tmp_path, FINDING, name="My_Finding") == [
        ("id.not-slug", "My_Finding.yaml:1:1: file name (the record id) 'My_Finding' is not a lower-case slug"
         " (letters, digits, single hyphens) | rename it to 'my-finding'"),
    ]


def test_ids_that_differ_only_in_case_are_duplicates(tmp_path: Path) -> None:
    """Two records of one kind whose ids differ only in letter case are reported."""
    first = raw_record(tmp_path, FINDING, name="a-finding")
    second = raw_record(tmp_path, FINDING, name="A-finding")
    _, diagnostics = validate_records([first, second])
    assert [d.code for d in diagnostics] == ["id.duplicate", "id.not-slug"]
    assert isinstance(diagnostics[0], Diagnostic) and "already used by a-finding.yaml" in diagnostics[0].message


def test_every_study_field_is_checked(tmp_path: Path) -> None:
    """A study with a mistyped design, a non-numeric year and a path as source gets one error for each."""
    text = ("title: T\ncite: k\ndesign: survay\nyear: soon\nsummary: S\n"
            "appraisal: {strengths: a, limitations: b}\nsource: ../../etc/passwd\nevidence_kind: evaluated-research\n")
    codes = [(code, message.split(":")[1]) for code, message in problems(tmp_path, text, "study", "s")]
    assert codes == [("schema.invalid-value", "3"), ("schema.invalid-value", "4"), ("schema.invalid-value", "7")]


def test_an_id_with_a_trailing_newline_is_not_a_slug(tmp_path: Path) -> None:
    """A file name ending in a line break is not a slug (a `$` in a pattern matches before a final newline)."""
    assert [code for code, _ in problems(tmp_path, FINDING, name="evil\n")] == ["id.not-slug"]


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("name: N\nsummary: S\nwhat_to_do: W\nwho_can_act: [polise]\n", "barrier",
     "b.yaml:4:15: 'who_can_act[0]': expected one of: ['police', 'council', 'community-safety-partnership', "
     "'voluntary-sector', 'residents'] but received: 'polise' | did you mean 'police'?"),
    ("name: N\nsummary: S\nfor_whom: F\nbasis: percieved\ndirection: positive\n", "outcome",
     "b.yaml:4:8: 'basis': expected one of: ['measured', 'observed', 'perceived', 'expected'] but received: "
     "'percieved' | did you mean 'perceived'?"),
    ("name: N\nsummary: S\nfor_whom: F\nbasis: measured\ndirection: upward\n", "outcome",
     "b.yaml:5:12: 'direction': expected one of: ['positive', 'negative', 'mixed', 'none-found'] but received: "
     "'upward'"),
    ("title: T\ncite: k\ndesign: survey\nevidence_kind: practise-example\nsummary: S\n"
     "appraisal: {strengths: a, limitations: b}\n", "study",
     "b.yaml:4:16: 'evidence_kind': expected one of: ['evaluated-research', 'practice-example', 'policy-guidance', "
     "'expert-opinion', 'proposal'] but received: 'practise-example' | did you mean 'practice-example'?"),
])
def test_new_fields_are_checked_with_located_errors(tmp_path: Path, text: str, kind: str, expected: str) -> None:
    """Who can act, an outcome's basis and direction, and a study's kind of evidence refuse values off their lists."""
    assert problems(tmp_path, text, kind, "b") == [("schema.invalid-value", expected)]


def test_a_finding_title_is_short(tmp_path: Path) -> None:
    """A finding's title is a heading, not a second statement: more than 90 characters is an error at its line."""
    found = problems(tmp_path, FINDING.replace("title: A short title", "title: " + "word " * 20))
    assert [(code, message.split(":")[1]) for code, message in found] == [("schema.invalid-value", "12")]
