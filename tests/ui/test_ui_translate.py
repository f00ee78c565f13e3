"""Translating from inside the reader: `t`, the not-configured help, the machine mark."""

from __future__ import annotations

import os
from pathlib import Path

from ui_support import detail_text, make_app, make_paper, notes, notifications, settle

from fake_llm_server import FakeLLM, translator
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store

SIZE = (140, 40)
MARK = "机器翻译 · machine-translated"


def write_config(text: str) -> Path:
    path = Path(os.environ["TUI_DIGEST_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    if "[enrich]" not in text:
        # No asking the real arXiv after a refresh (on by default).
        text += "\n[enrich]\nafter_fetch = false\n"
    path.write_text(text, encoding="utf-8")
    return path


def english_only(i: int) -> Paper:
    paper = make_paper(i)
    paper.title_zh = paper.summary_zh = paper.abstract_zh = ""
    return paper


def english_cache(path: Path, count: int = 3) -> Path:
    with Store.open(path) as store:
        store.import_digest(
            Digest(
                name="english-2024-02-06",
                date="2024-02-06",
                papers=[english_only(i) for i in range(count)],
            )
        )
    return path


async def test_t_without_config_says_how_to_configure(cache: Path) -> None:
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        note = next(n for n in notifications(app) if "not configured" in n.message)
        assert note.markup is False
        text = str(note.message)
        assert "[translate]" in text and "base_url" in text and "api_key_env" in text
        assert app.is_running and not app.main.translator.running


async def test_t_with_translation_disabled_says_so(cache: Path) -> None:
    write_config('[translate]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\n')
    app = make_app(cache, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert any("enabled = true" in n for n in notes(app))


async def test_machine_translated_fields_are_marked(tmp_path: Path) -> None:
    paper = make_paper(1)
    paper.extras = {"machine_fields": "title_zh,abstract_zh", "machine_model": "tiny-model"}
    human = make_paper(2)
    path = tmp_path / "marked.db"
    with Store.open(path) as store:
        store.import_digest(Digest(name="d-2024-02-06", date="2024-02-06", papers=[paper, human]))
    app = make_app(path, first_run_sample=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = detail_text(app)
        assert app.main.detail.record.paper.id == paper.id
        assert text.count(f"{MARK} (tiny-model)") == 2
        title_at = text.index(paper.title_zh)
        assert text.index(MARK) == title_at + len(paper.title_zh) + 1  # right under the title
        await pilot.press("l", "l")  # English only: no Chinese, no mark
        assert MARK not in detail_text(app)
        await pilot.press("l", "j")
        await settle(pilot)
        assert app.main.detail.record.paper.id == human.id
        assert MARK not in detail_text(app)


async def test_t_translates_the_current_paper(tmp_path: Path) -> None:
    cache = english_cache(tmp_path / "en.db")
    with FakeLLM() as llm:
        llm.handler = translator()
        write_config(f'[translate]\nenabled = true\nbase_url = "{llm.base_url}"\nmodel = "fake"\n')
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            main = app.main
            await pilot.press("j")
            await settle(pilot)
            current = main.paper_list.current_rowid
            await pilot.press("t")
            await settle(pilot)
            assert len(llm.requests) == 1
            record = Store.open(cache).get_paper(current)
            assert record is not None and record.paper.title_zh.startswith("译题：")
            assert main.paper_list.current_rowid == current
            text = detail_text(app)
            assert record.paper.title_zh in text and f"{MARK} (fake)" in text
            row = main.paper_list.cached_row(current)
            assert row is not None and row.title_zh == record.paper.title_zh
            assert any("translated 1" in n for n in notes(app))


async def test_after_fetch_translates_new_english_papers(tmp_path: Path) -> None:
    from tui_digest.core.digest_format import write_digest

    cache = english_cache(tmp_path / "en.db", count=1)
    digest = tmp_path / "digest-cs.IR-2024-02-08.md"
    digest.write_text(write_digest([english_only(50), english_only(51)]), encoding="utf-8")
    with FakeLLM() as llm:
        llm.handler = translator()
        write_config(
            f'[translate]\nenabled = true\nafter_fetch = true\nbase_url = "{llm.base_url}"\n'
            f'model = "fake"\n\n[[sources]]\nname = "local"\nurl = "{digest.as_uri()}"\n'
        )
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert app.main.matches == 3
            # Only the two fetched papers were sent, not the older English one.
            assert len(llm.requests) == 2
            translated = {r.paper.get("arxiv_id") for r in llm.requests}
            assert translated == {english_only(50).id, english_only(51).id}


async def test_quitting_during_a_translation_saves_the_answers_received(tmp_path: Path) -> None:
    """`q` while a translation was in flight exited at once: a batch's answers
    received but not yet saved were lost (found by a bug hunt). Now `q` stops
    the translation (its request in flight cut off), says so, and exits once
    the answers received are saved."""
    import asyncio
    import threading

    from fake_llm_server import Reply, chinese_for

    cache = english_cache(tmp_path / "en.db", count=2)
    sent_alone = threading.Event()
    with FakeLLM() as llm:

        def handle(request):
            if request.is_batch:  # the first paper missing: it is sent again alone
                papers = [{"arxiv_id": p["arxiv_id"], **chinese_for(p)} for p in request.papers[1:]]
                return Reply.answer({"papers": papers})
            sent_alone.set()
            return Reply.stalled()  # (until the server stops)

        llm.handler = handle
        write_config(
            f'[translate]\nenabled = true\nbase_url = "{llm.base_url}"\nmodel = "fake"\n'
            "batch_size = 2\ntimeout_seconds = 30\n"
        )
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("A", "t")
            assert await asyncio.to_thread(sent_alone.wait, 10)
            batch = llm.requests[0].papers
            await pilot.press("q")
            for _ in range(2000):
                if not app.is_running:
                    break
                await pilot.pause(0.005)
            assert not app.is_running
            assert any("Stopping the translation" in n for n in notes(app))
    assert app.return_code == 0
    with Store.open(cache) as store:
        first, second = (store.get_paper(p["arxiv_id"]).paper for p in batch)
        assert not first.title_zh  # its request was cut off
        assert second.title_zh == chinese_for(batch[1])["title_zh"]  # received: saved
        assert store._conn().execute("SELECT count(*) FROM claims").fetchone()[0] == 0


async def test_t_on_a_selection_whose_numbers_went_to_other_papers_translates_none(
    tmp_path: Path,
) -> None:
    """`t` took the selection's row numbers: after another process's `digests rm`
    + `import` it translated the new papers at those numbers, never selected
    (regression hunt `regselect` #4). It finds each paper by the id shown."""
    cache = tmp_path / "en.db"
    with Store.open(cache) as store:
        store.import_digest(
            Digest(name="keep-2024-02-05", date="2024-02-05", papers=[english_only(0)])
        )
        picked = [english_only(i) for i in (1, 2)]
        store.import_digest(Digest(name="gone-2024-02-06", date="2024-02-06", papers=picked))
    with FakeLLM() as llm:
        llm.handler = translator()
        write_config(f'[translate]\nenabled = true\nbase_url = "{llm.base_url}"\nmodel = "fake"\n')
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.main.show_digest("gone-2024-02-06")
            await settle(pilot)
            await pilot.press("g", "space", "space")
            await settle(pilot)
            selected = sorted(app.main.paper_list.selected)
            assert len(selected) == 2
            with Store.open(cache) as other:
                other.remove_digests(other.digest_pks(["gone-2024-02-06"]))
                new = [english_only(i) for i in (7, 8)]
                other.import_digest(Digest(name="new-2024-02-07", date="2024-02-07", papers=new))
                assert {r.id for r in other.list_rows(selected)} == {p.id for p in new}
            await pilot.press("t")
            await settle(pilot)
            assert llm.requests == []
            assert any("2 papers no longer in the cache" in n for n in notes(app)), notes(app)
    with Store.open(cache) as store:
        assert all(not r.title_zh for r in store.list_rows(selected))


async def until(pilot, done, what: str) -> None:  # type: ignore[no-untyped-def]
    """Pause until `done()` holds (a worker is held on purpose: `settle` would wait)."""
    for _ in range(2000):
        if done():
            return
        await pilot.pause(0.005)
    raise AssertionError(f"never: {what}")


async def test_a_refresh_during_a_translation_translates_its_papers_after_it(
    tmp_path: Path,
) -> None:
    """`r` while `t` translated: the refresh's English-only papers were never
    translated, nothing said so, and no later after-fetch run took them (bug hunt
    `auditrank` #3). They are now translated once the running translation ends."""
    import asyncio
    import threading

    from tui_digest.core.digest_format import write_digest

    cache = english_cache(tmp_path / "en.db", count=1)
    digest = tmp_path / "digest-cs.IR-2024-02-08.md"
    digest.write_text(write_digest([english_only(50), english_only(51)]), encoding="utf-8")
    held, release = threading.Event(), threading.Event()
    with FakeLLM() as llm:
        answer = translator()

        def handle(request):  # type: ignore[no-untyped-def]
            if len(llm.requests) == 1:  # the `t` request: held until the refresh is done
                held.set()
                release.wait(20)
            return answer(request)

        llm.handler = handle
        write_config(
            f'[translate]\nenabled = true\nafter_fetch = true\nbase_url = "{llm.base_url}"\n'
            f'model = "fake"\n\n[[sources]]\nname = "local"\nurl = "{digest.as_uri()}"\n'
        )
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            main = app.main
            await pilot.press("t")
            assert await asyncio.to_thread(held.wait, 10)
            await pilot.press("r")
            await until(pilot, lambda: main.refresher.last_results, "the refresh ended")
            assert main.translator.running
            release.set()
            await settle(pilot)
            sent = [r.paper.get("arxiv_id") for r in llm.requests]
            assert sent[0] == english_only(0).id, sent
            assert sorted(sent[1:]) == sorted([english_only(50).id, english_only(51).id]), sent
            assert not main.translator.running
    with Store.open(cache, readonly=True) as store:
        for i in (0, 50, 51):
            assert store.get_paper(english_only(i).id).paper.title_zh.startswith("译题")
