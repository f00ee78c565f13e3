"""Long runs that write a paper later, by its row number, after a removal gave
that number to another paper (bug hunt s41 `auditstore` #1).

SQLite gives a removed paper's row number to the next paper added: removing the
newest digest and importing another day is enough. `enrich` wrote arXiv's
answer for paper A, and `translate` A's Chinese, on paper B, which had taken
A's row while the run waited on arXiv or the LLM; and the claims of a removed
paper held the new one, so a second run skipped it as "taken by another run".
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from fake_llm_server import FakeLLM, Reply, chinese_for
from feed_server import Request
from test_translate_runner import ENV, config
from tui_digest.cli import main
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.translate.rules import apply_translation, record_translation_failure
from tui_digest.translate.runner import JOB, translate_papers

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


class HeldArxiv(ArxivStandIn):
    """arXiv's API, running `meanwhile` once before it answers the first request."""

    def __init__(self, known: dict[str, Meta], meanwhile: Callable[[], None]) -> None:
        super().__init__(known)
        self.meanwhile: Callable[[], None] | None = meanwhile

    def _reply_for(self, request: Request):  # type: ignore[no-untyped-def]
        with self._lock:
            run, self.meanwhile = self.meanwhile, None
        if run is not None:
            run()
        return super()._reply_for(request)


