"""`search --json` written a chunk at a time, as `export` is (bug hunt scalebulk, item 2).

It built the whole list of records and then the whole JSON string: 1.86 GB for
100,000 papers, where `export --format json` of the same papers took 71 MB.
The bytes are those it wrote before; `benchmarks/search_json_memory.py`
measures the peak memory.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tui_digest.cli import main
from tui_digest.core import export_stream
from tui_digest.core.export import to_json
from tui_digest.core.store import Store

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def _generate():
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("search-json") / "cache.db"
    with Store.open(db) as store:
        for digest in _generate().make_digests(400, seed=3):
            store.import_digest(digest, source_name=f"{digest.name}.md")
        store.set_starred(store.list_ids("learning")[:3])
        store.edit_tags(store.ids_of(store.list_ids("model")[:2]), ["mine"])
    return db


def _before(db: Path, query: str, limit: int, digest: str | None = None) -> bytes:
    """What `cmd_search --json` wrote before: every record, then one JSON string."""
    with Store.open(db, readonly=True) as store:
        _total, rows = store.page(query, digest=digest, limit=limit)
        recs = store.get_papers([r.rowid for r in rows], digest=digest or None)
        return to_json(recs).encode("utf-8")


def _search(capsysbinary, db: Path, *args: str) -> bytes:
    code = main(["--db", str(db), "search", *args, "--json"])
    captured = capsysbinary.readouterr()
    assert code == 0, captured.err
    return captured.out


@pytest.mark.parametrize(
    ("query", "limit"),
    [("learning", 200), ("the", 100_000), ("model -diffusion", 7), ("is:starred", 50),
     ("nothingmatchesthisword", 10), ("learning OR model", 1000)],
)  # fmt: skip
def test_search_json_writes_the_same_bytes_as_before(capsysbinary, cache, query, limit):
    out = _search(capsysbinary, cache, *query.split(), "--limit", str(limit))
    assert out == _before(cache, query, limit)
    if out.strip() != b"[]":
        assert len(json.loads(out)) == min(limit, len(json.loads(_before(cache, query, 10**6))))


def test_search_json_of_a_digest_writes_the_same_bytes_as_before(capsysbinary, cache):
    with Store.open(cache, readonly=True) as store:
        name = store.digests()[0].name
    out = _search(capsysbinary, cache, "learning", "--digest", name, "--limit", "500")
    assert out == _before(cache, "learning", 500, name)


def test_search_json_reads_the_papers_a_chunk_at_a_time(capsysbinary, cache, monkeypatch):
    """Never more than `export_stream.CHUNK` papers read at once (it read them all)."""
    monkeypatch.setattr(export_stream, "CHUNK", 25)
    asked: list[int] = []
    real = Store.get_papers

    def counting(self, rowids, *, digest=None):
        asked.append(len(rowids))
        return real(self, rowids, digest=digest)

    monkeypatch.setattr(Store, "get_papers", counting)
    out = _search(capsysbinary, cache, "the", "--limit", "100000")
    found = len(json.loads(out))
    assert found > 100
    assert sum(asked) == found
    assert max(asked) <= 25
