"""Stage 2, validate: check each raw record against its schema and turn it into a frozen model.

Every pydantic error becomes a `Diagnostic` at the line of the offending field, in the MkDocs manner:
say what was expected and what was received, and suggest the closest valid name where one was mistyped.
Checks that need more than one record (unknown ids, citations) belong to the link stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from synth.errors import Diagnostic, did_you_mean
from synth.records.cache import ObjectMemo
from synth.records.load import KeyPath, RawRecord
from synth.records.schema import CONTROL_CHARACTER, MODELS, PLACEHOLDER, PLAIN_TEXT, SLUG_PATTERN, Record

RESERVED_IDS = frozenset({"index"})
"""Ids that would replace a generated page (`studies/index.md` is the studies table)."""
EXPECTED_VALUE = re.compile(r"'([^']*)'")


@dataclass(frozen=True)
class ValidRecord:
    """A record that passed its schema: the model, and the raw record it came from (for positions)."""

    model: Record
    raw: RawRecord

    @property
    def id(self) -> str:
        """The record's id (its file name)."""
        return self.raw.id

    @property
    def kind(self) -> str:
        """study, finding, barrier, facilitator or theme."""
        return self.raw.kind


def validate_records(raws: Iterable[RawRecord],
                     memo: ObjectMemo | None = None) -> tuple[list[ValidRecord], list[Diagnostic]]:
    """Validate every raw record; return those that passed and a diagnostic for every problem.

    With a ``memo`` (kept by the caller), a raw record validated before (the very object, as a record cache
    gives back for an unchanged file) is not validated again.
    """
    raws = list(raws)
    valid: list[ValidRecord] = []
    diagnostics: list[Diagnostic] = find_duplicate_ids(raws)
    for raw in raws:
        valid_record, problems = validate_record(raw) if memo is None else memo.get(raw, partial(validate_record, raw))
        diagnostics.extend(problems)
        if valid_record is not None:
            valid.append(valid_record)
    return valid, diagnostics


def validate_record(raw: RawRecord) -> tuple[ValidRecord | None, tuple[Diagnostic, ...]]:
    """Validate one raw record on its own: the valid record (None if it has an error) and its problems."""
    problems = check_id(raw)
    model = _validate_one(raw, problems)
    if model is None or any(p.severity == "error" for p in problems):
        return None, tuple(problems)
    return ValidRecord(model, raw), tuple(problems)


def check_id(raw: RawRecord) -> list[Diagnostic]:
    """An id must be a lower-case slug, and an explicit `id:` field must equal the file name."""
    problems: list[Diagnostic] = []
    if not re.fullmatch(SLUG_PATTERN, raw.id):
        suggestion = re.sub(r"[^a-z0-9]+", "-", raw.id.lower()).strip("-")
        what = "theme id" if raw.kind == "theme" else "file name (the record id)"
        problems.append(Diagnostic(
            "id.not-slug", f"{what} '{raw.id}' is not a lower-case slug (letters, digits, single hyphens)",
            raw.locate(key=True), raw.id, f"rename it to '{suggestion}'" if suggestion else None))
    if raw.id in RESERVED_IDS and raw.kind != "theme":
        problems.append(Diagnostic(
            "id.reserved", f"the id '{raw.id}' is reserved: it is the address of the listing page of its folder",
            raw.locate(key=True), raw.id, "rename the file"))
    stated = raw.data.get("id")
    if isinstance(stated, str) and stated != raw.id:
        problems.append(Diagnostic(
            "id.mismatch", f"id '{stated}' does not match the file name; expected '{raw.id}'",
            raw.locate(("id",)), raw.id, f"set 'id: {raw.id}', remove the id line, or rename the file"))
    return problems


def _validate_one(raw: RawRecord, problems: list[Diagnostic]) -> Record | None:
    model_type = MODELS[raw.kind]
    try:
        return model_type.model_validate(raw.data)
    except ValidationError as error:
        problems.extend(schema_diagnostic(raw, model_type, detail) for detail in error.errors(include_url=False))
        return None


