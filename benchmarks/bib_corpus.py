"""A bibliography of real BibTeX for the benchmark, drawn from the real-world files in `../shared/corpora/bib/`.

Entries are copied as written (LaTeX accents and macros, ``@string`` abbreviations, ``crossref`` children
and their parents, corporate authors, non-BibTeX types), so reading and formatting them costs what real
files cost. When more entries are wanted than the files hold, further copies are written with the keys
renamed (``key-c2``) and the ``crossref`` fields renamed with them. Entries synth itself cannot keep (a key
that differs from another only in letter case, a broken entry) are left out, so the generated project
checks without errors.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass
from pathlib import Path

from synth.references.bibliography import load_bibliography

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "bib"
ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(]", re.MULTILINE)
CROSSREF = re.compile(r"(crossref\s*=\s*[{\"])([^}\"]+)([}\"])", re.IGNORECASE)
SIMPLE_KEY = re.compile(r"^[A-Za-z][\w:-]*[A-Za-z0-9]$")
"""Keys a paper can cite as ``[@key]`` without escaping."""


@dataclass(frozen=True)
class Piece:
    """One command of a corpus file as written: an entry (with its key) or an ``@string``/``@preamble``."""

    corpus: str
    order: int
    text: str
    key: str | None = None
    parent: str | None = None
    """The ``crossref`` target of an entry, as written."""


def read_corpus(path: Path) -> tuple[list[Piece], list[Piece]]:
    """The macros (``@string``, ``@preamble``) and the entries synth keeps, of one corpus file, in order."""
    text = path.read_text(encoding="utf-8", errors="replace")
    kept = set(load_bibliography([path])[0].locations)
    starts = [m.start() for m in ENTRY_START.finditer(text)] + [len(text)]
    macros, entries = [], []
    for order, (begin, end) in enumerate(itertools.pairwise(starts)):
        piece = text[begin:end]
        kind = ENTRY_START.match(piece, 0)
        name = kind.group(1).lower() if kind else ""
        if name in ("string", "preamble"):
            macros.append(Piece(path.stem, order, piece))
        elif name != "comment":
            key = piece[piece.index(kind.group(0)[-1]) + 1:].split(",", 1)[0].strip() if kind else ""
            if key in kept:
                parent = CROSSREF.search(piece)
                entries.append(Piece(path.stem, order, piece, key, parent.group(2).strip() if parent else None))
    keys = {e.key.lower() for e in entries if e.key}
    return macros, [e for e in entries if e.parent is None or e.parent.lower() in keys]


def renamed(piece: Piece, copy: int) -> str:
    """The entry's text with its key (and its ``crossref``) renamed for the given copy (0 = as written)."""
    if copy == 0 or piece.key is None:
        return piece.text
    head = ENTRY_START.match(piece.text)
    assert head is not None
    at = head.end()
    text = piece.text[:at] + piece.text[at:].replace(piece.key, f"{piece.key}-c{copy + 1}", 1)
    return CROSSREF.sub(lambda m: f"{m.group(1)}{m.group(2).strip()}-c{copy + 1}{m.group(3)}", text)


def write_bibliography(folder: Path, wanted: int, seed: int) -> list[str]:
    """Write about ``wanted`` entries as `.bib` files in ``folder``; return their keys, the studies' ones first.

    The corpora are mixed in a seeded random order; an entry's ``crossref`` parent always comes with it.
    """
    rng = random.Random(seed)
    corpora = {path.stem: read_corpus(path) for path in sorted(CORPORA.glob("*.bib"))}
    seen: set[str] = set()
    pool: list[Piece] = []
    for _, entries in corpora.values():
        for entry in entries:
            if entry.key and entry.key.lower() not in seen:
                seen.add(entry.key.lower())
                pool.append(entry)
    by_key = {(e.corpus, e.key.lower()): e for e in pool if e.key}
    rng.shuffle(pool)
    chosen: dict[tuple[str, int], dict[int, Piece]] = {}
    count = 0
    for copy in range(wanted // max(1, len(pool)) + 1):
        for entry in pool:
            if count >= wanted:
                break
            family = [entry] + ([by_key[(entry.corpus, entry.parent.lower())]]
                                if entry.parent and (entry.corpus, entry.parent.lower()) in by_key else [])
            for member in family:
                slot = chosen.setdefault((member.corpus, copy), {})
                if member.order not in slot:
                    slot[member.order] = member
                    count += 1
    folder.mkdir(parents=True, exist_ok=True)
    keys: list[str] = []
    for (corpus, copy), members in sorted(chosen.items()):
        macros = corpora[corpus][0] if copy == 0 else []
        pieces = sorted([*macros, *members.values()], key=lambda p: p.order)
        (folder / f"{corpus}-{copy + 1:02d}.bib").write_text(
            "".join(renamed(p, copy) for p in pieces), encoding="utf-8")
        keys += [f"{p.key}-c{copy + 1}" if copy else p.key for p in members.values() if p.key]
    rng.shuffle(keys)
    return keys
