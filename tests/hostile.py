"""The shared hostile fixture: the example project with markup in every free-text field, and the check of a built site.

Fields are found from the pydantic models (`synth.records.schema.MODELS` and `synth.papers.model.PaperMeta`), so a
field added to a model later is filled too. A free-text field is a string field without a pattern (but
`PLAIN_TEXT`, which refuses only control characters) or a fixed list of values, other than the fields that name
another record or entry (`CROSS_REFERENCES`). Every string field of every BibTeX entry, the front matter of a
paper, a hand-written page's title, the words after a citation key and a hand-written page's file name get markup
too. Every payload carries the marker ``zqxevil``: `markup_from_input` parses a built page with html5lib (a
browser's parsing algorithm) and reports any element, attribute, script or ``javascript:`` link that carries it.
"""

from __future__ import annotations

import re
import shutil
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import html5lib
import yaml
from pybtex.database import parse_file
from pydantic import BaseModel

from synth.papers.model import PaperMeta
from synth.records.schema import FOLDERS, MODELS, PLAIN_TEXT

MARKER = "zqxevil"
"""In every payload: no element, attribute name or script of a built page may contain it."""
PAYLOADS = (
    f"</title><script>window.{MARKER}=1</script><{MARKER}>",
    f'"><img src=x {MARKER} onerror="window.{MARKER}=1">',
    f"'><svg {MARKER} onload='window.{MARKER}=1'>",
    f'[{MARKER}](javascript:window.{MARKER}=1) <a href="javascript:window.{MARKER}=1">{MARKER}</a>',
    f"&lt;{MARKER}&gt; &#60;script&#62;window.{MARKER}=1&#60;/script&#62;",
    f"`<{MARKER}>` *<{MARKER} a=1>* <!-- {MARKER} --> ]]> {{{{ {MARKER} }}}} \\<{MARKER}>",
    f"<!--<script>window.{MARKER}=1</script>--> <style>*{{{MARKER}:1}}</style> javascript:window.{MARKER}=1",
    f"javascript:window.{MARKER}=1//",
)
"""Markup that would run or add elements if any of it reached a page unescaped."""
CROSS_REFERENCES = frozenset({"cite"})
"""Text fields that name something else (a BibTeX key), so they must keep their value for the project to link."""
KEPT_BIBTEX_FIELDS = frozenset({"year", "month"})
"""BibTeX fields that must keep their form for the entry to be read at all."""
BIBTEX_FIELDS = ("author", "editor", "title", "booktitle", "journal", "publisher", "institution", "address",
                 "note", "url", "doi", "volume", "number", "pages", "edition", "eid", "howpublished", "series")
"""BibTeX fields every entry of a hostile project carries, whether its original had them or not."""
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"})


