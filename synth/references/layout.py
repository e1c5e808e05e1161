"""Stage 4, render (references): Cite Them Right Harvard (12th edition), laid out from a CSL-JSON item.

The layout follows the CSL style ``harvard-cite-them-right`` element by element, so a CSL processor given
synth's CSL-JSON download writes the same reference: ``Authors (Year) Title, in Editors (eds) *Book*.
Place: Publisher, volume(issue), pp. 1–9. Available at: https://doi.org/…``. Titles of whole works (books,
reports, theses, web pages) are italic; titles of parts (articles, chapters, papers) are in single quotes.
Four or more names read "First, I. *et al.*". A work with no author is led by its editors, else by its title
(an article by its journal). synth adds one thing the style leaves out: the ``note`` of works that are not
published in the usual way (``@misc``, ``@unpublished``, ``@booklet``, ``@manual``), which is often all a
reader has to find them. The result is pybtex rich text, so one layout renders as HTML and as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from pybtex.richtext import BaseText, HRef, Tag, Text

from synth.references.names import NameParts, display_order, sort_order

ITALIC_TITLES = frozenset({"bill", "book", "legal_case", "legislation", "motion_picture", "report", "song", "thesis",
                           "webpage", "graphic"})
PAGED = frozenset({"chapter", "paper-conference", "article-journal", "article", "article-magazine",
                   "article-newspaper", "book", "review", "review-book", "report"})
CHAPTERS = frozenset({"chapter", "paper-conference"})
ARTICLES = frozenset({"article-journal", "article-newspaper", "article-magazine"})
ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)?$", re.IGNORECASE)
PAGE_RANGE = re.compile(r"(?<=\w)\s*[-–]+\s*(?=\w)")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
MINOR_WORDS = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on",
                         "or", "the", "to", "with"})
ET_AL_MIN = 4
Item = Mapping[str, Any]


def parts_of(name: Mapping[str, str]) -> NameParts:
    """A CSL-JSON name as `NameParts` (a ``literal`` is a body's name, kept whole)."""
    if "literal" in name:
        return NameParts(name["literal"], corporate=True)
    return NameParts(name.get("family", ""), name.get("given", ""), name.get("suffix", ""))


def join(parts: Iterable[BaseText | str], sep: str) -> Text:
    """Join the non-empty parts with ``sep``, leaving out a full stop after one that ends a sentence already."""
    pieces: list[BaseText | str] = []
    for part in (p for p in parts if p):
        if pieces:
            ends = pieces[-1].endswith((".", "?", "!"))
            pieces.append(sep[1:] if ends and sep.startswith(".") else sep)
        pieces.append(part)
    return Text(*pieces)


def words(*parts: BaseText | str) -> Text:
    """Join the non-empty parts with spaces."""
    return join(parts, " ")


def name_list(names: Sequence[Mapping[str, str]], others: bool, display: bool = False, shown: int = 1) -> Text:
    """Names as Cite Them Right writes them: ``A, B and C``; four or more (or ``and others``) as ``A et al.``.

    Names written initials first (``display``) take a comma before "and" from three names on, as the style's
    editor lists do; ``shown`` names come before "et al." when disambiguation needs more than one.
    """
    written = [(display_order if display else sort_order)(parts_of(name)) for name in names]
    if not written:
        return Text()
    if (others or len(written) >= ET_AL_MIN) and (others or shown < len(written)):
        first = ", ".join(written[:shown]) + ("," if min(shown, len(written)) > 1 else "")
        return Text(first, " ", Tag("em", "et al."))
    last = (", and " if display and len(written) > 2 else " and ") + written[-1]
    return Text(written[0] if len(written) == 1 else ", ".join(written[:-1]) + last)


def editor_label(item: Item) -> str:
    """``(ed.)`` for one editor, ``(eds)`` for more."""
    return "(ed.)" if len(item.get("editor", ())) == 1 else "(eds)"


def edition(item: Item) -> str:
    """``2nd edn`` for a numeric edition; any other edition as written."""
    value = str(item.get("edition", ""))
    number = ORDINAL.match(value)
    if not number:
        return value
    n = int(number.group(1))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} edn"


def title(item: Item) -> Text:
    """The title: italic (with any edition) for a whole work, in single quotes for a part of one."""
    value = item.get("title", "")
    if not value:
        return Text()
    if item["type"] in ITALIC_TITLES:
        medium = f"[{item['medium']}]" if item.get("medium") else ""
        return join([words(Tag("em", value), medium), edition(item)], ". ")
    return Text(quoted(value))


def quoted(value: str) -> str:
    """``‘value’``, with quotation marks inside it turned to double ones, as nested quotes are in British use."""
    inner = re.sub(r"‘([^‘’]*)’", r"“\1”", value)
    return f"‘{inner}’"


