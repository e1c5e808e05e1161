r"""LaTeX in BibTeX field values, turned into plain Unicode text for reference lists.

Accents and symbols (``{\'e}``, ``\"o``, ``--``, ``\&``) are decoded by latexcodec, the codec pybtex's
``Text.from_latex`` uses. What latexcodec leaves behind is handled here, so no raw backslash reaches a page:
TeX logos and a few symbols become their text (``\TeX`` → TeX), font and markup commands are dropped and
keep their argument (``\acro{TUG}`` → TUG), sort-only commands vanish with their argument
(``{\noopsort{1973b}}1973`` → 1973), and any other unknown command keeps its name without the backslash.
Protective braces are removed: the reference style never changes the case of a title, so pybtex's
`Protected` text has nothing to protect. The result is plain text, to be escaped by whoever renders it.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from collections.abc import Mapping
from functools import lru_cache

import latexcodec  # noqa: F401  (registers the "ulatex" codec)

LOGOS: Mapping[str, str] = {
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "AmSTeX": "AMS-TeX",
    "AMSTeX": "AMS-TeX", "AmS": "AMS", "AMS": "AMS", "MF": "METAFONT", "MP": "MetaPost", "ConTeXt": "ConTeXt",
    "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "pdfTeX": "pdfTeX", "eTeX": "e-TeX",
    "AllTeX": "(La)TeX", "PiCTeX": "PiCTeX", "SliTeX": "SliTeX", "TUB": "TUGboat", "Dash": "—", "dash": "—",
    "bs": "\\", "dots": "…", "textless": "<", "textgreater": ">", "textbar": "|", "textmu": "µ", "geq": "≥",
    "leq": "≤", "pm": "±", "times": "×", "slash": "/", "textasciitilde": "~", "thinspace": " ", "quad": " ",
    "qquad": " ", "newline": " ", "par": " ",
    "textbraceleft": "\ue000", "textbraceright": "\ue001",  # braces: the placeholders RESTORED turns back
}
"""Commands latexcodec does not know, and the text they stand for."""

MARKUP = frozenset({
    "tt", "it", "bf", "sl", "sf", "rm", "sc", "em", "smc", "ssf", "small", "large", "Large", "normalfont",
    "emph", "textbf", "textit", "texttt", "textsf", "textsc", "textrm", "textsl", "textup", "textmd",
    "textnormal", "mbox", "hbox", "text", "mathrm", "mathit", "mathbf", "mathsf", "mathtt", "ensuremath",
    "relax", "protect", "nocorr", "url", "path", "acro", "cite", "underline", "kern", "raise", "llap", "rlap",
    "phantom", "vphantom", "hphantom", "strut",
})
"""Font and markup commands: dropped, their argument (if any) stays."""

SORT_ONLY = re.compile(r"\\(?:noopsort|SortNoop|sortnoop|printfirst|hyphenation)\s*\{[^{}]*\}")
HREF = re.compile(r"\\href\s*\{[^{}]*\}\s*")  # `\href{url}{text}` reads as its text; the address goes
BARE_DH = re.compile(r"\\d(?=\s*\})")  # `Ragnhei{\d}ur`: \d is an under-dot accent, and alone means ð
DOTLESS_I = re.compile(r"(\\[`'^\"~=.uvH])\s*\{\\i\}")  # `\"{\i}`, which latexcodec cannot decode
DIMENSION = re.compile(r"(\\(?:kern|raise|lower|hskip|vskip))\s*-?[\d.]+\s*(?:em|ex|pt|mm|cm|in|bp|sp)")
CONTROL_WORD = re.compile(r"\\([A-Za-z]+) ?(\{\})?")
CONTROL_SYMBOL = re.compile(r"\\(.)", re.DOTALL)
MATH = re.compile(r"\$([^$]*)\$")  # spaces and ^ _ go: `$^{3}$He` → 3He, as close as plain text gets
SINGLE_QUOTED = re.compile(r"`([^`']*)'")
SPECIAL = re.compile(r"[\\{}$~`'\"-]")
ESCAPED = {"\\{": "\ue000", "\\}": "\ue001", "\\$": "\ue002"}
RESTORED = str.maketrans({"\ue000": "{", "\ue001": "}", "\ue002": "$", "{": None, "}": None, "\xad": None})
SPACING_SYMBOLS = frozenset(", ;:!\\")
ACCENTS_AND_BREAKS = frozenset("'`^\"~=./-@")  # an accent latexcodec could not compose (\=P) is dropped


@lru_cache(maxsize=16384)
def latex_to_text(value: str) -> str:
    """Return the plain Unicode text a BibTeX field value stands for, with whitespace collapsed."""
    if not SPECIAL.search(value):
        return " ".join(value.split())
    value = DIMENSION.sub("", BARE_DH.sub(r"\\dh", SORT_ONLY.sub("", HREF.sub("", value))))
    value = DOTLESS_I.sub(r"\1{i}", value)
    for escaped, placeholder in ESCAPED.items():
        value = value.replace(escaped, placeholder)
    with contextlib.suppress(ValueError, UnicodeError):  # if latexcodec refuses, the steps below still run
        value = codecs.decode(value, "ulatex")  # type: ignore[call-overload]  # typeshed knows no str→str codec
    value = MATH.sub(lambda math: re.sub(r"[\^_\s]", "", math.group(1)), value).replace("$", "")
    value = SINGLE_QUOTED.sub("‘\\1’", value)
    value = CONTROL_WORD.sub(_control_word, value.replace("\\\\", " "))
    value = CONTROL_SYMBOL.sub(_control_symbol, value)
    return " ".join(value.translate(RESTORED).replace("{}", "").split())


def _control_word(match: re.Match[str]) -> str:
    """Replace a command latexcodec left: a logo by its text, markup or a command with an argument by nothing."""
    name = match.group(1)
    if name in LOGOS:
        return LOGOS[name]
    followed_by_argument = match.group(2) is None and match.string.startswith("{", match.end())
    if name in MARKUP or followed_by_argument:
        return ""
    return name


def _control_symbol(match: re.Match[str]) -> str:
    """Replace an escaped character by itself, a spacing command by a space, an accent or break by nothing."""
    symbol = match.group(1)
    if symbol in SPACING_SYMBOLS or symbol.isspace():
        return " "
    return "" if symbol in ACCENTS_AND_BREAKS else symbol