def free_text(annotation: Any) -> str | None:
    """``"text"``, ``"texts"`` (a tuple of text), ``"model"`` or ``"models"`` for a field's type; None otherwise."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        if any(getattr(item, "pattern", None) not in (None, PLAIN_TEXT) for item in metadata):
            return None
        return free_text(base)
    if origin in (typing.Union, types.UnionType):
        kinds = [free_text(arg) for arg in typing.get_args(annotation) if arg is not type(None)]
        return kinds[0] if len(kinds) == 1 else None
    if origin is tuple:
        inner = free_text(typing.get_args(annotation)[0])
        return {"text": "texts", "model": "models"}.get(inner or "")
    if annotation is str:
        return "text"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model"
    return None


def field_kind(info: Any) -> str | None:
    """`free_text` for a pydantic field, whose own constraints (such as a slug's pattern) sit in its metadata."""
    if any(getattr(item, "pattern", None) not in (None, PLAIN_TEXT) for item in info.metadata):
        return None
    return free_text(info.annotation)


def text_fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """The dotted names of every free-text field of ``model``, nested models included (``[]`` marks a list)."""
    for name, info in model.model_fields.items():
        kind = field_kind(info)
        if kind is None or name in CROSS_REFERENCES:
            continue
        if kind in ("text", "texts"):
            yield f"{prefix}{name}{'[]' if kind == 'texts' else ''}"
        else:
            nested = _model_of(info.annotation)
            yield from text_fields(nested, f"{prefix}{name}{'[].' if kind == 'models' else '.'}")


def _model_of(annotation: Any) -> type[BaseModel]:
    """The model class inside an annotation such as ``tuple[Quotation, ...]`` or ``Appraisal | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if arg is not type(None) and arg is not Ellipsis:
            try:
                return _model_of(arg)
            except TypeError:
                continue
    raise TypeError(f"no model in {annotation!r}")


def length_limit(info: Any) -> int | None:
    """The most characters a text field (or each text in a list) may hold, from its constraints; None if any."""
    found: list[int] = []

    def visit(item: Any) -> None:
        if (limit := getattr(item, "max_length", None)) is not None:
            found.append(limit)
        for arg in typing.get_args(item):
            visit(arg)
        for meta in getattr(item, "__metadata__", ()):
            visit(meta)

    for meta in info.metadata:
        visit(meta)
    visit(info.annotation)
    return min(found) if found else None


def fill(data: dict[str, Any], model: type[BaseModel], payload: Callable[[str], str],
         prefix: str = "") -> dict[str, Any]:
    """``data`` with every free-text field of ``model`` (present or not) set to ``payload(dotted name)``."""
    filled = dict(data)
    for name, info in model.model_fields.items():
        kind = field_kind(info)
        if kind is None or name in CROSS_REFERENCES:
            continue
        limit = length_limit(info)  # A value cut to a field's limit stays hostile: the payloads lead with markup.
        if kind == "text":
            filled[name] = payload(f"{prefix}{name}")[:limit]
        elif kind == "texts":
            value = payload(f"{prefix}{name}[]")
            filled[name] = [value[:limit], (value[:limit - 2] if limit else value) + " 2"]
        elif kind == "model" and isinstance(filled.get(name), dict):
            filled[name] = fill(filled[name], _model_of(info.annotation), payload, f"{prefix}{name}.")
        elif kind == "models" and isinstance(filled.get(name), list):
            filled[name] = [fill(item, _model_of(info.annotation), payload, f"{prefix}{name}[].")
                            for item in filled[name]]
    return filled


def all_fields() -> list[str]:
    """Every free-text field a hostile project fills, as ``kind.dotted.name``."""
    fields = [f"{kind}.{name}" for kind, model in MODELS.items() for name in text_fields(model)]
    fields += [f"paper.{name}" for name in text_fields(PaperMeta)]
    fields += ["paper.citation", "page.title", "page.description", "page.citation"]
    return [*fields, *(f"bibtex.{name}" for name in BIBTEX_FIELDS)]


def hostile_project(source: Path, target: Path, payload: Callable[[str], str] = lambda field: PAYLOADS[0],
                    *, hand_written: bool = True, pdfs: bool = True) -> Path:
    """Copy the example project at ``source`` to ``target`` with ``payload(field)`` in every free-text field.

    ``field`` is named as `all_fields` names it; ``pdfs=False`` turns the papers' PDFs off for a faster build.
    """
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site", ".synth-*"))
    # Every explanation holds the same payload, and every finding a `departure:`, which the consistency checks
    # rightly warn about; the build is not strict, since what is tested is where the payloads end up.
    options = "  - synth:\n      max_shared_explanation: 1000" + ("\n      paper_pdfs: false" if not pdfs else "")
    config = target / "mkdocs.yml"
    text = re.sub(r"^  - synth$", options, config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(re.sub(r"^strict: true$", "strict: false", text, flags=re.M), encoding="utf-8")
    kinds = {folder: kind for folder, kind in FOLDERS.items()}
    for folder, kind in kinds.items():
        for path in sorted((target / "content" / folder).glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            _dump(path, fill(data, MODELS[kind], payload, f"{kind}."))
    themes_file = target / "content" / "themes.yaml"
    themes = yaml.safe_load(themes_file.read_text(encoding="utf-8"))
    _dump(themes_file, {theme_id: fill(theme, MODELS["theme"], payload, "theme.")
                        for theme_id, theme in themes.items()})
    for path in sorted((target / "content" / "papers").glob("*.md")):
        _write_paper(path, payload)
    for path in sorted((target / "bibliography").glob("*.bib")):
        _write_bibtex(path, payload)
    if hand_written:
        _write_hand_written(target / "docs", payload)
    return target


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


def _write_paper(path: Path, payload: Callable[[str], str]) -> None:
    """The paper's front matter filled, its body kept, with markup after a citation key added."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = fill(yaml.safe_load(front), PaperMeta, payload, "paper.")
    key = re.search(r"@(\w+)", body)
    words = after_a_key(payload("paper.citation"))
    cited = f"\n\nHostile words after a key [see @{key[1]}, p. {words}].\n" if key else ""
    path.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)}---\n"
                    f"{body}{cited}", encoding="utf-8")


