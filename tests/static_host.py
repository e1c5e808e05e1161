"""A static host for browser tests and benchmarks: serves a folder, gzips text as hosts do, counts bytes sent.

GitHub Pages, GitLab Pages and Netlify send HTML, scripts, stylesheets and JSON gzipped; Pagefind's own data
files are gzipped already and go as they are. The server adds every byte it writes (headers and bodies) to
its ``sent`` count, which a test resets before the action it measures.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

COMPRESSED = (".html", ".js", ".css", ".json", ".svg", ".xml", ".txt")
"""What static hosts (GitHub Pages, GitLab Pages, Netlify) gzip; Pagefind's own data files are gzipped already."""


class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files, gzipped where a static host would, and adds every byte it sends to the server's tally."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""

    def setup(self) -> None:
        """Count what is written to the connection."""
        super().setup()
        self.wfile = Tally(self.wfile, self.server)  # type: ignore[assignment]

    def send_head(self) -> BinaryIO | None:  # type: ignore[override]
        """The file, gzipped when it is text and the browser accepts gzip."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # type: ignore[return-value]  # A redirect to the folder's address.
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()  # type: ignore[return-value]
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class Tally(io.RawIOBase):
    """A writable stream that passes bytes on and counts them on the server."""

    def __init__(self, stream: Any, server: Any) -> None:
        super().__init__()
        self.stream, self.server = stream, server

    def writable(self) -> bool:
        """It is written to."""
        return True

    def write(self, data: Any) -> int:
        """Send ``data`` and count it."""
        with self.server.lock:
            self.server.sent += len(data)
        self.stream.write(data)
        return len(data)

    def flush(self) -> None:
        """Flush the connection."""
        self.stream.flush()


@contextmanager
def counting_server(folder: Path) -> Iterator[http.server.ThreadingHTTPServer]:
    """``folder`` served on 127.0.0.1 by `CountingHandler`; the server's ``sent`` counts bytes sent."""
    handler = functools.partial(CountingHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.sent = 0  # type: ignore[attr-defined]
    server.lock = threading.Lock()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
