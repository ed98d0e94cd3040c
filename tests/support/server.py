"""A quiet threaded HTTP server for a folder, on 127.0.0.1 and a free port (for LinkChecker and the browser)."""
from __future__ import annotations

import contextlib
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def end_headers(self):
        # LinkChecker waits 0.1-0.6 s between requests to a host unless the host answers with this header
        # (linkcheck/checker/httpurl.py); `maxrequestspersecond` alone does not lift that floor.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up early (browsers cancelling, LinkChecker's HEAD checks) are not failures


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` while the block runs; yields its base URL, ending in a slash."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