def after_a_key(text: str) -> str:
    """``text`` as words that stay inside one bracketed citation.

    No brackets, no ``;`` starting another item, no ``@`` naming another key (an unknown key is an error).
    """
    return text.replace("[", "(").replace("]", ")").replace(";", ",").replace("@", "(at)")


def _bibtex_value(text: str) -> str:
    """``text`` as a braced BibTeX value: TeX's special characters escaped, braces kept only when they balance.

    BibTeX counts a brace even after a backslash, so an unbalanced one becomes a parenthesis.
    """
    depth = 0
    for character in text:
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth < 0:
            break
    if depth != 0:
        text = text.replace("{", "(").replace("}", ")")
    return "{" + re.sub(r"([\\%#$&_^~])", r"\\\1", text) + "}"


def _write_bibtex(path: Path, payload: Callable[[str], str]) -> None:
    """Every entry rewritten with markup in every string field (the common ones added) and its people's names."""
    database = parse_file(str(path), bib_format="bibtex")
    entries = []
    for key, entry in database.entries.items():
        names = dict.fromkeys([*(name.lower() for name in entry.fields), *BIBTEX_FIELDS])
        fields = [f"  {name} = {{{entry.fields[name]}}}" if name in KEPT_BIBTEX_FIELDS and name in entry.fields
                  else f"  {name} = {_bibtex_value(payload(f'bibtex.{name}'))}"
                  for name in names if name not in ("author", "editor")]
        for role in ("author", "editor"):
            people = " and ".join(f"{_bibtex_value(payload(f'bibtex.{role}'))}, Given{n}" for n in range(2))
            fields.append(f"  {role} = {{{people}}}")
        entries.append(f"@{entry.original_type}{{{key},\n" + ",\n".join(fields) + "\n}\n")
    path.write_text("\n".join(entries), encoding="utf-8")


def _write_hand_written(docs: Path, payload: Callable[[str], str]) -> None:
    """A hand-written page with markup in its title and after a citation key; a page whose file name is markup."""
    about = docs / "about.md"
    text = about.read_text(encoding="utf-8")
    title = yaml.safe_dump({"title": payload("page.title"), "description": payload("page.description")},
                           allow_unicode=True, width=10_000)
    key = re.search(r"@(\w+)", text)
    cited = f"\nMore [see @{key[1]}, p. {after_a_key(payload('page.citation'))}].\n" if key else ""
    about.write_text(f"---\n{title}---\n\n{text}{cited}", encoding="utf-8")
    (docs / f"<img src=x {MARKER} onerror=window.{MARKER}=1>.md").write_text("A page named with markup.\n",
                                                                              encoding="utf-8")


def markup_from_input(page: str) -> list[str]:
    """Every element, attribute, script or ``javascript:`` link in ``page`` that came from a payload."""
    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for element in document.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if MARKER in tag.lower():
            found.append(f"element <{tag}>")
        for name, value in element.attrib.items():
            if MARKER in name.lower():
                found.append(f"attribute {name!r} on <{tag}>")
            elif name.lower().startswith("on") and MARKER in value:
                found.append(f"event handler {name}={value!r} on <{tag}>")
            elif name.lower() in URL_ATTRIBUTES and re.match(r"\s*javascript:", value, re.IGNORECASE):
                found.append(f"{name}={value!r} on <{tag}>")
        if tag in ("script", "style") and MARKER in "".join(element.itertext()):
            found.append(f"<{tag}> holding {''.join(element.itertext())[:80]!r}")
    return found
