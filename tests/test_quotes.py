"""Quotation check: verbatim up to white space, quote marks and dashes; nothing else forgiven."""

from __future__ import annotations

import pytest

from synth.records.quotes import closest_passage, normalise

SOURCE = normalise("It was more important that the Neighbourhood Manager was \u2018perceived\u2019 to act\n"
                   "independently \u2013 and represent community interests.")


@pytest.mark.parametrize(
    "quote",
    [
        "It was more important that the Neighbourhood Manager",
        "was 'perceived' to act independently",
        "was \u201cperceived\u201d".replace("\u201c", "\u2018").replace("\u201d", "\u2019"),
        "act   independently - and represent",
        "act independently\u2014and represent",
        "independently \u2013\nand   represent community interests.",
    ],
)
def test_forgiven_differences(quote: str) -> None:
    """White space, line breaks, curly or straight quotes and any dash match the source."""
    assert normalise(quote) in SOURCE


@pytest.mark.parametrize(
    "quote",
    [
        "It was most important that the Neighbourhood Manager",  # a changed word
        "It was important that the Neighbourhood Manager",  # a dropped word
        "it was more important that the neighbourhood manager",  # changed capitals
        "the Neighbourhood Manager ... represent community interests",  # an ellipsis joining passages
    ],
)
def test_real_differences_are_not_forgiven(quote: str) -> None:
    """Changed, dropped or recapitalised words and ellipses do not match."""
    assert normalise(quote) not in SOURCE


def test_closest_passage_shows_what_the_source_says() -> None:
    """A tampered quotation's hint is the passage it was taken from."""
    quote = normalise("It was essential that the Neighbourhood Manager was perceived to act independently")
    assert closest_passage(quote, SOURCE) == (
        "It was more important that the Neighbourhood Manager was 'perceived' to act independently-and")
