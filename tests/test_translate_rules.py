"""Machine translation's rules on stored papers (translate.rules over the store's primitives)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_digest.core.extras import Extra, machine_fields
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.translate.rules import (
    MAX_AUTO_TRIES,
    after_fetch_papers,
    apply_translation,
    record_translation_failure,
    translation_candidates,
)


def paper(pid: str, **kw: object) -> Paper:
    kw.setdefault("title_en", f"Title of {pid}")
    return Paper(id=pid, **kw)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


def test_apply_translation_fills_only_empty_fields_and_marks_them(store):
    store.import_digest(Digest("a", papers=[paper("1", abstract_en="English", title_zh="人工")]))
    rec = store.get_paper("1")
    assert [r.paper.id for r in translation_candidates(store)] == ["1"]
    filled = apply_translation(
        store,
        rec.rowid,
        {"title_zh": "机器标题", "summary_zh": "机器\n摘要", "abstract_zh": "机器\x1b正文"},
        model="m1",
    )
    assert filled == ["summary_zh", "abstract_zh"]
    p = store.get_paper(rec.rowid).paper
    assert (p.title_zh, p.summary_zh, p.abstract_zh) == ("人工", "机器 摘要", "机器正文")
    assert p.extras["machine_fields"] == "summary_zh,abstract_zh"
    assert p.extras["machine_model"] == "m1"
    assert store.count("正文") == 1 and store.count("人工") == 1  # the index follows
    assert translation_candidates(store) == []
    assert apply_translation(store, rec.rowid, {"title_zh": "x"}, model="m2") == []
    assert apply_translation(store, 9999, {"title_zh": "x"}, model="m2") is None


def test_translation_failure_is_recorded_capped_and_cleared(store):
    store.import_digest(Digest("a", papers=[paper("1", abstract_en="English")]))
    pk = store.get_paper("1").rowid
    record_translation_failure(store, pk, "bad\x1b answer " + "x" * 5000)
    err = store.get_paper(pk).paper.extras["translate_error"]
    assert err.startswith("bad answer") and len(err) <= 500
    apply_translation(store, pk, {"title_zh": "标题"}, model="m")
    assert "translate_error" not in store.get_paper(pk).paper.extras


def test_human_value_replaces_machine_field_on_import(store):
    store.import_digest(Digest("a", papers=[paper("1", abstract_en="English")]))
    pk = store.get_paper("1").rowid
    apply_translation(store, pk, {"title_zh": "机器", "abstract_zh": "机器摘要"}, model="m")
    store.import_digest(Digest("b", papers=[paper("1", title_zh="人工标题")]))
    p = store.get_paper(pk).paper
    assert p.title_zh == "人工标题" and p.abstract_zh == "机器摘要"
    assert p.extras["machine_fields"] == "abstract_zh" and p.extras["machine_model"] == "m"
    assert store.count("机器") == 1 and store.count("ti:人工") == 1
    store.import_digest(Digest("c", papers=[paper("1", abstract_zh="人工摘要")]))
    p = store.get_paper(pk).paper
    assert p.abstract_zh == "人工摘要"
    assert "machine_fields" not in p.extras and "machine_model" not in p.extras


def test_translation_survives_reopening_the_cache(tmp_path):
    db = tmp_path / "cache.db"
    with Store.open(db) as s:
        s.import_digest(Digest("a", papers=[paper("1", abstract_en="English")]))
        apply_translation(s, s.get_paper("1").rowid, {"title_zh": "机器标题"}, model="m")
    with Store.open(db) as s:
        p = s.get_paper("1").paper
        assert p.title_zh == "机器标题" and machine_fields(p.extras) == ["title_zh"]
        assert p.extras[Extra.MACHINE_MODEL] == "m" and s.count("ti:机器") == 1
        # Still a candidate: its summary and abstract are empty.
        assert [r.paper.id for r in translation_candidates(s)] == ["1"]


def test_update_paper_refuses_to_change_the_id(store):
    store.import_digest(Digest("a", papers=[paper("1")]))
    pk = store.get_paper("1").rowid

    def rename(p: Paper) -> Paper:
        p.id = "2"
        return p

    with pytest.raises(ValueError, match="cannot change a paper's id"):
        store.update_paper(pk, rename)
    assert store.get_paper("1") is not None and store.get_paper("2") is None


def test_find_incomplete_rejects_unknown_columns(store):
    with pytest.raises(ValueError, match="bad columns"):
        store.find_incomplete(missing={"title_zh; DROP TABLE papers": ("title_en",)})


def test_machine_fields_ignores_unknown_names():
    assert machine_fields({Extra.MACHINE_FIELDS: "title_zh, bogus,abstract_zh"}) == [
        "title_zh",
        "abstract_zh",
    ]
    assert machine_fields({}) == []


def test_after_fetch_retries_failures_oldest_first_within_the_room_left(tmp_path):
    """Failures on different days, across restarts: after-fetch translation takes
    the fetch's own papers, then the oldest failure worth trying again."""
    from datetime import UTC, datetime, timedelta

    path = tmp_path / "cache.db"
    day = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    old = [paper(f"2611.0000{i}", abstract_en="English") for i in range(5)]
    with Store.open(path) as store:
        store.import_digest(Digest("old-2026-11-20", date="2026-11-20", papers=old))
        pk = {p.id: store.rowid_of(p.id) for p in old}
        # Failed on days 3, 1, 2 (a timeout, say); one refused for good; one tried too often.
        for i, days in ((0, 3), (1, 1), (2, 2)):
            record_translation_failure(store, pk[old[i].id], "timeout", now=day + timedelta(days))
        record_translation_failure(store, pk[old[3].id], "HTTP 400", permanent=True, now=day)
        for _ in range(MAX_AUTO_TRIES):
            record_translation_failure(store, pk[old[4].id], "malformed", now=day)
    with Store.open(path) as store:  # the next day's cron fetch
        new = [paper("2611.00100", abstract_en="English")]
        store.import_digest(Digest("new-2026-11-24", date="2026-11-24", papers=new))
        plan = after_fetch_papers(store, ["new-2026-11-24"], limit=3)
        new_pk = store.rowid_of("2611.00100")
        assert plan.rowids == [new_pk, pk[old[1].id], pk[old[2].id]]
        assert plan.retried == 2
        # A full run has no room for them; a bigger one takes the third, never the others.
        assert after_fetch_papers(store, ["new-2026-11-24"], limit=1).rowids == [new_pk]
        wide = after_fetch_papers(store, ["new-2026-11-24"], limit=50)
        assert wide.rowids[1:] == [pk[old[i].id] for i in (1, 2, 0)]
        # A success clears the failure and its marks.
        apply_translation(store, pk[old[1].id], {"title_zh": "标题"}, model="m")
        extras = store.get_paper(pk[old[1].id]).paper.extras
        assert not any(k.startswith("translate_") for k in extras)
        assert store.get_paper(pk[old[0].id]).paper.extras[Extra.TRANSLATE_TRIES] == "1"


