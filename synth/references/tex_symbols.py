r"""Stage 4, render (references): the TeX commands latexcodec leaves, and the text each stands for.

Read by `synth.references.latex_text`. Found in real libraries: TeX logos (``\TeX``, ``\MF``), text
symbols of the ``\text…`` family, biblatex's ``\psqq`` and ``\hyphen``, maths symbols, language and font
switches (``{\french Le titre}``, ``{\slnine GUT}``), and commands whose argument is metadata only.
"""

from __future__ import annotations

from collections.abc import Mapping

LOGOS: Mapping[str, str] = {
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "BibTeX": "BibTeX", "AmSTeX": "AMS-TeX",
    "AMSTeX": "AMS-TeX", "AmS": "AMS", "AMS": "AMS", "MF": "METAFONT", "MP": "MetaPost", "ConTeXt": "ConTeXt",
    "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "pdfTeX": "pdfTeX", "eTeX": "e-TeX",
    "AllTeX": "(La)TeX", "PiCTeX": "PiCTeX", "SliTeX": "SliTeX", "TUB": "TUGboat",
    "textbraceleft": "\ue000", "textbraceright": "\ue001",  # braces: the placeholders RESTORED turns back
}
"""TeX logos and the names they print."""

TEXT_SYMBOLS: Mapping[str, str] = {
    "Dash": "—", "dash": "—", "bs": "\\", "dots": "…", "ldots": "…", "textellipsis": "…", "textless": "<",
    "textgreater": ">", "textbar": "|", "textmu": "µ", "slash": "/", "textasciitilde": "~",
    "textasciicircum": "^", "textunderscore": "_", "textbackslash": "\\", "textquotedblleft": "“",
    "textquotedblright": "”", "textquoteleft": "‘", "textquoteright": "’", "textquotesingle": "'",
    "quotedblbase": "„", "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«",
    "guillemetright": "»", "guilsinglleft": "‹", "guilsinglright": "›", "textendash": "–", "textemdash": "—",
    "textregistered": "®", "texttrademark": "™", "textcopyright": "©", "textdegree": "°", "textsection": "§",
    "textparagraph": "¶", "textbullet": "•", "textperiodcentered": "·", "textdagger": "†",
    "textdaggerdbl": "‡", "dag": "†", "ddag": "‡", "texteuro": "€", "euro": "€", "textdollar": "$",
    "pounds": "£", "textsterling": "£", "hyphen": "-", "psq": " f.", "psqq": " ff.", "thinspace": " ",
    "enspace": " ", "enskip": " ", "quad": " ", "qquad": " ", "space": " ", "hfil": " ", "hfill": " ",
    "newline": " ", "par": " ", "linebreak": " ",
}
"""Text symbols and spaces latexcodec does not decode."""

MATH_SYMBOLS: Mapping[str, str] = {
    "geq": "≥", "leq": "≤", "ge": "≥", "le": "≤", "neq": "≠", "approx": "≈", "sim": "∼", "pm": "±",
    "times": "×", "cdot": "·", "circ": "∘", "infty": "∞", "partial": "∂", "nabla": "∇", "langle": "⟨",
    "rangle": "⟩", "rightarrow": "→", "leftarrow": "←", "to": "→", "hookrightarrow": "↪", "Rightarrow": "⇒",
    "aleph": "ℵ", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "varepsilon": "ε", "vartheta": "ϑ",
    "varphi": "φ", "varrho": "ϱ", "varsigma": "ς", "varpi": "ϖ", "sqrt": "√", "sum": "∑", "prod": "∏",
    "int": "∫",
}
"""Maths symbols latexcodec does not decode."""

OPERATORS = frozenset({"log", "ln", "exp", "sin", "cos", "tan", "max", "min", "lim", "det", "dim", "sup", "inf"})
"""Maths operators, written as their names with a space after."""

MARKUP = frozenset({
    "tt", "it", "bf", "sl", "sf", "rm", "sc", "em", "smc", "ssf", "small", "large", "Large", "normalfont",
    "emph", "textbf", "textit", "texttt", "textsf", "textsc", "textrm", "textsl", "textup", "textmd",
    "textnormal", "mbox", "hbox", "text", "mathrm", "mathit", "mathbf", "mathsf", "mathtt", "ensuremath",
    "relax", "protect", "nocorr", "url", "path", "acro", "cite", "underline", "kern", "raise", "llap", "rlap",
    "phantom", "vphantom", "hphantom", "strut", "tiny", "scriptsize", "footnotesize", "normalsize", "LARGE",
    "huge", "Huge", "upshape", "itshape", "slshape", "scshape", "bfseries", "mdseries", "rmfamily", "sffamily",
    "ttfamily", "mkbibquote", "mkbibemph", "mkbibitalic", "mkbibbold", "textsubscript", "textsuperscript",
    "bibstring", "smash", "nopp", "noindent", "unskip", "ignorespaces",
    "french", "german", "ngerman", "english", "british", "american", "spanish", "italian", "dutch",
    "portuguese", "russian", "greek", "latin", "swedish", "danish", "norsk", "polish", "czech",
})
"""Font, markup and language commands and switches: dropped, their argument (if any) stays."""
