"""Fetch throughput: 20 copies of the largest real digest from a local server into a fresh store.

Usage: python benchmarks/fetch.py [PATH] [--copies N] [--concurrency N] [--gzip]
PATH defaults to the 1.9 MB real sample in ../shared/samples (relative to the repo).

The same document is served under N names (so the same 737 papers arrive N
times: the first import inserts them, the others merge) and each source has
its own name, so N digests are filed. Prints JSON: the whole run (`wall_s`,
`papers_per_s`) and, for scale, the HTTP transfer alone (`http_only_s`) and
fetch + read without the store (`fetch_and_read_s`).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # the in-process test server

from feed_server import FeedServer, Reply  # noqa: E402
from tui_digest.config.sources import Source  # noqa: E402
from tui_digest.core.model import Digest, ImportStats  # noqa: E402
from tui_digest.core.store import Store  # noqa: E402
from tui_digest.fetch.download import SourceFetcher  # noqa: E402
from tui_digest.fetch.runner import fetch_all  # noqa: E402
from tui_digest.net.options import HttpOptions  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "samples" / "digest-cs.LG-2024-02-06-large.md"


class _NullStore:
    """Counts papers instead of storing them: the fetch + read pipeline on its own."""

    def get_source_state(self, name: str) -> None:
        return None

    def set_source_state(self, name: str, **fields: object) -> None:
        pass

    def import_digest(self, digest: Digest) -> ImportStats:
        return ImportStats(new=len(digest.papers))


async def _http_only(urls: list[str], options: HttpOptions) -> int:
    async with SourceFetcher(options) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(u) for u in urls))
    return sum(len(r.body) for r in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--gzip", action="store_true", help="serve Content-Encoding: gzip")
    args = parser.parse_args()
    path = Path(args.path)
    if not path.is_file():
        print(json.dumps({"file": str(path), "error": "not found"}))
        return 1
    body = path.read_bytes()
    headers = {"Content-Type": "text/markdown; charset=utf-8"}
    if args.gzip:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    options = HttpOptions(concurrency=args.concurrency, retries=0)

    with FeedServer() as server, tempfile.TemporaryDirectory() as tmp:
        sources = []
        for i in range(1, args.copies + 1):
            route = f"/copy-{i:02d}/{path.name}"
            server.route(route, Reply(200, body=body, headers=dict(headers)))
            sources.append(Source(f"bench-{i:02d}", server.url(route), "digest"))

        start = time.perf_counter()
        transferred = asyncio.run(_http_only([s.url for s in sources], options))
        http_only = time.perf_counter() - start

        start = time.perf_counter()
        asyncio.run(fetch_all(_NullStore(), sources, options=options))  # type: ignore[arg-type]
        no_store = time.perf_counter() - start

        store = Store.open(Path(tmp) / "cache.db")
        try:
            start = time.perf_counter()
            results = asyncio.run(fetch_all(store, sources, options=options))
            wall = time.perf_counter() - start
            digests = len(store.digests())
            stored = store.count()
        finally:
            store.close()

    failed = [r.summary() for r in results if not r.ok]
    papers = sum(r.new + r.updated + r.unchanged for r in results)
    print(
        json.dumps(
            {
                "file": path.name,
                "copies": args.copies,
                "concurrency": args.concurrency,
                "gzip": args.gzip,
                "bytes_per_copy": len(body),
                "bytes_transferred": transferred,
                "http_only_s": round(http_only, 4),
                "fetch_and_read_s": round(no_store, 4),
                "wall_s": round(wall, 4),
                "papers": papers,
                "papers_per_s": round(papers / wall, 1) if wall else None,
                "papers_stored": stored,
                "digests": digests,
                "failed": failed,
            }
        )
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
