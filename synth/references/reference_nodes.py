"""The pieces the Harvard reference style is built from: pybtex template nodes and the field values they read.

pybtex's own `field` and `names` nodes render LaTeX with ``Text.from_latex``, which leaves unknown commands as
raw backslashes, and `names` does not follow ``crossref``. These nodes read fields through `lookup` (crossref
parents included, and a biblatex parent's ``title`` as its children's ``booktitle``), turn LaTeX into text
with `synth.references.latex_text`, and write names as Harvard does: ``Family, I.``. A missing field raises pybtex's
`FieldIsMissing`, so ``optional[...]`` and ``first_of[...]`` work as in any pybtex style.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from pybtex.database import Entry, Person
from pybtex.richtext import HRef, Text
from pybtex.style.template import FieldIsMissing, Node, join, sentence, words

from synth.references.latex_text import latex_to_text

DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
LINKED_SCHEMES = ("http://", "https://", "ftp://")
TEX_ESCAPE = re.compile(r"\\([_%&#$~{}])")
PAGE_RANGE = re.compile(r"(?<=\w)\s*[-–]+\s*(?=\w)")
Context = dict[str, Any]


def crossref_parent(entry: Entry, bib_data: Any) -> Entry | None:
    """Return the entry ``entry`` names in its ``crossref`` field, if the database has it."""
    key = entry.fields.get("crossref")
    if bib_data is None or key is None:
        return None
    parent: Entry | None = bib_data.entries.get(key)
    return parent


def lineage(entry: Entry, bib_data: Any) -> Iterator[Entry]:
    """Yield ``entry``, its ``crossref`` parent, that entry's parent, and so on, each entry once.

    A loop rather than pybtex's recursive lookup, so a chain of any length resolves, and a cycle (which the
    loader reports and breaks) ends instead of looping.
    """
    seen: set[int] = set()
    current: Entry | None = entry
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = crossref_parent(current, bib_data)


_MEMOS: dict[int, tuple[weakref.ref[Any], dict[tuple[int, str], Any]]] = {}
"""What each entry of a database inherits through ``crossref``, by database identity: (entry id, field) → value.

Without it every field of every entry of a long chain would walk the chain again, which is quadratic work.
A database is never changed once loaded; its memo goes when it does.
"""


def _memo(bib_data: Any) -> dict[tuple[int, str], Any]:
    """The memo of ``bib_data``, made on first use."""
    key = id(bib_data)
    held = _MEMOS.get(key)
    if held is None or held[0]() is not bib_data:
        held = (weakref.ref(bib_data, _forget(key)), {})
        _MEMOS[key] = held
    return held[1]


def _forget(key: int) -> Callable[[weakref.ref[Any]], None]:
    """A callback that drops the memo of the database with identity ``key`` once it is gone."""
    def forget(_: weakref.ref[Any]) -> None:
        _MEMOS.pop(key, None)
    return forget


def _nearest(entry: Entry, bib_data: Any, name: str, own: Callable[[Entry], Any]) -> Any:
    """The first value ``own`` finds along ``entry``'s crossref lineage (None if none), memoised per database."""
    found = own(entry)
    if found is not None or bib_data is None:
        return found
    table = _memo(bib_data)
    walked: list[Entry] = []
    for ancestor in lineage(entry, bib_data):
        if (id(ancestor), name) in table:
            found = table[(id(ancestor), name)]
            break
        found = own(ancestor)
        walked.append(ancestor)
        if found is not None:
            break
    for ancestor in walked:
        table[(id(ancestor), name)] = found
    return found


def lookup(entry: Entry, name: str, bib_data: Any) -> str | None:
    """Return a field's raw value, inherited through ``crossref`` when the entry lacks it.

    A person field (``author``) reads as its names joined by ``and``, as in pybtex; a biblatex child with no
    ``booktitle`` takes its parent's ``title``.
    """
    def own(holder: Entry) -> str | None:
        if name in holder.fields:
            value: str = holder.fields[name]
            return value
        if name in holder.persons:
            return " and ".join(str(person) for person in holder.persons[name])
        return None

    found: str | None = _nearest(entry, bib_data, f"field:{name}", own)
    parent = crossref_parent(entry, bib_data) if found is None else None
    if name == "booktitle" and parent is not None:  # biblatex: a child's booktitle is its parent's title
        inherited: str | None = parent.fields.get("title")
        return inherited
    return found


def people(entry: Entry, role: str, bib_data: Any) -> list[Person]:
    """Return the authors or editors of an entry, or of the nearest ``crossref`` ancestor that names some."""
    found = _nearest(entry, bib_data, f"role:{role}",
                     lambda holder: list(holder.persons[role]) if role in holder.persons else None)
    return list(found) if found else []


def harvard_name(person: Person) -> str:
    """Write one name as ``Family, I.J.`` (a corporate or one-part name whole, as written)."""
    family = latex_to_text(" ".join([*person.prelast_names, *person.last_names]))
    initials = "".join(_initials(latex_to_text(name)) for name in [*person.first_names, *person.middle_names])
    lineage = latex_to_text(" ".join(person.lineage_names))
    return ", ".join(part for part in (family, initials, lineage) if part)


def _initials(name: str) -> str:
    """Abbreviate one given name: "Jean-Paul" → "J.-P."; an initial such as "J.A." stays as it is."""
    if re.fullmatch(r"(?:\w\.)+", name):
        return name
    letters = [next((c for c in part if c.isalnum()), "") for part in name.split("-")]
    return "-".join(f"{letter}." for letter in letters if letter)


