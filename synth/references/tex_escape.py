r"""Writing plain text into a BibTeX value, so it reads back (through `synth.references.latex_text`) as itself.

TeX's special characters are escaped. Braces need more care: BibTeX counts every brace in a value, escaped
or not, so ``\}`` alone leaves the value unbalanced and the entry unreadable. Braces that pair up in the text
are written ``\{`` and ``\}``; a brace without a partner is written as a command, ``\textbraceleft{}`` or
``\textbraceright{}``, which holds no brace of its own. Every importer and every BibTeX synth writes uses this.
"""

from __future__ import annotations

import re

TEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "{": r"\{", "}": r"\}"}
UNPAIRED_BRACE = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
TEX_SPECIAL = re.compile(r"[\\&%$#_~^{}]")


def tex_escape(text: str) -> str:
    """Plain text as the inside of a braced BibTeX value that reads back as the same text, braces balanced."""
    unpaired = unpaired_braces(text)
    return TEX_SPECIAL.sub(lambda match: UNPAIRED_BRACE[match.group()] if match.start() in unpaired
                           else TEX_SPECIALS[match.group()], text)


def unpaired_braces(text: str) -> set[int]:
    """The offsets of the braces in ``text`` that no brace closes or opens."""
    opened: list[int] = []
    unpaired: set[int] = set()
    for offset, character in enumerate(text):
        if character == "{":
            opened.append(offset)
        elif character == "}":
            if opened:
                opened.pop()
            else:
                unpaired.add(offset)
    return unpaired | set(opened)
