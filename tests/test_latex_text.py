"""TeX in BibTeX fields becomes the plain text it stands for."""

from __future__ import annotations

import pytest

from synth.references.latex_text import latex_to_text


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"Caf{\'e} na{\"\i}ve", "Café naïve"),
        (r"{{NASA}} and {UK}", "NASA and UK"),
        (r"Ragnhei{\d}ur", "Ragnheiður"),
        (r"\emph{Big} \textbf{Society}", "Big Society"),
        (r"50\% of \$5 \& more", "50% of $5 & more"),
        (r"See \href{javascript:alert(5)}{click here} now", "See click here now"),
        (r"\href{https://example.org/a_b}{The {NASA} site}", "The NASA site"),
        (r"The \TeX{}book", "The TeXbook"),
    ],
)
def test_tex_becomes_plain_text(tex: str, text: str) -> None:
    """Accents, protective braces, markup, escapes, links and logos read as a person would read them."""
    assert latex_to_text(tex) == text


@pytest.mark.parametrize(("tex", "text"), [
    (r"a\,b", "a b"), (r"a\ b", "a b"), (r"a\;b", "a b"), (r"50\%", "50%"), (r"A\&B", "A&B"), (r"\#1", "#1"),
    (r"hy\-phen", "hyphen"), (r"x\@y", "xy"),
])
def test_control_symbols_become_a_space_themselves_or_nothing(tex: str, text: str) -> None:
    """Spacing commands read as a space, escaped characters as themselves, breaks and spacing hints as nothing."""
    assert latex_to_text(tex) == text
