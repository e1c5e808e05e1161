"""Site, search: index a built site folder with Pagefind, so a browser searches it fetching only what it needs.

Pagefind (the `pagefind[extended]` package, whose wheel carries the binary) reads every HTML page of the
folder and writes its search bundle into `pagefind/` inside it: word index chunks, one fragment per page
(title, excerpt text, filters), the filter index and the small script and WebAssembly a browser loads on its
first search. It reads only what a page marks with `data-pagefind-body` (synth's theme marks the article),
and takes facets from `data-pagefind-filter` attributes (`synth.site.filters.page_filters`). The long tables
and lists that repeat record pages (`LISTINGS`), and the finding cards that barriers', facilitators' and
outcomes' pages repeat from the findings' own pages (`COPIES`), are left out, so results lead to records and
the index chunk a common word needs stays small.
Under `mkdocs serve`, `BackgroundIndex` re-indexes after the reload while the last bundle keeps answering.

Pagefind writes each filter's values in the order of a hash table seeded at random, so two runs over the same
pages differ in the filter files, the metadata file naming them and the entry file naming that. `canonical_bundle`
rewrites those three with the values sorted and the files named by a digest of their content, which makes the
bundle the same, byte for byte, for the same pages. Nothing here knows of MkDocs.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2

from synth.site.staging import exchange

BUNDLE = "pagefind"
"""The folder, inside the site, that the search bundle is written to."""
SIGNATURE = b"pagefind_dcd"
"""What every Pagefind data file starts with, once unzipped, before its CBOR."""


LISTINGS = (".synth-filterable", ".synth-table", ".synth-matrix", ".synth-theme-members", ".synth-theme-findings",
            ".synth-factor-list", ".synth-references", ".synth-changes")
"""Tables and lists that repeat what record pages say (the listings, the matrix, the themes' members, the home
page's lists, the references, what changed): left out of the index, so a search leads to the record's own page
and a listing's result stays small to fetch, however many records the site has. Their pages' headings and
introductions are still indexed."""
COPIES = (".synth-finding", ".synth-study-line")
"""The finding cards (statement, confidence, quotations) and the study lines above them on the pages of barriers,
facilitators and outcomes: copies of the findings' and studies' own pages, where the same text is indexed in
full. Left out, a word of a finding leads to the finding's page (which links to what it is evidence for), and
the index holds each text once: at 10,000 records this made the index two fifths smaller, and the chunk a
common word's first search fetches a third to a half smaller. The factor's own text (its summary, what to do,
its support) and the studies' titles stay."""
PERMALINKS = (".headerlink",)
"""The headings' permalink anchors (the "¶" the table of contents adds): left out, so they are not in results'
titles and snippets."""
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
"""Pagefind's own interfaces, which synth's search box does not load: removed from the bundle to keep the site small."""


class SearchIndexError(Exception):
    """Pagefind could not index the site: the message says what it reported and what to do."""


@dataclass(frozen=True)
class SearchIndex:
    """What one indexing run did."""

    folder: Path
    """The search bundle's folder inside the site."""
    pages: int
    """How many pages Pagefind indexed."""
    seconds: float
    """How long Pagefind took, start to finish."""


def pagefind_executable() -> Path:
    """The Pagefind binary from its wheel (the extended build, which also segments Chinese and Japanese)."""
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            binary = importlib.import_module(package)
            break
        except ImportError:
            continue
    else:
        raise SearchIndexError("search: Pagefind is not installed; install `pagefind[extended]`, or set the "
                               "synth plugin's `search` option to `material`")
    try:
        return Path(binary.get_executable())
    except FileNotFoundError as error:
        raise SearchIndexError(f"search: the Pagefind binary is missing from its package: {error}") from None


def index_site(site: Path, *, output: Path | None = None, language: str | None = None,
               started: Callable[[subprocess.Popen[str]], None] | None = None,
               background: bool = False) -> SearchIndex:
    """Index every page of the built ``site`` folder, writing the search bundle into ``output`` (``site/pagefind``).

    ``language`` (an ISO 639-1 code such as ``en``) makes one index for the whole site whatever the pages'
    `lang` attributes say; ``started`` is given the Pagefind process, so that it can be stopped; ``background``
    runs Pagefind at the lowest priority. Raises `SearchIndexError` with Pagefind's own report when it fails or
    finds no page marked for search.
    """
    run = IndexRun(site, output=output, language=language, background=background)
    if started is not None:
        started(run.process)
    return run.wait()


HAS_NICE = hasattr(os, "nice")


def lowest_priority() -> None:
    """Run at the lowest priority (called in the Pagefind process before it starts, so its threads have it too).

    Under `mkdocs serve` the served site is indexed again after each reload; the next edit's rebuild, and
    MkDocs noticing the edit, come first on the processors.
    """
    os.nice(19)


class IndexRun:
    """Pagefind indexing a folder of pages in its own process, while the caller goes on (`index_site` waits)."""

    def __init__(self, site: Path, *, output: Path | None = None, language: str | None = None,
                 background: bool = False) -> None:
        """Start Pagefind; with ``background``, at the lowest priority (`lowest_priority`)."""
        self.site = site
        self.output = output or site / BUNDLE
        shutil.rmtree(self.output, ignore_errors=True)  # A build into the old site (--dirty) leaves the last bundle.
        command = [str(pagefind_executable()), "--site", str(site), "--output-path", str(self.output.absolute())]
        for selector in (*LISTINGS, *COPIES, *PERMALINKS):
            command += ["--exclude-selectors", selector]
        if language:
            command += ["--force-language", language]
        self.clock = time.perf_counter()
        try:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                            preexec_fn=lowest_priority if background and HAS_NICE else None)
        except OSError as error:
            raise SearchIndexError(f"search: Pagefind could not be started: {error}") from None

    def wait(self) -> SearchIndex:
        """Wait for Pagefind to finish, then make its bundle canonical; raise `SearchIndexError` if it failed."""
        stdout, stderr = self.process.communicate()
        seconds = time.perf_counter() - self.clock
        report = _report(stdout, stderr)
        pages = indexed_pages(stdout)
        if pages == 0:
            raise SearchIndexError(f"search: Pagefind found no page to index in {self.site}; pages are indexed "
                                   f"where they carry `data-pagefind-body` (synth's Material theme override adds "
                                   f"it)\n{report}")
        if self.process.returncode != 0:
            raise SearchIndexError(f"search: Pagefind failed to index {self.site} (exit {self.process.returncode}):"
                                   f"\n{report}")
        for name in UNUSED_FILES:
            (self.output / name).unlink(missing_ok=True)
        canonical_bundle(self.output)
        return SearchIndex(self.output, pages, seconds)

    def stop(self) -> None:
        """End the run if it is still going, and leave no bundle behind."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.communicate()
        shutil.rmtree(self.output, ignore_errors=True)


PART_PAGES = 3_000
"""The most pages one Pagefind run indexes (see `PartsRun`). Measured at 10,000 records: in parts of 3,000
pages no Pagefind run went above the build process's own peak (774 MiB), where one run of every page took
2.0 GiB; a first search fetches 286 KB instead of 208 (each part's page list and word chunk), and the build
took no longer."""


def part_bundle(bundle: Path, part: int) -> Path:
    """Where the search bundle of part ``part`` of a site's pages is written: part 0 is the site's bundle itself."""
    return bundle if part == 0 else bundle / f"part-{part}"


class PartsRun:
    """Pagefind indexing a site's pages in parts, one part after another, while the caller goes on.

    Pagefind holds what it has read of every page until it writes the bundle: about 280 KB per page of
    synth's, so 100,000 pages would need some 28 GB. A site of more than `PART_PAGES` pages is indexed in
    parts, each a folder of pages whose bundle is written inside the first part's (`part_bundle`); the search box
    merges them in the browser (Pagefind's `mergeIndex`), so searches find every page. Pagefind's memory is
    then that of one part, and the parts run in the background while the site is rendered.
    """

    def __init__(self, folders: list[Path], bundle: Path, *, before: list[str] | None = None) -> None:
        self.bundle = bundle
        self.before = before
        """A command run to its end before the first part is indexed."""
        self.preparing: subprocess.Popen[str] | None = None
        self.parts = [(folder, part_bundle(bundle, number)) for number, folder in enumerate(folders)]
        self.lock = threading.Lock()
        self.run: IndexRun | None = None
        self.stopped = False
        self.indexes: list[SearchIndex] = []
        self.error: BaseException | None = None
        """What stopped the run, raised again by `wait`."""
        self.clock = time.perf_counter()
        self.thread = threading.Thread(target=self._run, daemon=True, name="synth-search-parts")
        self.thread.start()

    def _run(self) -> None:
        try:
            self._index_parts()
        except BaseException as error:  # Raised again by `wait`, in the thread that waits, as a future would.
            with self.lock:
                if not self.stopped:
                    self.error = error

    def _index_parts(self) -> None:
        if self.before is not None and not self._prepare(self.before):
            return
        for folder, output in self.parts:
            with self.lock:
                if self.stopped:
                    return
                self.run = IndexRun(folder, output=output)
            self.indexes.append(self.run.wait())
            if output != self.bundle:  # The search box loads the script and WebAssembly of the first part only.
                for script in (*output.glob("*.js"), *output.glob("wasm.*.pagefind")):
                    script.unlink()

    def _prepare(self, command: list[str]) -> bool:
        """Run ``command`` to its end; whether indexing goes on (raises `SearchIndexError` if it failed)."""
        with self.lock:
            if self.stopped:
                return False
            try:
                self.preparing = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            except OSError as error:
                raise SearchIndexError(f"search: the parts of the index could not be prepared: {error}") from None
        stdout, stderr = self.preparing.communicate()
        with self.lock:
            if self.stopped:
                return False
        if self.preparing.returncode != 0:
            raise SearchIndexError(f"search: the parts of the index could not be prepared "
                                   f"(exit {self.preparing.returncode}):\n{_report(stdout, stderr)}")
        return True

    def wait(self) -> SearchIndex:
        """Wait for every part; the first part's bundle, with the pages of them all.

        Raises what stopped a part: `SearchIndexError` with Pagefind's report when Pagefind failed.
        """
        self.thread.join()
        if self.error is not None:
            raise self.error
        if self.stopped or len(self.indexes) != len(self.parts):
            raise SearchIndexError("search: indexing was stopped before every part was indexed")
        return SearchIndex(self.bundle, sum(index.pages for index in self.indexes),
                           time.perf_counter() - self.clock)

    def stop(self) -> None:
        """End the part being indexed, index no more, and leave no bundle behind."""
        with self.lock:
            self.stopped = True
            running = [self.preparing] + ([self.run.process] if self.run is not None else [])
        for process in running:
            if process is not None and process.poll() is None:
                process.terminate()
        self.thread.join()
        shutil.rmtree(self.bundle, ignore_errors=True)


class BackgroundIndex:
    """Re-index a served site in a background thread, so a rebuild reloads without waiting for Pagefind.

    The last bundle stays in place (moved into each new build with `keep_bundle`) and answers searches until
    the new one, written beside the site, replaces it in one swap. Starting again, or `stop`, ends a run that
    has not finished: its bundle is dropped, never swapped in over a newer site.
    """

    def __init__(self, report: Callable[[str], None], failed: Callable[[str], None]) -> None:
        self.report = report
        self.failed = failed
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.process: subprocess.Popen[str] | None = None
        self.generation = 0
        self.site: Path | None = None
        """The site the last run was started for."""

    def start(self, site: Path) -> None:
        """Stop any run still going, then index ``site`` in the background."""
        self.stop()
        with self.lock:
            generation = self.generation
        self.site = site
        self.thread = threading.Thread(target=self._run, args=(site, generation), daemon=True,
                                       name="synth-search-index")
        self.thread.start()

    def stop(self) -> None:
        """End the run still going, if any, and wait for its thread."""
        self.interrupt()
        if self.thread is not None:
            self.thread.join()
            self.thread = None

    def interrupt(self) -> Path | None:
        """End the run still going, if any, without waiting; the site it was indexing, if it had not done.

        Its thread then drops what it made; the next `start` or `stop` waits for it.
        """
        with self.lock:
            self.generation += 1
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
        return self.site if self.thread is not None and self.thread.is_alive() else None

    def _started(self, process: subprocess.Popen[str], generation: int) -> None:
        with self.lock:
            self.process = process
            if generation != self.generation:
                process.terminate()

    def _run(self, site: Path, generation: int) -> None:
        following = site.parent / f".{site.name}.pagefind-next"
        try:
            index = index_site(site, output=following, started=lambda process: self._started(process, generation),
                               background=True)
        except SearchIndexError as error:
            shutil.rmtree(following, ignore_errors=True)
            with self.lock:
                current = generation == self.generation
            if current:
                self.failed(str(error))
            return
        with self.lock:
            if generation != self.generation:
                shutil.rmtree(following, ignore_errors=True)
                return
            swap_in(following, site / BUNDLE)
        self.report(f"search index rebuilt in the background: {index.pages} pages in {index.seconds:.1f} s")


def keep_bundle(old_site: Path, new_site: Path) -> None:
    """Move the last site's search bundle into the new site, where it serves until the new index is ready."""
    if (old_site / BUNDLE).is_dir() and not (new_site / BUNDLE).exists():
        os.rename(old_site / BUNDLE, new_site / BUNDLE)


def swap_in(new: Path, bundle: Path) -> None:
    """Put the ``new`` bundle in place of ``bundle``: one atomic exchange where the system offers it."""
    if bundle.is_dir() and exchange(new, bundle):
        shutil.rmtree(new)  # It now holds the old bundle.
        return
    shutil.rmtree(bundle, ignore_errors=True)
    os.rename(new, bundle)


def canonical_bundle(bundle: Path) -> None:
    """Sort every filter's values and name the filter and metadata files by their content, in place.

    The metadata file lists every page, word index chunk and filter file of a language; the entry file names
    each language's metadata file. Only names and orders change: what a search finds stays the same.
    """
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = read_data_file(meta_path)
        prefix = language["hash"].rsplit("_", 1)[0]
        renamed = {}
        for filter_entry in meta[3]:
            old = bundle / "filter" / f"{filter_entry[1]}.pf_filter"
            name, values = read_data_file(old)
            filter_entry[1] = _write_named(bundle / "filter", prefix, ".pf_filter", [name, sorted(values)], 7)
            renamed[old] = bundle / "filter" / f"{filter_entry[1]}.pf_filter"
        for old, new in renamed.items():
            if old != new:
                old.unlink()
        meta[3].sort()
        meta[4].sort()
        meta_path.unlink()
        language["hash"] = _write_named(bundle, prefix, ".pf_meta", meta, 10, stem="pagefind.")
    entry["languages"] = dict(sorted(entry["languages"].items()))
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def read_data_file(path: Path) -> Any:
    """A Pagefind data file's content: unzipped, its signature checked, its CBOR decoded."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise SearchIndexError(f"search: {path} is not a Pagefind data file this version of synth can read")
    return cbor2.loads(data[len(SIGNATURE):])


def _write_named(folder: Path, prefix: str, suffix: str, content: Any, digits: int, stem: str = "") -> str:
    """Write ``content`` as Pagefind does, named ``<prefix>_<digest>``; the name (without stem and suffix)."""
    data = SIGNATURE + cbor2.dumps(content)
    name = f"{prefix}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{stem}{name}{suffix}").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return name


def indexed_pages(output: str) -> int:
    """The number of pages Pagefind's closing total says it indexed (0 when it says none)."""
    counts = re.findall(r"Indexed (\d+) pages?", output)
    return int(counts[-1]) if counts else 0


def _report(stdout: str, stderr: str) -> str:
    """Pagefind's output without blank lines, indented under our message."""
    lines = [line for line in (stdout + "\n" + stderr).splitlines() if line.strip()]
    return "\n".join(f"  {line}" for line in lines[-30:])
