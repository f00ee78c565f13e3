"""FTS5's leaf size (`search_index.FTS_PAGE_SIZE`): set by imports and rebuilds, and
an index written with the smaller default leaves keeps answering as it grows.

A cache indexed before keeps its 4,050-byte leaves; its next import sets the new
size, and FTS5 writes and merges the new segments in it. Checked across a
restart against a cache built with the new size from the start: the same
answers, FTS5's own integrity check, and both leaf sizes present.
"""

from __future__ import annotations

import sqlite3

from tui_digest.core import search_index
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

WORDS = ("diffusion", "graph", "neural", "network", "language", "model", "attention", "memory",
         "robust", "sampling")  # fmt: skip
QUERIES = (
    "diffusion", '"graph neural"', "模型", "记忆 -扩散", "ti:network", "atten", "robust OR 采样",
    "v2",
)  # fmt: skip


def _paper(i: int, version: str = "") -> Paper:
    # Long doclists for a few words (every paper has them, several times), so
    # that they span many leaves of either size.
    words = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(40))
    return Paper(
        id=f"2401.{i:05d}",
        title_en=f"Paper {i} {WORDS[i % len(WORDS)]} network{version}",
        title_zh="扩散模型" if i % 2 else "图神经网络",
        abstract_en=f"{words} {version}",
        abstract_zh="我们研究大型语言模型中的记忆。" if i % 3 else "扩散模型的采样。",
    )


def _digests() -> list[Digest]:
    first = [_paper(i) for i in range(600)]
    # The second digest brings new papers and new versions of old ones (their
    # old search rows are deleted from the old leaves).
    second = [_paper(i, " v2") for i in range(500, 1_100)]
    return [
        Digest(name="d1", date="2024-05-01", papers=first),
        Digest(name="d2", date="2024-05-02", papers=second),
    ]


def _leaf_sizes(path) -> tuple[int, int]:
    """(smallest, largest) leaf blob of the index (FTS5's leaves have rowids above 10)."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT min(length(block)), max(length(block)) FROM search_data "
                           "WHERE id > 10").fetchone()  # fmt: skip
        return int(row[0]), int(row[1])
    finally:
        conn.close()


def _option(path, name: str) -> int | None:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT v FROM search_config WHERE k = ?", (name,)).fetchone()
        return None if row is None else int(row[0])
    finally:
        conn.close()


def _answers(store: Store) -> dict[str, list[int]]:
    return {q: store.list_ids(q) for q in QUERIES}


def test_an_index_with_the_old_leaves_grows_with_the_new_ones(tmp_path, monkeypatch):
    first, second = _digests()
    old = tmp_path / "old.db"
    with monkeypatch.context() as m:  # as a cache indexed before FTS_PAGE_SIZE
        m.setitem(search_index._FTS_OPTIONS, "pgsz", 4050)
        with Store.open(old) as store:
            store.import_digest(first)
    assert _option(old, "pgsz") == 4050
    assert _leaf_sizes(old)[1] <= 4050 + 100  # (a leaf may pass pgsz by one entry's bytes)

    with Store.open(old) as store:  # after a restart, the next import sets the new size
        store.import_digest(second)
    assert _option(old, "pgsz") == search_index.FTS_PAGE_SIZE
    assert _option(old, "hashsize") == search_index.FTS_HASH_SIZE

    new = tmp_path / "new.db"
    with Store.open(new) as store:
        store.import_digest(first)
        store.import_digest(second)
    assert _leaf_sizes(new)[1] > 4050 + 100  # the larger leaves are in use

    with Store.open(old) as a, Store.open(new) as b:
        answers = _answers(a)
        assert answers == _answers(b)
        assert all(answers.values()), answers  # every query finds something
    for path in (old, new):
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("INSERT INTO search(search, rank) VALUES ('integrity-check', 0)")
        finally:
            conn.close()


def test_a_rebuild_writes_the_new_leaves(tmp_path, monkeypatch):
    first, _ = _digests()
    path = tmp_path / "c.db"
    with monkeypatch.context() as m:
        m.setitem(search_index._FTS_OPTIONS, "pgsz", 4050)
        with Store.open(path) as store:
            store.import_digest(first)
            before = _answers(store)
    assert _leaf_sizes(path)[1] <= 4050 + 100
    with Store.open(path) as store:
        store.reindex()
        assert _answers(store) == before
    assert _option(path, "pgsz") == search_index.FTS_PAGE_SIZE
    assert _leaf_sizes(path)[1] > 4050 + 100
