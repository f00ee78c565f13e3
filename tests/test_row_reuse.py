"""Long runs that write a paper later, by its row number, after a removal gave
that number to another paper (bug hunt s41 `auditstore` #1).

SQLite gives a removed paper's row number to the next paper added: removing the
newest digest and importing another day is enough. `enrich` wrote arXiv's
answer for paper A, and `translate` A's Chinese, on paper B, which had taken
A's row while the run waited on arXiv or the LLM; and the claims of a removed
paper held the new one, so a second run skipped it as "taken by another run".
"""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.translate.runner import JOB

KEEP, A, A2, B, B2 = "2401.00001", "2401.00002", "2401.00012", "2401.00003", "2401.00013"


def day(date: str, *papers: tuple[str, str]) -> Digest:
    """A digest of `date` listing (id, title) papers, each with an English abstract."""
    return Digest(
        name=f"digest-cs.AI-{date}",
        source="x",
        date=date,
        papers=[Paper(id=pid, title_en=t, abstract_en=f"About {t}.") for pid, t in papers],
    )


def replace_newest(path: Path, newest: Digest, other: Digest) -> None:
    """`digests rm` of the newest digest then an import, in another process: the
    first paper `other` lists gets the row the first of `newest`'s had."""
    with Store.open(path) as store:
        before = store.get_paper(newest.papers[0].id)
        assert before is not None
        store.remove_digests(store.digest_pks([newest.name]))
        store.import_digest(other)
        after = store.get_paper(other.papers[0].id)
        assert after is not None and after.rowid == before.rowid  # (the row reused)


def test_the_claims_of_a_removed_paper_do_not_hold_the_paper_given_its_row(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    newest, other = day("2024-03-02", (A, "Paper A")), day("2024-03-03", (B, "Paper B"))
    with Store.open(path) as store:
        store.import_digest(day("2024-03-01", (KEEP, "Keep")))
        store.import_digest(newest)
        a = store.get_paper(A)
        assert a is not None
        until = 4_000_000_000.0
        assert store.claim(JOB, [a.rowid], run="r1", until=until).got == [a.rowid]
        replace_newest(path, newest, other)
        claimed = store.claim(JOB, [a.rowid], run="r2", until=until)  # now paper B's row
        assert (claimed.got, claimed.held) == ([a.rowid], {})
        # The first run's release does not drop the second run's claim.
        store.release_claims(JOB, "r1")
        rows = store._conn().execute("SELECT paper, run FROM claims").fetchall()
        assert rows == [(a.rowid, "r2")]
