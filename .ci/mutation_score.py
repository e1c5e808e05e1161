"""The mutation score of each area of synth, from the results a mutmut run left in ./mutants.

A mutant counts as killed when a test failed on it (or it ran past its time limit); it survived when every
test passed; "no tests" when no test runs its code at all, which counts against the score like a survivor.
Mutants listed in .ci/mutation-equivalent.txt (one name per line, then the reason) are left out of the score
when they change nothing a program could observe, or mutmut cannot switch them on (code run once at import);
a listed mutant whose reason starts "killed by hand" was applied to a copy of synth/ and failed the tests
named, where mutmut could not see it (a result cached across tests), and counts as killed.
Mutants not yet run are reported and left out too.
Prints a table, then every survivor not listed as equivalent.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
AREAS = {"synth/pipeline.py": "pipeline", "synth/references/": "references", "synth/citations/": "citations",
         "synth/site/": "site rendering"}
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
UNCOUNTED = {"not checked", "skipped", "check was interrupted by user"}


def listed_mutants(path: Path = ROOT / ".ci" / "mutation-equivalent.txt") -> dict[str, str]:
    """The mutants listed by hand, each line `name  reason` (lines starting with # are comments), by name."""
    if not path.exists():
        return {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and line[0] != "#"]
    return {line.split(maxsplit=1)[0]: line.split(maxsplit=1)[1] for line in lines}


def area_of(source: str) -> str:
    """The area a source file belongs to, by its path."""
    return next((area for prefix, area in AREAS.items() if source.startswith(prefix)), "other")


def main() -> int:
    """Print the score of each area and the survivors."""
    listed = listed_mutants()
    counts: dict[str, Counter[str]] = {}
    survivors: list[str] = []
    for meta in sorted((ROOT / "mutants" / "synth").rglob("*.py.meta")):
        source = meta.relative_to(ROOT / "mutants").as_posix().removesuffix(".meta")
        area = counts.setdefault(area_of(source), Counter())
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            status = status_by_exit_code[code]
            if status in KILLED or listed.get(name, "").startswith("killed by hand"):
                area["killed"] += 1
            elif name in listed:
                area["equivalent"] += 1
            elif status in UNCOUNTED:
                area["not run"] += 1
            else:
                area["survived" if status == "survived" else "no tests"] += 1
                survivors.append(f"{name}: {status}")
    print(f"{'area':<16}{'killed':>8}{'survived':>10}{'no tests':>10}{'excluded':>10}{'not run':>9}{'score':>8}")
    for area in [*AREAS.values(), "other"]:
        c = counts.get(area, Counter())
        scored = c["killed"] + c["survived"] + c["no tests"]
        score = f"{100 * c['killed'] / scored:.1f}%" if scored else "—"
        print(f"{area:<16}{c['killed']:>8}{c['survived']:>10}{c['no tests']:>10}{c['equivalent']:>10}"
              f"{c['not run']:>9}{score:>8}")
    if survivors:
        print("\nsurvivors (kill them with a test, or list them in .ci/mutation-equivalent.txt with a reason):")
        print("\n".join(f"  {line}" for line in survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
