"""P3: synth's reference formatting against pybtex's `plain` style, on the same real BibTeX entries.

Both format every entry of one bibliography read once by synth's loader (the same pybtex database), one
entry at a time with the database at hand, so ``crossref`` children resolve; an entry pybtex cannot format
(a missing field, a type it does not know) is counted, not retried.
"""

from __future__ import annotations

import time
from pathlib import Path

from bib_corpus import write_bibliography

from synth.references.bibliography import load_bibliography
from synth.references.style import ReferenceFormatter


def format_both(folder: Path, entries: int, seed: int) -> tuple[float, float, int]:
    """Seconds for synth and for pybtex `plain` to format ``entries`` entries, and how many pybtex failed."""
    from pybtex.plugin import find_plugin

    write_bibliography(folder, entries, seed)
    bibliography, _ = load_bibliography(sorted(folder.glob("*.bib")))
    keys = list(bibliography.locations)
    start = time.perf_counter()
    formatter = ReferenceFormatter(bibliography)
    for key in keys:
        formatter.format(key)
    synth = time.perf_counter() - start
    start = time.perf_counter()
    style = find_plugin("pybtex.style.formatting", "plain")()
    data = bibliography.data
    failed = 0
    for number, key in enumerate(keys):
        try:
            style.format_entry(str(number), data.entries[key], bib_data=data).text.render_as("html")
        except Exception:
            failed += 1
    return synth, time.perf_counter() - start, failed
