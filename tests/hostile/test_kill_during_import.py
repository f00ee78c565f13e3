"""A process killed in the middle of an import leaves a sound cache (WAL + one transaction)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys

from tui_digest.core.store import Store

# Imports a generated 5,000-paper digest again and again under new names and ids,
# printing the committed count after each import. The test kills it with SIGKILL
# right after the first report, when the next import has started.
IMPORTER = r"""
import sys
from tui_digest.core.digest_format import write_digest
from tui_digest.core.model import Paper
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store

def papers(batch):
    return [
        Paper(id=f"{2301 + batch:04d}.{i:05d}", version="v1", title_en=f"Paper {batch}-{i}",
              title_zh="论文", summary_zh="总结。", abstract_en="word " * 120,
              abstract_zh="摘要" * 80, announce_type="new")
        for i in range(1, 5001)
    ]

with Store.open(sys.argv[1]) as store:
    batch = 0
    while batch < 11:
        data = write_digest(papers(batch)).encode()
        result = read_document(data, source=f"batch-{batch}.md")
        assert len(result.digest.papers) == 5000, result.problems[:3]
        store.import_digest(result.digest)
        print("committed", store.count(), flush=True)
        batch += 1
print("finished", flush=True)
"""


def test_sigkill_during_import_keeps_committed_papers(tmp_path):
    db = tmp_path / "cache.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # blocks until the first import has committed
        assert line.startswith("committed"), (line, proc.stderr.read())
        reported = int(line.split()[1])
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert reported == 5000

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    with Store.open(db) as store:
        count = store.count()
        assert count >= reported
        assert count % 5000 == 0  # whole imports only, never part of one
        assert store.count("2301") >= 1  # the search index agrees with the table
        names = [d.alias for d in store.digests()]  # the names the documents gave
        assert "batch-0" in names and len(names) == count // 5000
