r"""LaTeX in BibTeX field values, turned into plain Unicode text for reference lists.

Accents and symbols (``{\'e}``, ``\"o``, ``--``, ``\&``) are decoded by latexcodec, the codec pybtex's
``Text.from_latex`` uses. What latexcodec leaves behind is handled here, so no raw backslash reaches a page:
TeX logos and symbols become their text (``\TeX`` → TeX, ``\textquotedblleft`` → “, ``\psqq`` → ff.), font,
markup and language commands are dropped and keep their argument (``\acro{TUG}`` → TUG,
``{\french Le titre}`` → Le titre), sort-only commands vanish with their argument (``{\noopsort{1973b}}1973``
→ 1973), the argument of ``\url`` is kept as written (``~`` and ``%`` included), maths reads as text
(``$\langle 100 \rangle$`` → ⟨100⟩), and any other unknown command keeps its name as a word.
Protective braces are removed: the reference style never changes the case of a title, so pybtex's
`Protected` text has nothing to protect. The result is plain text, to be escaped by whoever renders it.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from functools import lru_cache

import latexcodec  # noqa: F401  (registers the "ulatex" codec)

from synth.references.tex_symbols import LOGOS, MARKUP, MATH_SYMBOLS, OPERATORS, TEXT_SYMBOLS

SORT_ONLY = re.compile(r"\\(?:noopsort|SortNoop|sortnoop|printfirst|hyphenation)\s*\{[^{}]*\}")
LANGUAGE_ARGUMENT = re.compile(r"\\(?:foreignlanguage|selectlanguage|otherlanguage|textlang|hyphenrules)\s*"
                               r"(?:\[[^\]]*\])?\s*\{[^{}]*\}")  # `\foreignlanguage{french}{Le titre}` → Le titre
VERBATIM = re.compile(r"\\(?:url|path)\s*\{([^{}]*)\}")  # `\url{http://a.b/~x%20}`: its argument is not TeX
VERBATIM_ESCAPE = re.compile(r"\\([_%&#$~])")
NTH = re.compile(r"\\nth\s*\{\s*(\d+)\s*\}")  # `\nth{4}` → 4th
DEGREE = re.compile(r"\^\s*\{?\\circ\}?\s*")  # `20^\circ` → 20°
HREF = re.compile(r"\\href\s*\{[^{}]*\}\s*")  # `\href{url}{text}` reads as its text; the address goes
BARE_DH = re.compile(r"\\d(?=\s*\})")  # `Ragnhei{\d}ur`: \d is an under-dot accent, and alone means ð
DOTLESS_I = re.compile(r"(\\[`'^\"~=.uvH])\s*\{\\i\}")  # `\"{\i}`, which latexcodec cannot decode
DIMENSION = re.compile(r"(\\(?:kern|raise|lower|hskip|vskip))\s*-?[\d.]+\s*(?:em|ex|pt|mm|cm|in|bp|sp)")
CONTROL_WORD = re.compile(r"\\([A-Za-z]+)( ?\ue004?)(\{\})?")
WORD_SPACE = "\ue004"  # a space the writer put after a command name, before a word: kept if the name is
SPACED_COMMAND = re.compile(r"(\\[A-Za-z]+)[ \t\n]+(?=[A-Za-z0-9(])")
TIGHT = re.compile(r"(?<=[⟨(\[]) | (?=[⟩)\]])")  # no space inside brackets: `\langle 100 \rangle` → ⟨100⟩
MATH_COMMAND = re.compile(r"\\([A-Za-z]+)[\s\ue004]*")
CONTROL_SYMBOL = re.compile(r"\\(.)", re.DOTALL)
TEX_WORD = re.compile(r"\\[A-Za-z]+")
MATH = re.compile(r"\$([^$]*)\$")
SINGLE_QUOTED = re.compile(r"`([^`']*)'")
SPECIAL = re.compile(r"[\\{}$~`'\"-]")
DECODED = re.compile(r"[\\$~%`\"]|--|''|,,")
"""What latexcodec (its table's keys without a backslash: ``--``, ``''``, ``,,``, ``~``, ``!` ``, ``$^2$``) or
the steps after it change; a value with none of it loses only its braces."""
ESCAPED = {"\\{": "\ue000", "\\}": "\ue001", "\\$": "\ue002", "\\%": "\ue003", "%": "\ue003"}
RESTORED = str.maketrans({"\ue000": "{", "\ue001": "}", "\ue002": "$", "\ue003": "%", "{": None, "}": None,
                          "\xad": None, WORD_SPACE: None})
VERBATIM_BASE = 0xE100  # set-aside `\url` arguments wait as private-use characters from here
VERBATIM_MARK = re.compile("[\ue100-\ue8ff]")
OWN_PLACEHOLDERS = re.compile("[\ue000-\ue8ff]")
SPACING_SYMBOLS = frozenset(", ;:!\\")
ACCENTS_AND_BREAKS = frozenset("'`^\"~=./-@")  # an accent latexcodec could not compose (\=P) is dropped


def has_text(value: str) -> bool:
    """Tell whether `latex_to_text` gives any text for ``value``, without decoding a value that plainly has some.

    Only a TeX command or math can take a letter or digit away: a command's own name, what a sort-only,
    language or link command drops, a dimension, the whole of math. A value with a letter or digit outside all
    of those has text (an accent may change the letter, never remove it).
    """
    if "\\" not in value and "$" not in value:
        plain = value
    else:
        plain = DIMENSION.sub("", LANGUAGE_ARGUMENT.sub("", SORT_ONLY.sub("", HREF.sub("", value))))
        plain = CONTROL_SYMBOL.sub("", TEX_WORD.sub("", MATH.sub("", plain)))
    if any(character.isalnum() for character in plain):
        return True
    return bool(latex_to_text(value))


@lru_cache(maxsize=16384)
def latex_to_text(value: str) -> str:
    """Return the plain Unicode text a BibTeX field value stands for, with whitespace collapsed."""
    if not SPECIAL.search(value):
        return " ".join(value.split())
    if not DECODED.search(value):
        return " ".join(OWN_PLACEHOLDERS.sub("\ufffd", value).translate(RESTORED).replace("{}", "").split())
    if not DECODED.search(value.replace("--", "")):  # Only dashes, as in most page ranges: as latexcodec reads them.
        value = value.replace("---", "\u2014").replace("--", "\u2013")
        return " ".join(OWN_PLACEHOLDERS.sub("\ufffd", value).translate(RESTORED).replace("{}", "").split())
    return decode_latex(value)


def decode_latex(value: str) -> str:
    """`latex_to_text` of a value that may hold TeX: every step, latexcodec's decoding included."""
    # The private-use characters this function uses as placeholders mean nothing in a field; shown as U+FFFD,
    # one in the input can never be taken for a placeholder.
    value = OWN_PLACEHOLDERS.sub("\ufffd", value)
    verbatim: list[str] = []
    value = VERBATIM.sub(lambda match: _set_aside(match.group(1), verbatim), value)
    value = LANGUAGE_ARGUMENT.sub("", SORT_ONLY.sub("", HREF.sub("", value)))
    value = DIMENSION.sub("", BARE_DH.sub(r"\\dh", NTH.sub(lambda match: _ordinal(match.group(1)), value)))
    value = DOTLESS_I.sub(r"\1{i}", value)
    for escaped, placeholder in ESCAPED.items():
        value = value.replace(escaped, placeholder)
    value = SPACED_COMMAND.sub(lambda match: match.group(1) + WORD_SPACE, value)
    with contextlib.suppress(ValueError, UnicodeError):  # if latexcodec refuses, the steps below still run
        value = codecs.decode(value, "ulatex")  # type: ignore[call-overload]  # typeshed knows no str→str codec
    value = MATH.sub(lambda math: _math(math.group(1)), value).replace("$", "")
    value = SINGLE_QUOTED.sub("‘\\1’", value)
    value = CONTROL_WORD.sub(_control_word, value.replace("\\\\", " "))
    value = CONTROL_SYMBOL.sub(_control_symbol, value)
    text = " ".join(value.translate(RESTORED).replace("{}", "").split())
    return VERBATIM_MARK.sub(lambda mark: verbatim[ord(mark.group()) - VERBATIM_BASE], text)


def _set_aside(argument: str, verbatim: list[str]) -> str:
    r"""Keep a ``\url`` argument out of TeX decoding (``~`` and ``%`` are characters of the address there)."""
    verbatim.append(VERBATIM_ESCAPE.sub(r"\1", argument).strip())
    return chr(VERBATIM_BASE + len(verbatim) - 1)


def _ordinal(number: str) -> str:
    """``4`` → ``4th``."""
    n = int(number)
    return number + ("th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th"))


