"""Time the hint for a quotation that is not in its source: the closest passage, found with rapidfuzz.

    python benchmarks/bench_quotes.py --sources ../shared/seeds

For each source text, and for a source of about 1 MB made by repeating the longest one, times
`closest_passage` for quotations taken from the text with one word changed (so none is found verbatim),
and prints the median milliseconds per quotation. Nothing is written.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from synth.records.quotes import closest_passage, normalise  # noqa: E402


def tampered_quotations(source: str, count: int, rng: random.Random) -> list[str]:
    """Twelve-word passages of ``source`` with their middle word replaced."""
    words = source.split()
    quotations = []
    for _ in range(count):
        start = rng.randrange(0, max(1, len(words) - 12))
        passage = words[start : start + 12]
        passage[len(passage) // 2] = "zzzz"
        quotations.append(" ".join(passage))
    return quotations


def median_ms(source: str, quotations: list[str]) -> float:
    """The median time of `closest_passage` over the quotations, in milliseconds."""
    times = []
    for quote in quotations:
        start = time.perf_counter()
        closest_passage(quote, source)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print the median time per failing quotation for each source and a 1 MB one."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=REPOSITORY.parent / "shared" / "seeds")
    parser.add_argument("--quotations", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = {path.name: normalise(path.read_text(encoding="utf-8")) for path in sorted(args.sources.glob("*.txt"))}
    longest = max(texts.values(), key=len)
    texts["1 MB (longest repeated)"] = " ".join([longest] * (1_000_000 // len(longest) + 1))[:1_000_000]
    print(f"{'source':<40} {'bytes':>10} {'ms per quotation':>18}")
    for name, text in texts.items():
        print(f"{name:<40} {len(text):>10} {median_ms(text, tampered_quotations(text, args.quotations, rng)):>18.1f}")


if __name__ == "__main__":
    main()
