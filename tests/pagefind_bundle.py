"""Read what Pagefind wrote for each page: the fragments of a built site's `pagefind/` bundle, by page URL.

A fragment is gzipped JSON after Pagefind's signature: the page's URL, the text it indexed, its filters and its
metadata (the title). Tests read them to see what search knows of a page without a browser.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from synth.site.search import read_data_file
from synth.site.search_pages import WORDS_PAGE

SIGNATURE = b"pagefind_dcd"
WORDS_URL = "/" + WORDS_PAGE.removesuffix("index.html")


def fragments(site: Path) -> dict[str, dict[str, Any]]:
    """Every indexed page's fragment, by its URL from the site's root (``/barriers/x/``), from every part's bundle."""
    found: dict[str, dict[str, Any]] = {}
    for bundle in part_bundles(site):
        for _, fragment in _fragment_files(bundle):
            if fragment["url"] == WORDS_URL:
                continue  # Each part's page of every word: not a page of the site.
            assert fragment["url"] not in found, f"{fragment['url']} is in two parts of the index"
            found[fragment["url"]] = fragment
    return found


def part_bundles(site: Path) -> list[Path]:
    """The search bundle of each part of a site's index, the first part's (`pagefind/`) first."""
    bundle = site / "pagefind"
    parts = sorted(bundle.glob("part-*"), key=lambda part: int(part.name.removeprefix("part-")))
    return [bundle, *parts]


def _fragment_files(bundle: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Each fragment file of a bundle, with the fragment it holds (gzipped JSON after the signature)."""
    found = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(SIGNATURE), path
        found.append((path, json.loads(data[len(SIGNATURE):])))
    return found


def bundle_contents(bundle: Path) -> dict[str, Any]:
    """What a search bundle knows, named by page URL rather than by Pagefind's numbering of the pages.

    Two bundles of the same pages hold the same contents whatever order the pages were indexed in: each page's
    fragment, each filter value's pages, each word's pages with its positions, and the language's page count.
    """
    meta = read_data_file(next(bundle.glob("pagefind.*.pf_meta")))
    urls_by_hash = {}
    pages = {}
    for path, fragment in _fragment_files(bundle):
        urls_by_hash[path.stem] = fragment["url"]
        pages[fragment["url"]] = fragment
    urls = [urls_by_hash[page_hash] for page_hash, _ in meta[1]]
    filters = {}
    for _, name in meta[3]:
        filter_name, values = read_data_file(bundle / "filter" / f"{name}.pf_filter")
        filters[filter_name] = {value: sorted(urls[number] for number in numbers) for value, numbers in values}
    words: dict[str, list[Any]] = {}
    for _, _, name in meta[2]:
        for entry in read_data_file(bundle / "index" / f"{name}.pf_index")[0]:
            number, found = 0, []
            for page in entry[1]:  # Each page's number is given as the step from the one before.
                number += page[0]
                found.append((urls[number], page[1:]))
            words[entry[0]] = sorted(found)
    return {"pages": pages, "filters": filters, "words": words, "count": len(meta[1])}
