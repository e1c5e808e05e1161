r"""Stage 4, render (citations): author-year citations in hand-written Markdown, as a Python-Markdown extension.

Pages written by hand (papers, guides) cite references the way Pandoc does:

| Markdown | rendered |
| --- | --- |
| ``[@alexander2021]`` | (Alexander, 2021) |
| ``[@alexander2021, p. 12]`` | (Alexander, 2021, p. 12) |
| ``[see @alexander2021; @turley2012]`` | (see Alexander, 2021; Turley, 2012) |
| ``[-@alexander2021]`` | (2021) |
| ``@alexander2021 argues`` | Alexander (2021) argues |

Each author-year links to the reference's anchor. Citations are inline patterns, so code spans and code
blocks are never touched, and the extension works wherever Python-Markdown extensions run.

**Keys.** A bare key starts with a letter, a digit or ``_`` and goes on with letters, digits, ``_`` and the
punctuation ``: . / ' & - + ? # $ % ~`` as long as a letter, digit or ``_`` follows it. So a full stop or comma
after a key in running text is punctuation (``@turley2012.`` cites ``turley2012``), while ``O'Hara_1999``,
``ministry&local2019`` and ``st.jean2007`` are whole keys. Any other key BibTeX allows (one ending in
punctuation, or holding ``(`` or ``*``) is written in braces: ``@{key}``; braces take any characters but
white space, ``, ; { } [ ]``. The braces also end a key before a possessive: ``@{turley2012}'s``.

**Where.** In running text ``@`` starts a citation only at the start of a text or after white space or one of
``( [ { " ' “ ‘ « — – * _ > |``: so ``someone@example.org`` and URLs are not citations. ``\@`` is a literal
``@``. An unknown key is shown in the page as ``@key?`` in a ``citation-unknown`` span and reported.

**Lines.** Python-Markdown keeps no source lines, so a preprocessor first finds every citation outside code
with `find_citations` (the same rules, on the raw text) and each key's lines are handed out, in document
order, to that key's rendered occurrences. Lines count from the first line of the text given to Markdown.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from synth.citations.extension import CitationExtension, CitationResolver
    from synth.citations.scan import code_line_numbers, find_citations
    from synth.citations.syntax import CiteItem

_HOMES = {"CitationExtension": "extension", "CitationResolver": "extension", "CiteItem": "syntax",
          "code_line_numbers": "scan", "find_citations": "scan"}
"""The module each name comes from: imported on first use, so a check that only scans for citations does not
import the Markdown extension."""

__all__ = ["CitationExtension", "CitationResolver", "CiteItem", "code_line_numbers", "find_citations", "makeExtension"]


def __getattr__(name: str) -> Any:
    """A public name of the package, imported from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"synth.citations.{_HOMES[name]}"), name)

def makeExtension(**kwargs: str) -> CitationExtension:  # the name Python-Markdown looks for
    """The extension loaded by name (``synth.citations``) with the bibliography found from ``project``.

    Imported here, when an engine asks for it, because the project's references come from the whole check,
    a later stage than this one.
    """
    from synth.site.standalone import make_extension

    return make_extension(**kwargs)
