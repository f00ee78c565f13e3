"""End to end: arXiv RSS -> fetch -> batched translation -> publish -> a second cache subscribes.

Everything runs against local servers: `FeedServer` plays arXiv and then the
static host of the published folder, `FakeLLM` the OpenAI-compatible model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cli_support import run_cli
from fake_llm_server import FakeLLM, Reply, chinese_for
from feed_server import FeedServer, Request
from feed_server import Reply as HttpReply
from tui_digest.config.loader import load_config
from tui_digest.config.sources import Source
from tui_digest.core.store import Store
from tui_digest.fetch.download import SourceFetcher
from tui_digest.fetch.runner import fetch_all
from tui_digest.publish.run import plan_day, refresh, translate_missing, write_plan
from tui_digest.publish.subscribe import discover
from tui_digest.translate.config import TranslateConfig

FEED = (
    Path(__file__).parent / "fixtures" / "feeds" / "arxiv-rss-cs.AI-2025-09-18.xml"
).read_bytes()
IDS = ["2509.10001", "2509.10002", "2509.10003", "2509.10004"]
STUBBORN = "2509.10003"  # the model never translates this one
DAY = "2025-09-18"


def model(request) -> Reply:
    """Batches translate every paper but STUBBORN; alone, STUBBORN gets no Chinese either."""
    if request.is_batch:
        papers = [
            {"arxiv_id": p["arxiv_id"], **chinese_for(p)}
            for p in request.papers
            if p["arxiv_id"] != STUBBORN
        ]
        return Reply.answer({"papers": papers}, prompt_tokens=300, completion_tokens=200)
    return Reply.malformed("I cannot translate this.")


def serve_folder(server: FeedServer, root: Path, prefix: str = "/site") -> str:
    """Serve every file under `root` at `prefix/…`, read at request time, with ETags."""

    def handler(relative: str):
        def handle(request: Request) -> HttpReply:
            data = (root / relative).read_bytes()
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            if request.headers.get("if-none-match") == etag:
                return HttpReply(304, headers={"ETag": etag})
            return HttpReply(200, body=data, headers={"ETag": etag})

        return handle

    for path in root.rglob("*"):
        if path.is_file():
            relative = path.relative_to(root).as_posix()
            server.route(f"{prefix}/{relative}", handler(relative))
    return server.url(prefix + "/")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


async def publish(store: Store, out: Path, llm: FakeLLM):
    cfg = TranslateConfig(
        base_url=llm.base_url, model="fake-model", enabled=True, concurrency=1, batch_size=4
    )
    plan = plan_day(store)
    report = await translate_missing(store, plan, cfg)
    return report, write_plan(refresh(store, plan), out, title="lab")


@pytest.fixture
def servers():
    with FeedServer() as http, FakeLLM() as llm:
        llm.handler = model
        http.route("/rss/cs.AI", HttpReply(200, body=FEED))
        yield http, llm


async def test_fetch_translate_publish_subscribe(servers, tmp_path) -> None:
    http, llm = servers
    out = tmp_path / "site"

    # The publisher: fetch arXiv, translate (one batch, one paper retried alone), publish.
    publisher = Store.open(tmp_path / "publisher.db")
    [fetched] = await fetch_all(publisher, [Source("arxiv-cs.AI", http.url("/rss/cs.AI"), "arxiv")])
    assert fetched.new == 4
    report, published = await publish(publisher, out, llm)
    assert (report.done, report.failed) == (3, 1)
    assert [r.is_batch for r in llm.requests] == [True, False, False]  # STUBBORN, retried once
    # usage from the server: 300 for the batch, 100 for each single try
    assert report.usage.prompt_tokens == 500 and report.usage.requests == 3
    [day] = published.days
    assert (day.papers, day.untranslated) == (4, 1)  # published all the same
    first = snapshot(out)

    # Publishing the same day again: identical bytes (STUBBORN is tried again, and fails again).
    _, again = await publish(publisher, out, llm)
    assert again.changed == 0 and snapshot(out) == first
    expected = {r.paper.id: r.paper for r in plan_day(publisher).papers["cs.AI"]}
    publisher.close()

    # The subscriber: `sources add` on the served folder, then an ordinary fetch.
    folder_url = serve_folder(http, out)
    async with SourceFetcher() as fetcher:
        found = await discover(folder_url, fetcher)
    assert found.publisher == "lab"
    assert [(s.name, s.kind) for s in found.sources] == [("lab-cs.AI", "digest-feed")]
    assert found.sources[0].url == http.url("/site/cs.AI.xml")
    subscriber = Store.open(tmp_path / "subscriber.db")
    try:
        [got] = await fetch_all(subscriber, found.sources)
        assert (got.status, got.new) == ("new", 4)
        assert [d.name for d in subscriber.digests()] == [f"lab-{'cs.AI'}-{DAY}"]  # the label
        for paper_id in IDS:
            mine, theirs = subscriber.get_paper(paper_id).paper, expected[paper_id]
            assert (mine.title_en, mine.abstract_en) == (theirs.title_en, theirs.abstract_en)
            assert (mine.title_zh, mine.summary_zh, mine.abstract_zh) == (
                theirs.title_zh,
                theirs.summary_zh,
                theirs.abstract_zh,
            )
            if paper_id == STUBBORN:
                assert mine.title_zh == "" and "machine_fields" not in mine.extras
            else:
                assert mine.title_zh.startswith("译题：")
                assert mine.extras["machine_fields"] == "title_zh,summary_zh,abstract_zh"
                assert mine.extras["machine_model"] == "fake-model"
        # A refetch of an unchanged folder: nothing new.
        [again] = await fetch_all(subscriber, found.sources)
        assert again.status == "unchanged"
    finally:
        subscriber.close()


async def test_a_folder_source_follows_its_index(servers, tmp_path) -> None:
    http, llm = servers
    out = tmp_path / "site"
    with Store.open(tmp_path / "publisher.db") as publisher:
        await fetch_all(publisher, [Source("arxiv-cs.AI", http.url("/rss/cs.AI"), "arxiv")])
        await publish(publisher, out, llm)
    (out / "stray.md").write_text("# not a digest listed in the index\n", "utf-8")
    folder_url = serve_folder(http, out)
    sources = [Source("lab-local", str(out)), Source("lab-http", folder_url)]
    with Store.open(tmp_path / "subscriber.db") as subscriber:
        local, remote = await fetch_all(subscriber, sources)
        assert (local.status, local.new, local.error) == ("new", 4, "")
        assert remote.status == "unchanged" and remote.unchanged == 4
        assert {d.source for d in subscriber.digests()} == {
            str(out / "cs.AI.xml"),
            http.url("/site/cs.AI.xml"),
        }
        [back] = await fetch_all(subscriber, [Source("lab-local", str(out))])
        assert back.status == "unchanged"


def test_sources_add_cli_writes_one_source_per_category(tmp_path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    db = tmp_path / "pub.db"
    feed = tmp_path / "cs.AI+cs.CL.xml"  # a listing of two categories
    feed.write_bytes(FEED)
    assert run_cli("import", str(feed), db=db).returncode == 0
    assert (
        run_cli(
            "publish", "--out", str(out), "--no-translate", "--title", "our lab", db=db
        ).returncode
        == 0
    )
    config = tmp_path / "config.toml"
    added = run_cli("sources", "add", str(out), "--config", str(config), db=tmp_path / "sub.db")
    assert added.returncode == 0, added.stderr.decode()
    assert "added our-lab-cs.AI (digest-feed)" in added.stdout.decode()
    cfg = load_config(config)
    mine = {s.name: s for s in cfg.sources if s.name.startswith("our-lab")}
    assert sorted(mine) == ["our-lab-cs.AI", "our-lab-cs.CL"]
    assert mine["our-lab-cs.AI"].url == str(out.resolve() / "cs.AI.xml")
    again = run_cli("sources", "add", str(out), "--config", str(config), db=tmp_path / "sub.db")
    assert again.returncode == 0 and b"already a source" in again.stderr
    secret = run_cli(
        "sources", "add", "https://me:pw@example.org/site/", "--config", str(config), db=db
    )
    assert secret.returncode == 2 and b"pw" not in secret.stderr + secret.stdout
    assert b"https://me:***@example.org/site/: " in secret.stderr
    assert b"serve the folder without one" in secret.stderr
    # A single file: said as a file, with the (masked) URL refused (a bug hunt).
    secret = run_cli(
        "sources", "add", "https://me:pw@example.org/x.md", "--config", str(config), db=db
    )
    assert secret.returncode == 2 and b"pw" not in secret.stderr + secret.stdout
    assert b"https://me:***@example.org/x.md: " in secret.stderr
    assert b"serve the file without one" in secret.stderr
    missing = run_cli("sources", "add", str(tmp_path / "nothing"), "--config", str(config), db=db)
    assert missing.returncode == 2 and b"no such file or folder" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    no_index = run_cli("sources", "add", str(empty), "--config", str(config), db=db)
    assert no_index.returncode == 2 and no_index.stderr.decode() == (
        f"tui-digest: {empty}: not a published folder (no index.json) and no digest or feed "
        "inside (*.md, *.xml, *.rss, *.atom); nothing added\n"
    )
