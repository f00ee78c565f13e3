"""A local stand-in for arXiv's query API on 127.0.0.1 (see core/arxiv_api.py).

    with ArxivStandIn({"2403.00001": Meta(...)}) as api:
        api.script.append(Reply(503, headers={"Retry-After": "7"}))  # served first
        api.url  # http://127.0.0.1:PORT/api/query

It answers `id_list=…&max_results=N` like arXiv: an entry per id it knows
(nothing for an id it does not), at most `max_results` entries (10 when the
parameter is missing: the API's default), and for an id in `malformed` the
single error entry instead of any result. Each request's ids are recorded.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from arxiv_api_fixtures import Meta, error_xml, feed_xml
from feed_server import FeedServer, Reply, Request

PATH = "/api/query"


class ArxivStandIn(FeedServer):
    def __init__(self, known: dict[str, Meta] | None = None) -> None:
        super().__init__()
        self.known: dict[str, Meta] = dict(known or {})
        self.malformed: set[str] = set()
        self.script: list[Reply] = []  # replies served before the normal answers
        self.asked: list[list[str]] = []  # the ids of each request that got an answer
        self.max_results: list[int | None] = []

    @property
    def url(self) -> str:  # type: ignore[override]
        return super().url(PATH)

    def _reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            scripted = self.script.pop(0) if self.script else None
        if scripted is not None:
            return scripted
        parts = urlsplit(request.path)
        if parts.path != PATH:
            return Reply(404, body=b"not found")
        query = parse_qs(parts.query)
        ids = [i for i in ",".join(query.get("id_list", [])).split(",") if i]
        raw_max = query.get("max_results", [None])[0]
        max_results = int(raw_max) if raw_max is not None else None
        with self._lock:
            self.asked.append(ids)
            self.max_results.append(max_results)
        bad = next((i for i in ids if i in self.malformed), None)
        if bad is not None:
            return Reply(200, body=error_xml(bad), headers={"Content-Type": "application/atom+xml"})
        limit = 10 if max_results is None else max_results
        entries = [self.known[i] for i in ids if i in self.known][:limit]
        body = feed_xml(entries, id_list=",".join(ids), max_results=limit)
        return Reply(200, body=body, headers={"Content-Type": "application/atom+xml"})