def title_case(value: str) -> str:
    """Capitalise each word in lower case but minor words after the first: for a journal that leads a reference."""
    words_ = value.split(" ")
    return " ".join(w[:1].upper() + w[1:] if w.islower() and (i == 0 or w not in MINOR_WORDS) else w
                    for i, w in enumerate(words_))


def lead(item: Item, others: bool, shown: int = 1) -> tuple[Text, str | None]:
    """Who leads the reference, and which variable stood in for missing authors (then not repeated)."""
    if item.get("author"):
        return name_list(item["author"], others, shown=shown), None
    if item.get("editor"):
        return Text(name_list(item["editor"], others, shown=shown), " ", editor_label(item)), "editor"
    if item["type"] in ARTICLES and item.get("container-title"):
        return Text(Tag("em", title_case(item["container-title"]))), "container-title"
    if item.get("title"):
        return title(item), "title"
    return Text(), None


def _in_editors(item: Item) -> Text:
    """``in E.A. Lindquist and J. Wanna (eds)``: the book's editors, for a chapter or a conference paper."""
    if item["type"] not in CHAPTERS or not item.get("editor"):
        return Text()
    return words("in", name_list(item["editor"], False, display=True), editor_label(item))


def _container(item: Item) -> Text:
    """The journal or book, italic; an article with neither volume nor pages is marked as a preprint."""
    if not item.get("container-title"):
        return Text()
    preprint = item["type"] in {"article", "article-journal"} and not (item.get("page") or item.get("volume"))
    return join([words(Tag("em", item["container-title"]), "[Preprint]" if preprint else ""), edition(item)], ". ")


def _edited_by(item: Item, substituted: str | None) -> Text:
    """``Edited by E.A. Lindquist``: a work's editors when authors lead it (a chapter's go with its book)."""
    if item["type"] in CHAPTERS or substituted == "editor" or not item.get("editor"):
        return Text()
    return Text("Edited by ", name_list(item["editor"], False, display=True))


def _publisher(item: Item) -> Text:
    """``Place: Publisher``, with a thesis's kind, a report's type and number, a book's series."""
    place = join([item.get("publisher-place", ""), item.get("publisher", "")], ": ")
    kind = item["type"]
    if kind == "thesis":
        return join([item.get("genre", ""), item.get("publisher", "")], ". ")
    if kind == "report":
        return join([words(item.get("genre", ""), item.get("number", "")), place], ". ")
    if kind in ARTICLES:
        return Text()
    series = join([item.get("collection-title", ""), item.get("collection-number", "")], ", ")
    return words(place, Text("(", series, ")") if series else "")


def _numbers(item: Item) -> Text:
    """``75(2), pp. 159–175``: an article's volume and issue, then pages."""
    volume = Text(item.get("volume", ""), f"({item['issue']})" if item.get("issue") else "")
    locator = volume if item["type"] == "article-journal" else Text()
    page = PAGE_RANGE.sub("–", item.get("page", "")) if item["type"] in PAGED else ""
    pages = ("pp. " if re.search(r"[–,&]", page) else "p. ") + page if page else ""
    return join([locator, pages], ", ")


def access(item: Item) -> Text:
    """``Available at: https://doi.org/…``, else ``Available at: URL (Accessed: 1 May 2021)``."""
    if item.get("DOI"):
        address = "https://doi.org/" + item["DOI"]
        return Text("Available at: ", HRef("https://doi.org/" + quote(item["DOI"], safe="/:;()[]._-"), address))
    url = item.get("URL")
    if not url:
        return Text()
    shown = HRef(url, url) if url.lower().startswith(("http://", "https://", "ftp://")) else Text(url)
    accessed = long_date(item.get("accessed", {}))
    return Text("Available at: ", shown, f" (Accessed: {accessed})" if accessed else "")


def long_date(date: Mapping[str, Any]) -> str:
    """``1 May 2021`` from a CSL date, or as much of it as there is."""
    parts = (date.get("date-parts") or [[]])[0]
    if not parts:
        return str(date.get("literal", ""))
    month = MONTH_NAMES[parts[1] - 1] if len(parts) > 1 and 1 <= parts[1] <= 12 else ""
    return " ".join(str(part) for part in (parts[2] if len(parts) > 2 else "", month, parts[0]) if part)


def reference(item: Item, year: str, others: bool = False, note: str = "", shown: int = 1) -> Text:
    """The whole reference of ``item``, with ``year`` as the date label ("2015a", "no date")."""
    who, substituted = lead(item, others, shown)
    own_title = Text() if substituted == "title" else title(item)
    container = Text() if substituted == "container-title" else _container(item)
    head = words(who, f"({year})", join([own_title, words(_in_editors(item), container)], ", "))
    text = join([head, _edited_by(item, substituted), _publisher(item)], ". ")
    text = join([text, _numbers(item)], ", ")
    text = join([text, note, access(item)], ". ")
    return text if text.endswith((".", "?", "!")) else Text(text, ".")