def is_others(person: Person) -> bool:
    """Tell whether a name is BibTeX's ``and others``, which means "et al."."""
    return not person.first_names and [name.lower() for name in person.last_names] == ["others"]


def name_list(persons: Sequence[Person]) -> str:
    """Write names as Harvard does: ``A, B and C``, with "et al." for ``and others``."""
    named = [harvard_name(person) for person in persons if not is_others(person)]
    if not named:
        return ""
    text = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return text + " et al." if len(named) < len(persons) else text


def family_names(persons: Sequence[Person]) -> list[str]:
    """Return the family names (corporate names whole), without ``others``."""
    return [latex_to_text(" ".join([*p.prelast_names, *p.last_names])) for p in persons if not is_others(p)]


def citation_names(persons: Sequence[Person]) -> str:
    """Write names for in-text citations: "Alexander", "Bovaird and Loeffler", "Adler et al."."""
    families = family_names(persons)
    if len(families) > 2 or (families and len(families) < len(persons)):
        return f"{families[0]} et al."
    return " and ".join(families)


def raw_text(value: str) -> str:
    """Undo TeX escapes and braces in a value that is not prose (a DOI, a URL)."""
    return TEX_ESCAPE.sub(r"\1", value).replace("{", "").replace("}", "").strip()


def doi_of(entry: Entry, bib_data: Any) -> str | None:
    """Return the entry's DOI without any ``https://doi.org/`` or ``doi:`` prefix, if it looks like a DOI."""
    value = lookup(entry, "doi", bib_data)
    doi = DOI_PREFIX.sub("", raw_text(value)) if value else ""
    return doi if DOI_SHAPE.match(doi) else None


def url_of(entry: Entry, bib_data: Any) -> str | None:
    """Return the entry's URL (the first, when the field holds several), as written."""
    value = lookup(entry, "url", bib_data)
    urls = raw_text(value).split() if value else []
    return urls[0] if urls else None


def _field(children: list[Any], context: Context, name: str, missing: str | None = None,
           apply: Callable[[str], str] | None = None) -> Text:
    """Render a field as text; when it is absent, use ``missing`` or raise `FieldIsMissing`."""
    value = lookup(context["entry"], name, context.get("bib_data"))
    text = latex_to_text(value) if value else ""
    if not text and missing is None:
        raise FieldIsMissing(name, context["entry"])
    return Text((apply(text) if apply else text) if text else missing)


def _names(children: list[Any], context: Context, role: str) -> Text:
    """Render the authors or editors as a Harvard name list."""
    persons = people(context["entry"], role, context.get("bib_data"))
    if not persons:
        raise FieldIsMissing(role, context["entry"])
    return Text(name_list(persons))


def _person_label(children: list[Any], context: Context, role: str, one: str, many: str) -> Text:
    """Render ``one`` or ``many`` by the number of people in ``role`` ("(ed.)" or "(eds.)")."""
    persons = people(context["entry"], role, context.get("bib_data"))
    if not persons:
        raise FieldIsMissing(role, context["entry"])
    return Text(one if len(persons) == 1 else many)


def _pages(children: list[Any], context: Context) -> Text:
    """Render pages as ``p. 5`` or ``pp. 83–96``."""
    value = lookup(context["entry"], "pages", context.get("bib_data"))
    text = PAGE_RANGE.sub("–", latex_to_text(value)) if value else ""
    first, _, last = text.partition("–")
    text = first if first == last else text
    if not text:
        raise FieldIsMissing("pages", context["entry"])
    return Text(("pp. " if re.search(r"[–,]", text) else "p. ") + text)


def _web_link(children: list[Any], context: Context) -> Text:
    """Render the DOI as a doi.org link, else the URL (``Available at: …``) with its access date."""
    entry, bib_data = context["entry"], context.get("bib_data")
    doi = doi_of(entry, bib_data)
    if doi:
        return Text(HRef("https://doi.org/" + quote(doi, safe="/:;()[]._-"), f"doi:{doi}"))
    url = url_of(entry, bib_data)
    if not url:
        return Text()
    shown = HRef(url, url) if url.lower().startswith(LINKED_SCHEMES) else url
    accessed = lookup(entry, "urldate", bib_data)
    return Text("Available at: ", shown, f" (Accessed: {latex_to_text(accessed)})" if accessed else "")


def _lead(children: list[Any], context: Context, editors_lead: bool = False) -> Text:
    """Render ``Authors (Year) Title.``; with no authors, editors (when allowed) lead, and else the title does."""
    (title,) = children
    entry, bib_data = context["entry"], context.get("bib_data")
    year = join["(", field("year", missing="n.d."), ")"]
    if people(entry, "author", bib_data):
        head = [words[names("author"), year], sentence[title]]
    elif editors_lead and people(entry, "editor", bib_data):
        head = [words[names("editor"), person_label("editor", one="(ed.)", many="(eds.)"), year], sentence[title]]
    else:
        head = [words[title, year]]
    result: Text = join(sep=" ")[head].format_data(context)
    return result


field = Node("field", _field)
lead = Node("lead", _lead)
names = Node("names", _names)
person_label = Node("person_label", _person_label)
pages = Node("pages", _pages)
web_link = Node("web_link", _web_link)
