"""P5: the bytes a first search fetches, measured in headless Chromium over a local HTTP server.

The built site is served from a folder by a small threaded server that compresses text responses with gzip,
as static hosts do. Chromium (Debian's, driven by Playwright) loads a record page, waits until the network
is quiet, types a word into the search box and waits for results. Every response's encoded size comes from
Chromium's own `Network.loadingFinished` events (bytes on the wire, headers included). Two sums are given:
the bytes of the search's own files (Material's `search/` index and search worker, or everything under
`pagefind/`) from the moment the page is opened, since Material may fetch its index before the page has
finished loading; and every byte fetched after the page had loaded. The server also lists each of the search's
own responses with its body's size (`SearchBytes.breakdown`), so the benchmark shows which files the bytes are.

The site's search is recognised by what the build wrote: `search/search_index.json` is Material's search;
`pagefind/` is Pagefind's.
"""

from __future__ import annotations

import gzip
import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MATERIAL_SEARCH_BOX = "input[data-md-component=search-query]"
"""Material's search box."""
PAGEFIND_SEARCH_BOX = "input[type=search], [role=searchbox], input[data-md-component=search-query]"
"""The search box of a site searched with Pagefind (the first visible match): change this one constant if the
page's box differs."""
RESULTS = (".md-search-result__item, .synth-search__result, .pagefind-ui__result, .pf-result, [data-pagefind-result], "
           ".search-result")
"""Any of these on the page means results are shown."""
RESULTS_LIMIT = 120
"""Seconds to wait for a result; after that the bytes are still counted, and the time is given as none."""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
SEARCH_FILES = ("/search/", "/pagefind/", "/workers/search")
"""A response is the search's own when its URL holds one of these."""
COMPRESSED_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


@dataclass
class SearchBytes:
    """What a first search fetched: which search, its own bytes, all bytes after the page load, the time."""

    engine: str
    search_bytes: int
    after_load_bytes: int
    responses: int
    seconds: float | None
    """From typing the first letter to the first result shown (None: no result shown within the limit)."""
    files: list[tuple[str, int]] = field(default_factory=list)
    """Each of the search's own responses the server sent, in order: its path and its body's bytes (gzipped where
    the server gzips)."""

    def breakdown(self) -> str:
        """The search's own responses as lines of kilobytes and paths, the largest first, several fragments or
        filter files summed on one line each."""
        groups: dict[str, list[int]] = {}
        for path, size in self.files:
            name = path.split("?")[0].rsplit("/", 2)
            group = f"{name[-2]}/*" if name[-2] in ("fragment", "filter") else "/".join(name[-2:])
            groups.setdefault(group, []).append(size)
        rows = sorted(groups.items(), key=lambda item: -sum(item[1]))
        return "\n".join(f"{sum(sizes) / 1000:8.1f} KB  {name}" + (f" ({len(sizes)} files)" if len(sizes) > 1 else "")
                         for name, sizes in rows)


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it and the type is text, as a static host does."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: the benchmark prints its own table."""

    def copyfile(self, source: Any, outputfile: Any) -> None:
        """Send a response's body, counting its bytes on the server.

        Requests from a Web Worker, where Pagefind searches, do not reach the page's network events.
        """
        data = source.read()
        outputfile.write(data)
        server: Any = self.server
        with server.lock:
            server.sent += len(data)
            if any(files in self.path for files in SEARCH_FILES):
                server.search_sent += len(data)
                server.search_files.append((self.path, len(data)))

    def send_head(self) -> Any:
        """Serve a compressed copy of text files."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        kind = self.guess_type(str(path))
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "") or not kind.startswith(
                COMPRESSED_TYPES):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def static_server(site: Path) -> Iterator[tuple[str, Any]]:
    """Serve ``site`` on a free local port in a background thread; yield its address and the server, whose
    ``sent`` and ``search_sent`` count the body bytes it sent (all, and the search's own files), and whose
    ``search_files`` lists the search's own files sent, each as its path and its body's bytes."""
    server: Any = ThreadingHTTPServer(("127.0.0.1", 0), partial(GzipHandler, directory=str(site)))
    server.lock, server.sent, server.search_sent, server.search_files = threading.Lock(), 0, 0, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()


def engine_of(site: Path) -> str:
    """Which search the built site has: 'pagefind', 'material' or 'none'."""
    if (site / "pagefind").is_dir():
        return "pagefind"
    return "material" if (site / "search" / "search_index.json").is_file() else "none"


def first_search(site: Path, page: str, word: str, timeout: float = 300) -> SearchBytes:
    """Open ``page`` of the built ``site``, search for ``word`` and count the bytes fetched."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    engine = engine_of(site)
    box = MATERIAL_SEARCH_BOX if engine == "material" else PAGEFIND_SEARCH_BOX
    with static_server(site) as (address, server), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page_handle = context.new_page()
            session = context.new_cdp_session(page_handle)
            session.send("Network.enable")
            session.send("Network.setCacheDisabled", {"cacheDisabled": True})
            urls: dict[str, str] = {}
            finished: list[tuple[float, str, int]] = []
            session.on("Network.responseReceived",
                       lambda event: urls.__setitem__(event["requestId"], event["response"]["url"]))
            session.on("Network.loadingFinished", lambda event: finished.append(
                (time.perf_counter(), event["requestId"], int(event["encodedDataLength"]))))
            page_handle.goto(address + page, wait_until="load", timeout=timeout * 1000)
            page_handle.wait_for_load_state("networkidle", timeout=timeout * 1000)
            loaded = time.perf_counter()
            with server.lock:
                sent_at_load = server.sent
            if engine == "pagefind":  # synth's header search opens with "/" (or its header button).
                page_handle.keyboard.press("/")
            else:
                page_handle.locator(box).locator("visible=true").first.click(timeout=30_000)
            start = time.perf_counter()
            page_handle.keyboard.type(word, delay=60)
            seconds: float | None = None
            try:
                page_handle.wait_for_selector(RESULTS, timeout=RESULTS_LIMIT * 1000)
                seconds = time.perf_counter() - start
            except PlaywrightTimeout:
                pass
            page_handle.wait_for_load_state("networkidle", timeout=timeout * 1000)
            time.sleep(1.0)
        finally:
            browser.close()
    own = sum(size for _, request, size in finished if any(s in urls.get(request, "") for s in SEARCH_FILES))
    after = [(request, size) for moment, request, size in finished if moment > loaded]
    # The server's count sees a worker's requests too, which Chromium's page events miss: take the larger.
    return SearchBytes(engine, max(own, server.search_sent), max(sum(size for _, size in after),
                                                                 server.sent - sent_at_load), len(after), seconds,
                       list(server.search_files))
