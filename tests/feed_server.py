"""A small real HTTP server for tests and benchmarks, scriptable per path.

    with FeedServer() as server:
        server.route("/feed", Reply(500), Reply(200, body=b"..."))  # in order, last repeats
        server.route("/doc", conditional(body, etag='"v1"'))        # or handlers
        url = server.url("/feed")

It runs a ThreadingHTTPServer on 127.0.0.1 with a free port. Replies can trickle
their body slowly, lie about Content-Length, or be gzip-encoded, so that the
fetch layer can be tested against real sockets rather than mocks.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Trickle: send the body in pieces of `chunk_size` with `delay` seconds between them.
    chunk_size: int = 0
    delay: float = 0.0
    # Announce this Content-Length instead of the real one (a truncated body when larger).
    content_length: int | None = None


Handler = Callable[[Request], Reply]


def conditional(
    body: bytes,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    content_type: str = "text/markdown; charset=utf-8",
) -> Handler:
    """A handler that serves `body` with validators and answers 304 when they match."""

    def handle(request: Request) -> Reply:
        headers = {"Content-Type": content_type}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        if etag and request.headers.get("if-none-match") == etag:
            return Reply(304, headers=headers)
        if last_modified and request.headers.get("if-modified-since") == last_modified:
            return Reply(304, headers=headers)
        return Reply(200, body=body, headers=headers)

    return handle


class FeedServer:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._routes: dict[str, list[Reply | Handler]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- scripting -----------------------------------------------------------

    def route(self, path: str, *replies: Reply | Handler) -> None:
        """Script `path`: replies or handlers served in order; the last one repeats."""
        assert replies, "route() needs at least one reply"
        self._routes[path] = list(replies)

    def url(self, path: str) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def requests_to(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # --- lifecycle -----------------------------------------------------------

    def start(self) -> FeedServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- serving -------------------------------------------------------------

    def _reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            script = self._routes.get(request.path)
            if script is None:
                return Reply(404, body=b"not found")
            step = script.pop(0) if len(script) > 1 else script[0]
        return step if isinstance(step, Reply) else step(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                request = Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()})
                reply = server._reply_for(request)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                length = len(reply.body) if reply.content_length is None else reply.content_length
                if reply.status != 304:
                    self.send_header("Content-Length", str(length))
                self.end_headers()
                # The client may give up mid-body, which is what several tests want.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._write_body(reply)

            def _write_body(self, reply: Reply) -> None:
                if reply.status == 304 or not reply.body:
                    return
                if not reply.chunk_size:
                    self.wfile.write(reply.body)
                    return
                for start in range(0, len(reply.body), reply.chunk_size):
                    if server._stopping.is_set():
                        return
                    self.wfile.write(reply.body[start : start + reply.chunk_size])
                    self.wfile.flush()
                    time.sleep(reply.delay)  # the server trickles; the test never sleeps

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        return _Handler


# --- Small documents to serve ------------------------------------------------


def arxiv_rss(category: str, papers: list[tuple[str, ...]], day: str = "18") -> bytes:
    """A small arXiv RSS 2.0 listing in the 2024+ format: (id, title[, version]) tuples."""
    papers = [(p[0], p[1], p[2] if len(p) > 2 else "1") for p in papers]
    items = "".join(
        f"""
    <item>
      <title>{escape(title)}</title>
      <link>https://arxiv.org/abs/{pid}</link>
      <description>arXiv:{pid}v{v} Announce Type: new
Abstract: An abstract about {escape(title)}.</description>
      <guid isPermaLink="false">oai:arXiv.org:{pid}v{v}</guid>
      <category>{category}</category>
      <pubDate>Thu, {day} Sep 2025 00:00:00 -0400</pubDate>
      <arxiv:announce_type>new</arxiv:announce_type>
      <dc:creator>Ada Lovelace, Alan Turing</dc:creator>
    </item>"""
        for pid, title, v in papers
    )
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/"
     version="2.0">
  <channel>
    <title>{category} updates on arXiv.org</title>
    <link>http://rss.arxiv.org/rss/{category}</link>
    <description>{category} updates on the arXiv.org e-print archive.</description>
    <pubDate>Thu, {day} Sep 2025 00:00:00 -0400</pubDate>{items}
  </channel>
</rss>
""".encode()


class FakeTime:
    """An injectable clock whose sleep advances time instantly and records each wait."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now