def test_enrich_drops_the_answer_for_a_paper_removed_while_arxiv_was_asked(
    tmp_path: Path, capsys
) -> None:
    db, config_file = tmp_path / "cache.db", tmp_path / "config.toml"
    newest, other = day("2024-03-02", (A, "Paper A about cats")), day("2024-03-03", (B, "Dogs"))
    with Store.open(db) as store:
        store.import_digest(day("2024-03-01", (KEEP, "Keep me")))
        store.import_digest(newest)
    said = Meta(id=A, authors=["Alice Cat"], primary="q-bio.PE", categories=["q-bio.PE"])
    with HeldArxiv({A: said}, lambda: replace_newest(db, newest, other)) as api:
        config_file.write_text(f'[enrich]\napi_url = "{api.url}"\nafter_fetch = false\n')
        code = main(["--db", str(db), "--config", str(config_file), "enrich", "date:2024-03-02"])
        out, err = capsys.readouterr()
        assert api.asked == [[A]]
    assert code == 0, err
    assert "0 paper(s) updated" in out
    assert "1 removed from the cache meanwhile (arXiv's answer not kept)" in out
    with Store.open(db) as store:
        record = store.get_paper(B)
        assert record is not None
        assert record.paper.authors == [] and "q-bio.PE" not in record.paper.categories
        assert record.meta is None
        # Nothing kept for A either: were it imported again, arXiv is asked again.
        assert store.enrich_candidates(f"id:{B}")[0].meta is None
        assert store._conn().execute("SELECT count(*) FROM arxiv_meta").fetchone()[0] == 0
    for query in ("au:alice", "cat:q-bio.PE"):
        assert main(["--db", str(db), "search", query, "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == []


def test_a_translation_saved_by_row_number_skips_a_row_that_holds_another_paper(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cache.db"
    newest, other = day("2024-03-02", (A, "Paper A about cats")), day("2024-03-03", (B, "Dogs"))
    with Store.open(path) as store:
        store.import_digest(day("2024-03-01", (KEEP, "Keep")))
        store.import_digest(newest)
        a = store.get_paper(A)  # the run reads its papers, and sends A to the LLM
        assert a is not None
    replace_newest(path, newest, other)
    with Store.open(path) as store:
        fields = {"title_zh": "关于猫的论文", "summary_zh": "猫", "abstract_zh": "猫的摘要"}
        assert apply_translation(store, a.rowid, fields, model="m", paper_id=A) is None
        assert not record_translation_failure(store, a.rowid, "timeout", paper_id=A)
        b = store.get_paper(B)
        assert b is not None and b.rowid == a.rowid
        assert (b.paper.title_zh, b.paper.abstract_zh, b.paper.extras) == ("", "", {})
        assert store.list_ids("猫") == []
        # The paper the row holds is still written when it is the one meant.
        assert apply_translation(store, b.rowid, {"title_zh": "狗"}, model="m", paper_id=B) == [
            "title_zh"
        ]


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


@pytest.fixture
def llm():
    with FakeLLM() as server:
        yield server


async def test_a_translation_run_leaves_the_papers_given_the_rows_of_those_removed(
    tmp_path: Path, llm: FakeLLM
) -> None:
    """The reader's `t` (or `translate`) on two papers, one request at a time:
    while A's is out, their digest is removed and another day's imported, its two
    papers taking their rows. A's answer is not saved on B, and B2 (on A2's row)
    is not sent in A2's place."""
    path = tmp_path / "cache.db"
    newest = day("2024-03-02", (A, "Paper A about cats"), (A2, "Paper A2 about mice"))
    other = day("2024-03-03", (B, "Paper B about dogs"), (B2, "Paper B2 about owls"))
    with Store.open(path) as setup:
        setup.import_digest(day("2024-03-01", (KEEP, "Keep")))
        setup.import_digest(newest)
    arrived, release = threading.Event(), threading.Event()

    def handle(request):
        if request.paper.get("arxiv_id") == A:
            arrived.set()
            release.wait(10)  # (the test sets it; 10 s only if it never does)
        return Reply.answer(chinese_for(request.paper))

    llm.handler = handle
    store = Store.open(path)
    try:
        rowids = [store.rowid_of(pid) for pid in (A, A2)]
        cfg = config(llm, concurrency=1)
        run = asyncio.create_task(translate_papers(store, rowids, cfg, environ=ENV))
        assert await asyncio.to_thread(arrived.wait, 10)
        await asyncio.to_thread(replace_newest, path, newest, other)
        release.set()
        report = await run
    finally:
        release.set()
        store.close()
    assert [r.paper["arxiv_id"] for r in llm.requests] == [A]
    assert [(o.id, o.status) for o in report.outcomes] == [(A, "removed"), (A2, "removed")]
    assert all("removed from the cache meanwhile" in o.line() for o in report.outcomes)
    assert "translated 0" in report.summary()
    assert "2 removed from the cache meanwhile" in report.summary()
    assert "answer not saved" in report.outcomes[0].line()
    with Store.open(path) as store:
        for pid in (B, B2):
            record = store.get_paper(pid)
            assert record is not None and record.rowid in rowids
            assert (record.paper.title_zh, record.paper.extras) == ("", {})
        assert store._conn().execute("SELECT count(*) FROM claims").fetchone()[0] == 0


def test_a_watch_run_confirms_only_the_papers_it_claimed_not_one_given_their_row(
    tmp_path: Path,
) -> None:
    """`watch --since-last-run` claims the papers it prints and marks them shown
    once printed, by row number: a removal and an import in between gave A's
    row to B, and B was marked shown though never printed (it never came)."""
    db = tmp_path / "cache.db"
    newest, other = day("2024-03-02", (A, "Paper A about cats")), day("2024-03-03", (B, "Dogs"))
    with Store.open(db) as store:
        store.import_digest(day("2024-03-01", (KEEP, "Keep me")))
        store.import_digest(newest)
        a = store.get_paper(A)
        assert a is not None
        claimed = store.claim_watch_unseen([("w", [a.rowid])], run="r1", now=0.0, until=1e12)
        assert claimed == [("w", [a.rowid])]
    replace_newest(db, newest, other)
    with Store.open(db) as store:
        store.confirm_watch_claim(claimed, run="r1", when="2024-03-03T00:00:00Z")
        b = store.get_paper(B)
        assert b is not None
        # B was never printed: a later run still finds it unseen.
        again = store.claim_watch_unseen([("w", [b.rowid])], run="r2", now=0.0, until=1e12)
        assert again == [("w", [b.rowid])]
