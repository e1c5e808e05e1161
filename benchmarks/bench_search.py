"""Time Pagefind over a built site and weigh a first search in Chromium, gzipped as static hosts serve it.

    python benchmarks/bench_search.py --records 1000            # generate, build, then measure
    python benchmarks/bench_search.py --site path/to/site       # measure a site already built

With `--records`, a knowledge base of that many records (tests/generated_kb.py) is written and built with
`mkdocs build` in a temporary folder. Then:

* Pagefind indexes the site again into a temporary folder (`synth.site.search.index_site`): wall time, CPU
  time and peak memory of the Pagefind process;
* Debian's Chromium (through Playwright) opens the home page, waits until the page is idle, and searches for
  each word given (`--words`); every byte the server sends from then until the first ten results are shown
  is counted (headers and bodies; text gzipped, as GitHub Pages does).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "tests"))

from generated_kb import make_knowledge_base  # noqa: E402
from static_host import counting_server  # noqa: E402

from synth.site.search import index_site  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def build(records: int, folder: Path) -> Path:
    """Generate ``records`` records in ``folder`` and build their site; the site's folder."""
    make_knowledge_base(folder / "project", records)
    site = folder / "site"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(folder / "project" / "mkdocs.yml"),
                    "-d", str(site)], check=True, env={**os.environ, "PYTHONPATH": str(REPOSITORY),
                                                      "NO_MKDOCS_2_WARNING": "1"})
    print(f"built {records} records in {time.perf_counter() - started:.1f} s")
    return site


def time_index(site: Path) -> None:
    """Index ``site`` again, into a temporary folder, and print Pagefind's wall and CPU time and peak memory."""
    with tempfile.TemporaryDirectory() as output:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        index = index_site(site, output=Path(output) / "pagefind")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"Pagefind: {index.pages} pages in {index.seconds:.2f} s wall, {cpu:.2f} s CPU, "
          f"peak {after.ru_maxrss / 1024:.0f} MiB")


def weigh_searches(site: Path, words: list[str], chromium: str) -> None:
    """Print the bytes each first search fetches after the page has loaded, on a phone-sized page."""
    from playwright.sync_api import sync_playwright

    with counting_server(site.parent) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        for word in words:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{site.name}/")
            page.wait_for_load_state("networkidle")
            with server.lock:  # type: ignore[attr-defined]
                server.sent = 0  # type: ignore[attr-defined]
            page.keyboard.press("/")
            page.keyboard.type(word)
            page.wait_for_selector(".synth-search__result", timeout=120_000)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
            status = page.inner_text(".synth-search__status")
            print(f"first search {word!r}: {server.sent / 1000:.0f} KB sent ({status})")  # type: ignore[attr-defined]
            context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--records", type=int, help="generate and build a knowledge base of this many records")
    source.add_argument("--site", type=Path, help="a site already built with the synth plugin")
    parser.add_argument("--words", nargs="+", default=["residents", "Ashford", "trust"], help="words to search for")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="the Chromium to drive")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="synth-search-") as folder:
        site = args.site or build(args.records, Path(folder))
        time_index(site)
        weigh_searches(site, args.words, args.chromium)


if __name__ == "__main__":
    main()
