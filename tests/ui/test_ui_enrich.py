"""After a refresh the reader asks arXiv (a local stand-in) about the new papers."""

from __future__ import annotations

import os
from pathlib import Path

from ui_support import make_app, make_paper, settle

from arxiv_api_fixtures import Meta
from arxiv_api_server import ArxivStandIn
from tui_digest.core.digest_format import write_digest
from tui_digest.core.store import Store

SIZE = (140, 40)


def _config(text: str) -> None:
    path = Path(os.environ["TUI_DIGEST_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def test_refresh_enriches_only_the_new_papers(cache: Path, tmp_path: Path) -> None:
    new = [make_paper(500), make_paper(501)]
    digest = tmp_path / "digest-cs.IR-2024-02-08.md"
    digest.write_text(write_digest(new), encoding="utf-8")
    known = {p.id: Meta(id=p.id, comments=f"comment of {p.id}") for p in new}
    with ArxivStandIn(known) as api:
        _config(
            f'[[sources]]\nname = "local"\nurl = "{digest.as_uri()}"\n\n'
            f'[enrich]\napi_url = "{api.url}"\n'
        )
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
            assert [sorted(a) for a in api.asked] == [sorted(p.id for p in new)]
            with Store.open(cache, readonly=True) as store:
                rec = store.get_paper(new[0].id)
                assert rec is not None and rec.meta is not None
                assert rec.meta.comments == f"comment of {new[0].id}"
            # A second refresh brings nothing new, so nothing more is asked.
            await pilot.press("r")
            await settle(pilot)
            assert len(api.asked) == 1


async def test_after_fetch_false_asks_nothing(cache: Path, tmp_path: Path) -> None:
    digest = tmp_path / "digest-cs.IR-2024-02-08.md"
    digest.write_text(write_digest([make_paper(600)]), encoding="utf-8")
    with ArxivStandIn() as api:
        _config(
            f'[[sources]]\nname = "local"\nurl = "{digest.as_uri()}"\n\n'
            f'[enrich]\napi_url = "{api.url}"\nafter_fetch = false\n'
        )
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("r")
            await settle(pilot)
        assert api.requests == []


class HeldStandIn(ArxivStandIn):
    """Holds its first answer until `release` is set (`held` says it arrived)."""

    def __init__(self, known: dict[str, Meta]) -> None:
        import threading

        super().__init__(known)
        self.held, self.release = threading.Event(), threading.Event()

    def _reply_for(self, request):  # type: ignore[no-untyped-def]
        if not self.held.is_set():
            self.held.set()
            self.release.wait(20)
        return super()._reply_for(request)


async def test_a_refresh_during_an_enrichment_is_asked_about_after_it(
    cache: Path, tmp_path: Path
) -> None:
    """A second `r` while the first refresh's enrichment waited on arXiv: its
    papers were never asked about, and nothing said so (bug hunt `auditrank` #3).
    They are now asked once the running enrichment ends."""
    import asyncio

    first, second = [make_paper(500), make_paper(501)], [make_paper(700), make_paper(701)]
    d1 = tmp_path / "digest-cs.IR-2024-02-08.md"
    d1.write_text(write_digest(first), encoding="utf-8")
    d2 = tmp_path / "digest-cs.IR-2024-02-09.md"  # absent at the first refresh
    known = {p.id: Meta(id=p.id, comments=f"comment of {p.id}") for p in first + second}
    with HeldStandIn(known) as api:
        _config(
            f'[[sources]]\nname = "d1"\nurl = "{d1.as_uri()}"\n\n'
            f'[[sources]]\nname = "d2"\nurl = "{d2.as_uri()}"\n\n'
            f'[enrich]\napi_url = "{api.url}"\n'
        )
        app = make_app(cache, first_run_sample=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            refresher = app.main.refresher
            await pilot.press("r")
            assert await asyncio.to_thread(api.held.wait, 10)
            d2.write_text(write_digest(second), encoding="utf-8")
            await pilot.press("r")

            def d2_fetched() -> bool:
                results = [] if refresher.running else refresher.last_results or []
                return any(r.name == "d2" and r.new for r in results)

            for _ in range(2000):  # (`settle` would wait for the held enrichment)
                if d2_fetched():
                    break
                await pilot.pause(0.005)
            assert d2_fetched()
            assert refresher.enricher.running
            api.release.set()
            await settle(pilot)
            assert not refresher.enricher.running
    asked = [sorted(a) for a in api.asked]
    assert asked == [sorted(p.id for p in first), sorted(p.id for p in second)], asked
    with Store.open(cache, readonly=True) as store:
        rec = store.get_paper(second[0].id)
        assert rec is not None and rec.meta is not None