def _math(formula: str) -> str:
    r"""Maths as close as plain text gets: ``$^{3}$He`` → 3He, ``$20^\circ$`` → 20°, ``\log n`` → log n."""
    formula = DEGREE.sub("°", formula)
    formula = MATH_COMMAND.sub(lambda match: _math_command(match.group(1), match.string, match.end()), formula)
    return TIGHT.sub("", " ".join(re.sub(r"[\^_]", "", formula).split()))


def _math_command(name: str, formula: str, end: int) -> str:
    """A maths symbol as its character, an operator as its name; anything else is left for `_control_word`."""
    if name in MATH_SYMBOLS:
        return MATH_SYMBOLS[name]
    if name in OPERATORS:
        return name + (" " if formula[end : end + 1].isalnum() or formula[end : end + 1] == "\\" else "")
    return f"\\{name} " if formula[end : end + 1].isalnum() else f"\\{name}"


def _control_word(match: re.Match[str]) -> str:
    r"""Replace a command latexcodec left: a logo or symbol by its text, markup or a switch by nothing.

    A command with an argument goes and its argument stays. A lower-case command opening a group
    (``{\slnine GUT}enberg``, ``{\french Le titre}``) is a font or language switch and goes. Any other
    command keeps its name, as a word: the space after it is kept when a word follows (``\tubissue 11``).
    """
    name, space, empty = match.group(1), match.group(2), match.group(3)
    rest = match.string[match.end():]
    opens_group = match.start() > 0 and match.string[match.start() - 1] == "{"
    if name in TEXT_SYMBOLS or name in MATH_SYMBOLS:
        return TEXT_SYMBOLS.get(name) or MATH_SYMBOLS[name]
    if name in LOGOS:
        text = LOGOS[name]
    elif name in MARKUP or (empty is None and rest.startswith("{")) or _is_switch(name, space, opens_group):
        return ""
    else:
        text = name
    return text + (" " if WORD_SPACE in space and empty is None and text[-1:].isalnum() else "")


def _is_switch(name: str, space: str, opens_group: bool) -> bool:
    """Tell whether a command is a font or language switch: lower case, opening a group, a word after it."""
    return opens_group and name.islower() and WORD_SPACE in space


def _control_symbol(match: re.Match[str]) -> str:
    """Replace an escaped character by itself, a spacing command by a space, an accent or break by nothing."""
    symbol = match.group(1)
    if symbol in SPACING_SYMBOLS or symbol.isspace():
        return " "
    return "" if symbol in ACCENTS_AND_BREAKS else symbol
