"""Read what Pagefind wrote for each page: the fragments of a built site's `pagefind/` bundle, by page URL.

A fragment is gzipped JSON after Pagefind's signature: the page's URL, the text it indexed, its filters and its
metadata (the title). Tests read them to see what search knows of a page without a browser.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


def fragments(site: Path) -> dict[str, dict[str, Any]]:
    """Every indexed page's fragment, by its URL from the site's root (``/barriers/x/``)."""
    pages = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(SIGNATURE), path
        fragment: dict[str, Any] = json.loads(data[len(SIGNATURE):])
        pages[fragment["url"]] = fragment
    return pages
