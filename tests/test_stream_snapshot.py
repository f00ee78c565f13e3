"""`search --json` and `export` read one state of the cache (bug hunt regfiles2, item 2).

They read the ids, then the papers a chunk at a time, each in its own implicit
transaction: a `digests rm` in another shell between two chunks gave a silent
mix (2,377 papers of 2,500: neither the state before nor after). Here another
connection removes a digest right after the first chunk is read.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from tui_digest.cli import main
from tui_digest.core import export_stream
from tui_digest.core.store import Store

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    db = tmp_path_factory.mktemp("snapshot") / "cache.db"
    with Store.open(db) as store:
        for digest in module.make_digests(300, seed=5):
            store.import_digest(digest, source_name=f"{digest.name}.md")
    return db


@pytest.fixture
def cache(made: Path, tmp_path: Path) -> Path:
    db = tmp_path / "cache.db"
    shutil.copy(made, db)
    return db


def _ids_before(db: Path, query: str = "") -> list[str]:
    with Store.open(db, readonly=True) as store:
        rowids = store.page_ids(query, limit=5000) if query else store.list_ids("")
        return [r.paper.id for r in store.get_papers(rowids)]


def _remove_between_chunks(monkeypatch, db: Path) -> list[int]:
    """After the first chunk is read, another connection removes the largest digest;
    returns how many papers each chunk read held."""
    monkeypatch.setattr(export_stream, "CHUNK", 40)
    original = Store.get_papers
    sizes: list[int] = []

    def hooked(self, rowids, *, digest=None):
        recs = original(self, rowids, digest=digest)
        sizes.append(len(recs))
        if len(sizes) == 1:
            with Store.open(db) as other:
                biggest = max(other.digests(), key=lambda d: d.count)
                removal = other.remove_digests(other.digest_pks([biggest.name]))
                assert removal.papers_deleted  # the race is real: papers went
        return recs

    monkeypatch.setattr(Store, "get_papers", hooked)
    return sizes


def test_search_json_is_one_snapshot(monkeypatch, capsysbinary, cache: Path) -> None:
    before = _ids_before(cache, "the")
    sizes = _remove_between_chunks(monkeypatch, cache)
    code = main(["--db", str(cache), "search", "--limit", "5000", "--json", "the"])
    out = capsysbinary.readouterr().out
    assert code == 0
    assert len(sizes) > 2
    assert sorted(p["id"] for p in json.loads(out)) == sorted(before)


def test_export_is_one_snapshot(monkeypatch, capsysbinary, cache: Path) -> None:
    before = _ids_before(cache)
    sizes = _remove_between_chunks(monkeypatch, cache)
    code = main(["--db", str(cache), "export", "--format", "json"])
    out = capsysbinary.readouterr().out
    assert code == 0
    assert len(sizes) > 2
    assert sorted(p["id"] for p in json.loads(out)) == sorted(before)