def schema_diagnostic(raw: RawRecord, model_type: type[BaseModel], detail: ErrorDetails) -> Diagnostic:
    """Turn one pydantic error into a located diagnostic saying what was expected and what was received."""
    path: KeyPath = tuple(detail["loc"])
    field = dotted(path) or "record"
    kind = detail["type"]
    if kind == "extra_forbidden":
        allowed = _fields_at(model_type, path[:-1])
        return Diagnostic(
            "schema.unknown-field", f"unknown field '{field}' in a {raw.kind}; expected one of: {sorted(allowed)}",
            raw.locate(path, key=True), raw.id, did_you_mean(str(path[-1]), allowed))
    if kind == "missing":
        return Diagnostic(
            "schema.missing-field", f"missing required field '{field}' in a {raw.kind}",
            raw.locate(path[:-1], key=True), raw.id, f"add '{path[-1]}:' with a value")
    received = _show(detail.get("input"))
    if kind == "placeholder" or detail.get("input") == PLACEHOLDER:
        return _placeholder(raw, path, field, detail)
    if kind == "string_pattern_mismatch" and detail.get("ctx", {}).get("pattern") == PLAIN_TEXT:
        found = CONTROL_CHARACTER.search(str(detail.get("input")))
        where = f"U+{ord(found.group()):04X} at position {found.start() + 1}" if found else "a control character"
        return Diagnostic(
            "schema.control-character", f"'{field}' holds the control character {where}; received: {received}",
            raw.locate(path), raw.id,
            "remove it: record text is plain text (in YAML, check for escapes such as \\0, \\x1b or \\uffff)")
    if kind == "literal_error":
        choices = EXPECTED_VALUE.findall(str(detail.get("ctx", {}).get("expected", "")))
        return Diagnostic(
            "schema.invalid-value", f"'{field}': expected one of: {choices} but received: {received}",
            raw.locate(path), raw.id, did_you_mean(str(detail.get("input")), choices))
    if kind == "string_pattern_mismatch":
        return Diagnostic(
            "schema.invalid-value", f"'{field}': expected a lower-case slug but received: {received}",
            raw.locate(path), raw.id, _pattern_hint(path))
    return Diagnostic(
        "schema.invalid-value", f"'{field}': {_lower_first(detail['msg'])}; received: {received}",
        raw.locate(path), raw.id, _type_hint(kind))


def _placeholder(raw: RawRecord, path: KeyPath, field: str, detail: ErrorDetails) -> Diagnostic:
    """A value `synth new` or `synth import` left as the placeholder: say what to write in its place."""
    choices = EXPECTED_VALUE.findall(str(detail.get("ctx", {}).get("expected", "")))
    hint = f"write one of: {', '.join(choices)}" if choices else "write the real value; the comment above says what"
    return Diagnostic("schema.placeholder", f"'{field}' is still the placeholder '{PLACEHOLDER}'; fill it in",
                      raw.locate(path), raw.id, hint)


def dotted(path: KeyPath) -> str:
    """A key path as a reader writes it: ``evidence[0].quote``."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def _fields_at(model_type: type[BaseModel], path: KeyPath) -> list[str]:
    """The field names allowed at ``path`` inside ``model_type`` (walking into nested models)."""
    current: Any = model_type
    for part in path:
        if isinstance(part, int):
            continue
        annotation = current.model_fields[str(part)].annotation
        current = _model_inside(annotation)
        if current is None:
            return []
    return list(current.model_fields)


def _model_inside(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_inside(argument)
        if found is not None:
            return found
    return None


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else type(value).__name__ if isinstance(
        value, (dict, list)) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _pattern_hint(path: KeyPath) -> str:
    if path and path[0] == "source":
        return "a plain file name such as 'smith-2020.txt', with no folders"
    return "ids are file names: lower-case letters, digits and single hyphens"


def _type_hint(kind: str) -> str | None:
    hints = {
        "string_type": "quote the value, or write it as a block with '>-'",
        "tuple_type": "write a list: one '- item' per line, or [a, b]",
        "model_type": "write the nested fields as an indented mapping",
        "model_attributes_type": "write the nested fields as an indented mapping",
        "string_too_short": "write some text, or remove the field if it is optional",
        "int_parsing": "write a whole number such as 2012",
        "int_type": "write a whole number such as 2012",
    }
    return hints.get(kind)


def find_duplicate_ids(raws: Iterable[RawRecord]) -> list[Diagnostic]:
    """Two records of one kind whose ids differ only in letter case clash (file systems and URLs fold case)."""
    seen: dict[tuple[str, str], RawRecord] = {}
    problems = []
    for raw in raws:
        first = seen.setdefault((raw.kind, raw.id.casefold()), raw)
        if first is not raw:
            problems.append(Diagnostic(
                "id.duplicate", f"{raw.kind} id '{raw.id}' is already used by {first.path}",
                raw.locate(key=True), raw.id, "give one of the two records another file name"))
    return problems


def records_by_kind(records: Iterable[ValidRecord]) -> Mapping[str, dict[str, ValidRecord]]:
    """Group valid records into {kind: {id: record}}, each sorted by id."""
    grouped: dict[str, dict[str, ValidRecord]] = {kind: {} for kind in MODELS}
    for record in sorted(records, key=lambda r: (r.kind, r.id)):
        grouped[record.kind].setdefault(record.id, record)
    return grouped
