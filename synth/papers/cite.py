"""Papers, stage 4 (citing a paper): the author line, dates, and the paper's own reference as text, BibTeX and RIS.

A reader who wants to cite a paper gets it three ways: an author-year reference in the knowledge base's own
style, a BibTeX entry and an RIS record, all built from the front matter alone. BibTeX text is escaped for
LaTeX, and RIS values are kept to one line each, so a title with a ``%`` or a line break cannot break either.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from html import escape

from synth.papers.model import Author, Paper
from synth.references import layout
from synth.references.names import NameParts, sort_order
from synth.references.tex_escape import tex_escape

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def author_line(authors: Sequence[Author]) -> str:
    """``A. Person, B. Person and Group``: the names as the title block prints them."""
    names = [author.display_name for author in authors]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def affiliation_line(authors: Sequence[Author]) -> str:
    """Each distinct affiliation once, in order, separated by semicolons; empty when none is given."""
    return "; ".join(dict.fromkeys(a.affiliation for a in authors if a.affiliation))


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
"""English month names, fixed: `%B` would follow the process's locale."""


def long_date(date: datetime.date) -> str:
    """``20 November 2026``."""
    return f"{date.day} {MONTH_NAMES[date.month - 1]} {date.year}"


def harvard_names(authors: Sequence[Author]) -> str:
    """``Family, G. and Group``: the names as the knowledge base's reference style writes them."""
    names = [_harvard(author) for author in authors]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _harvard(author: Author) -> str:
    """One author as the reference style writes names: a person family first with initials, a group whole."""
    family, comma, given = author.name.partition(",")
    parts = NameParts(family.strip(), given.strip()) if comma else NameParts(author.name, corporate=True)
    return sort_order(parts)


def plain_reference(paper: Paper, kb_version: str | None = None) -> str:
    """The paper's reference in the knowledge base's style: ``Family, G. (2026) ‘Title’. Paper for …. Version …``.

    The version note ends with the knowledge base's version (``; knowledge base v0.2.0 (2026-03-01)``) when given.
    """
    meta = paper.meta
    item = {"type": "document", "title": meta.title, "author": [_csl_name(author) for author in meta.authors]}
    if meta.event:
        item["publisher"] = f"Paper {meta.event.phrase}"
    return str(layout.reference(item, str(meta.date.year), note=version_note(paper, kb_version)))


def version_note(paper: Paper, kb_version: str | None = None) -> str:
    """``Version 0.1, draft``, then ``; knowledge base v0.2.0 (2026-03-01)`` when the version is given."""
    note = f"Version {paper.meta.version}, {paper.meta.status}"
    return f"{note}; knowledge base {kb_version}" if kb_version else note


def _csl_name(author: Author) -> dict[str, str]:
    """An author as a CSL name: ``Family, Given`` split, a group's name whole."""
    family, comma, given = author.name.partition(",")
    return {"family": family.strip(), "given": given.strip()} if comma else {"literal": author.name}


def bibtex_key(paper: Paper) -> str:
    """``concepts2026``: the paper's slug without hyphens, then its year."""
    return f"{paper.slug.replace('-', '')}{paper.meta.date.year}"


def bibtex(paper: Paper, url: str | None = None, kb_version: str | None = None) -> str:
    """The paper as a BibTeX ``@misc`` entry; people as ``Family, Given``, groups braced whole."""
    meta = paper.meta
    authors = " and ".join(_latex(a.name) if "," in a.name else f"{{{_latex(a.name)}}}" for a in meta.authors)
    fields = [
        ("author", authors),
        ("title", f"{{{_latex(meta.title)}}}"),
        ("year", str(meta.date.year)),
        *([("howpublished", f"Paper {_latex(meta.event.phrase)}")] if meta.event else []),
        ("note", _latex(version_note(paper, kb_version))),
        *([("url", url)] if url else []),
    ]
    lines = [f"  {name:<12} = {{{value}}}," for name, value in fields]
    lines.insert(3, f"  {'month':<12} = {MONTHS[meta.date.month - 1]},")
    return "\n".join([f"@misc{{{bibtex_key(paper)},", *lines, "}"])


def _latex(value: str) -> str:
    """``value`` on one line with LaTeX's special characters escaped and its braces balanced, as imports write."""
    return tex_escape(" ".join(value.split()))


def ris(paper: Paper, url: str | None = None, kb_version: str | None = None) -> str:
    """The paper as an RIS record: ``UNPB`` while a draft, ``RPRT`` once published."""
    meta = paper.meta
    tags = [
        ("TY", "UNPB" if paper.is_draft else "RPRT"),
        *(("AU", author.name) for author in meta.authors),
        ("TI", meta.title),
        ("PY", str(meta.date.year)),
        ("DA", f"{meta.date:%Y/%m/%d}/"),
        ("ET", meta.version),
        *([("T2", meta.event.name)] if meta.event else []),
        ("AB", meta.abstract),
        ("N1", version_note(paper, kb_version)),
        *([("UR", url)] if url else []),
    ]
    return "\n".join([*(f"{tag}  - {' '.join(value.split())}" for tag, value in tags), "ER  - "])


def cite_box(paper: Paper, url: str | None = None, kb_version: str | None = None) -> str:
    """The "cite this paper" box of the site page: the reference, then BibTeX and RIS to copy, all escaped.

    Each names the knowledge base's version when ``kb_version`` is given.
    """
    return "\n".join([
        '<div class="paper-cite">',
        f"<p>{_html(plain_reference(paper, kb_version))}</p>",
        "<p><strong>BibTeX</strong></p>",
        f'<pre class="paper-bibtex"><code>{_html(bibtex(paper, url, kb_version))}</code></pre>',
        "<p><strong>RIS</strong></p>",
        f'<pre class="paper-ris"><code>{_html(ris(paper, url, kb_version))}</code></pre>',
        "</div>",
    ])


def _html(value: str) -> str:
    """Text for HTML, with ``@`` as a character reference so no citation extension reads it."""
    return escape(value).replace("@", "&#64;")
