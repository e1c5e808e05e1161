"""The stylesheet: confidence colours are readable (WCAG AA) in both colour schemes."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from synth.records.schema import RATINGS

CSS = (resources.files("synth.site") / "assets" / "synth.css").read_text(encoding="utf-8")


def scheme_colours(selector: str) -> dict[str, str]:
    """The `--synth-*` custom properties declared in the rule for ``selector``."""
    block = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert block is not None, selector
    return dict(re.findall(r"--synth-([a-z-]+):\s*(#[0-9a-f]{6});", block.group(1)))


def luminance(colour: str) -> float:
    """Relative luminance of an sRGB colour written as #rrggbb (WCAG 2)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("selector", ['[data-md-color-scheme="default"]', '[data-md-color-scheme="slate"]'])
@pytest.mark.parametrize("rating", RATINGS)
def test_confidence_colours_meet_aa_contrast(selector: str, rating: str) -> None:
    """Each rating's text on its background has a contrast of at least 4.5:1."""
    colours = scheme_colours(selector)
    assert contrast(colours[f"{rating}-fg"], colours[f"{rating}-bg"]) >= 4.5


def test_every_rating_has_a_badge_and_a_matrix_style() -> None:
    """Each rating has its badge and matrix cell colours, so none falls back to unstyled text."""
    for rating in RATINGS:
        assert f".synth-confidence--{rating} {{" in CSS
        assert f".synth-matrix__cell--{rating} {{" in CSS
