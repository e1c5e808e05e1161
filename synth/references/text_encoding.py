"""Stage 1, load (bibliography): finding the encoding of a `.bib` file, so no character arrives as another.

Reference managers write UTF-8, UTF-16 (EndNote and some Windows tools, with a byte-order mark or without)
or an older Windows code page. The file is read as UTF-8 or UTF-16/32 when its byte-order mark or its
pattern of zero bytes says so; a file that is not valid UTF-8 is read as Windows-1252 (whose curly quotes
Latin-1 would turn into control characters such as U+0092), with a `bib.encoding` warning at the first byte
that is not UTF-8. A file that is none of these is refused with its location, and so, for an import, is one
that holds control characters once read. `synth check` and `synth import bibtex` both read `.bib` files so.
"""

from __future__ import annotations

import re

from synth.errors import Diagnostic, Location

BYTE_ORDER_MARKS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def decode_bib(raw: bytes, display: str, *, refuse_control: bool = False) -> tuple[str | None, list[Diagnostic]]:
    """The text of a `.bib` file and any warning about its encoding; None and a located error when refused.

    With ``refuse_control``, a file holding control characters is refused too.
    """
    encoding = _declared(raw)
    problems: list[Diagnostic] = []
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding != "utf-8":
            return None, [_refused(raw, error.start, f"not {encoding.upper()} text, as its start says", display)]
        problems.append(Diagnostic("bib.encoding", f"the file is not UTF-8 (byte 0x{raw[error.start]:02x}); it is "
                                   "read as Windows-1252", _where(raw, error.start, display), None,
                                   "check the accented letters and quotation marks it imported; save it as UTF-8",
                                   "warning"))
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as fallback:
            return None, [_refused(raw, fallback.start, "neither UTF-8 nor Windows-1252 text", display)]
    control = CONTROL.search(text) if refuse_control else None
    if control:
        return None, [Diagnostic("bib.encoding", f"the file holds the control character U+{ord(control.group()):04X}"
                                 " once read; it was not read", _text_location(text, control.start(), display),
                                 None, "save the file as UTF-8 from the program that made it")]
    return text, problems


def _declared(raw: bytes) -> str:
    """The encoding a byte-order mark names, or UTF-16 when most of every other byte of the start is zero."""
    for mark, name in BYTE_ORDER_MARKS:
        if raw.startswith(mark):
            return name
    start = raw[:400]
    even, odd = start[0::2], start[1::2]
    if len(start) >= 4 and odd.count(0) > len(odd) / 2 and even.count(0) == 0:
        return "utf-16-le"
    if len(start) >= 4 and even.count(0) > len(even) / 2 and odd.count(0) == 0:
        return "utf-16-be"
    return "utf-8"


def _refused(raw: bytes, offset: int, what: str, display: str) -> Diagnostic:
    return Diagnostic("bib.encoding", f"the file is {what} (byte 0x{raw[offset]:02x}); it was not read",
                      _where(raw, offset, display), None, "save the file as UTF-8")


def _where(raw: bytes, offset: int, display: str) -> Location:
    """The line and column of byte ``offset``."""
    return Location(display, raw.count(b"\n", 0, offset) + 1, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1)


def _text_location(text: str, offset: int, display: str) -> Location:
    return Location(display, text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1)