def test_a_paper_not_sent_keeps_an_earlier_refusal_for_good(store):
    """A run stopped by a rejected key (or a long Retry-After) recorded its papers
    as waiting and wiped a paper's earlier refusal for good and its reason: the
    next fetch sent it again (found by a regression hunt). A paper not sent keeps
    them; one without such a refusal waits, no try counted."""
    store.import_digest(Digest("a", papers=[paper("1", abstract_en="x"), paper("2")]))
    refused, other = (store.get_paper(i).rowid for i in ("1", "2"))
    record_translation_failure(store, refused, "HTTP 400: content filtered", permanent=True)
    record_translation_failure(store, other, "HTTP 500", counted=True)
    for rowid in (refused, other):
        record_translation_failure(store, rowid, "not sent: HTTP 401", counted=False)
    kept = store.get_paper(refused).paper.extras
    assert kept[Extra.TRANSLATE_ERROR] == "HTTP 400: content filtered"
    assert kept[Extra.TRANSLATE_PERMANENT] == "1" and kept[Extra.TRANSLATE_TRIES] == "1"
    waiting = store.get_paper(other).paper.extras
    assert waiting[Extra.TRANSLATE_ERROR] == "not sent: HTTP 401"
    assert waiting[Extra.TRANSLATE_TRIES] == "1"  # the one real failure
    assert [r.paper.id for r in store.get_papers(after_fetch_papers(store, [], 50).rowids)] == ["2"]
