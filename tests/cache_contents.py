"""What two imports of the same input must leave identical in a cache (tests of
the import's ways of working: read ahead, the next document, a child process)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def cache_contents(db: Path) -> dict[str, list[tuple]]:
    """The index byte for byte, `terms`, papers (less the clock's column), digests, members."""
    conn = sqlite3.connect(db)
    try:
        papers = conn.execute("SELECT * FROM papers ORDER BY pk").fetchall()
        columns = [d[0] for d in conn.execute("SELECT * FROM papers LIMIT 0").description]
        when = columns.index("added_at")  # the clock's
        return {
            "search_data": conn.execute("SELECT id, block FROM search_data ORDER BY id").fetchall(),
            "terms": sorted(conn.execute("SELECT * FROM terms").fetchall()),
            "papers": [r[:when] + r[when + 1 :] for r in papers],
            "digests": conn.execute("SELECT name, date FROM digests ORDER BY name").fetchall(),
            "membership": conn.execute(
                "SELECT d.name, m.ref, p.id, m.hash FROM membership m"
                " JOIN digests d ON d.pk = m.digest JOIN papers p ON p.pk = m.paper"
                " ORDER BY d.name, m.ref"
            ).fetchall(),
        }
    finally:
        conn.close()
