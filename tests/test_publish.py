"""`publish`: a day's digests per category written to a folder, stable bytes, index.json."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from cli_support import run_cli
from tui_digest.core.digest_feed import read_digest_feed
from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.publish.folder import PublishError
from tui_digest.publish.run import plan_day, write_plan
from tui_digest.translate.rules import apply_translation

FIXTURES = Path(__file__).parent / "fixtures"
ARXIV_CS_AI = (FIXTURES / "feeds" / "arxiv-rss-cs.AI-2025-09-18.xml").read_bytes()
IDS = ["2509.10001", "2509.10002", "2509.10003", "2509.10004"]
DAY = "2025-09-18"


def import_arxiv(store: Store, data: bytes = ARXIV_CS_AI, url: str = "") -> None:
    result = read_document(data, source=url or "https://rss.arxiv.org/rss/cs.AI")
    assert [p.id for p in result.digest.papers] == IDS
    store.import_digest(result.digest)


def other_day(data: bytes, day: str) -> bytes:
    """The fixture as if arXiv announced it on another day (18 Sep -> `day`)."""
    return data.replace(b"Thu, 18 Sep 2025", f"Thu, {day} Sep 2025".encode())


def _state(folder: Path) -> dict[Path, tuple[bytes, int, int]]:
    """Each file's bytes, modification time and inode: a rewrite changes the last two."""
    return {
        p: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
        for p in folder.rglob("*")
        if p.is_file()
    }


def _imported_with_a_site(tmp_path: Path) -> tuple[Path, Path]:
    """A CLI cache holding the cs.AI feed, and an empty folder to publish into."""
    db = tmp_path / "cli.db"
    feed = tmp_path / "arxiv-cs.AI.xml"
    feed.write_bytes(ARXIV_CS_AI)
    assert run_cli("import", str(feed), db=db).returncode == 0
    out = tmp_path / "site"
    out.mkdir()
    return db, out


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    import_arxiv(s)
    # Two papers translated: one by a model (marked), one as a human would.
    first = s.get_paper("2509.10001")
    apply_translation(
        s,
        first.rowid,
        {
            "title_zh": "部分可观测下的图神经网络规划",
            "summary_zh": "图神经网络做规划。",
            "abstract_zh": "我们研究规划。",
        },
        model="fake-model",
    )
    yield s
    s.close()


def test_publish_writes_markdown_feed_dated_copies_and_index(store, tmp_path) -> None:
    out = tmp_path / "site"
    published = write_plan(plan_day(store), out, title="lab")
    [day] = published.days
    assert (day.category, day.date, day.papers) == ("cs.AI", DAY, 4)
    assert day.untranslated == 3  # published in English, never dropped
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == [
        ".tui-digest.lock",  # folder_lock's (empty; not a temporary file)
        "cs.AI.md",
        "cs.AI.xml",
        f"cs.AI/{DAY}.md",
        f"cs.AI/{DAY}.xml",
        "index.json",
    ]
    assert (out / ".tui-digest.lock").stat().st_size == 0

    md = (out / "cs.AI.md").read_text("utf-8")
    [digest] = store.digests()
    records = store.get_papers(store.list_ids("", digest=digest.name))
    assert md == write_digest(r.paper for r in records)  # the canonical writer, byte for byte
    assert (out / f"cs.AI/{DAY}.md").read_bytes() == md.encode()
    back = read_digest(md).digest.papers
    assert [p.id for p in back] == IDS  # the cs.CL cross-list is in cs.AI's digest
    assert back[0].title_zh == "部分可观测下的图神经网络规划"
    assert back[1].title_zh == "" and back[1].title_en.startswith("A Large Language Model")
    assert "machine" not in md  # Markdown has no place for marks

    feed = read_digest_feed((out / "cs.AI.xml").read_bytes())
    assert not feed.problems
    assert feed.digest.date == DAY and feed.digest.name == f"lab-cs.AI-{DAY}"  # the label
    got = feed.digest.papers
    assert [p.id for p in got] == IDS
    assert got[0].extras["machine_fields"] == "title_zh,summary_zh,abstract_zh"
    assert got[0].summary_zh == "图神经网络做规划。"
    assert "machine_fields" not in got[1].extras and got[1].summary_zh == ""
    assert got[3].abstract_en == records[3].paper.abstract_en  # "&" and "<" survive
    assert write_digest(got) == md  # feed and Markdown carry the same digest

    index = json.loads((out / "index.json").read_text("utf-8"))
    assert index == {
        "format": "tui-digest-publish",
        "version": 1,
        "title": "lab",
        "categories": {
            "cs.AI": {
                "latest": DAY,
                "md": "cs.AI.md",
                "xml": "cs.AI.xml",
                "dates": {
                    DAY: {
                        "md": f"cs.AI/{DAY}.md",
                        "xml": f"cs.AI/{DAY}.xml",
                        "papers": 4,
                        "sha256": hashlib.sha256((out / "cs.AI.xml").read_bytes()).hexdigest(),
                    }
                },
            }
        },
    }


def test_an_untranslated_published_feed_is_read_back_as_a_digest_feed(tmp_path) -> None:
    """Published with no Chinese text at all, the feed was sniffed as arXiv's own
    (its channel <link> is the category feed) and every paper lost its title."""
    s = Store.open(tmp_path / "cache.db")
    import_arxiv(s)
    out = tmp_path / "site"
    write_plan(plan_day(s), out, title="lab")
    s.close()
    data = (out / "cs.AI.xml").read_bytes()
    assert not re.search("[\u3400-\u9fff]", data.decode("utf-8"))  # no CJK to sniff by
    result = read_document(data, source=str(out / "cs.AI.xml"))
    assert result.format == "digest-feed" and not result.problems
    papers = result.digest.papers
    assert [p.id for p in papers] == IDS
    assert all(p.title_en and p.title_zh == "" for p in papers)
    fed = read_document(ARXIV_CS_AI, source="https://rss.arxiv.org/rss/cs.AI").digest.papers
    assert [p.title_en for p in papers] == [p.title_en for p in fed]
    assert [p.abstract_en for p in papers] == [p.abstract_en for p in fed]


def test_republishing_an_unchanged_day_rewrites_nothing(store, tmp_path) -> None:
    out = tmp_path / "site"
    write_plan(plan_day(store), out)
    before = _state(out)
    store.close()
    again = Store.open(tmp_path / "cache.db")  # across a restart
    try:
        published = write_plan(plan_day(again), out)
    finally:
        again.close()
    assert published.changed == 0 and not published.index_changed
    assert published.days[0].line().endswith("unchanged")
    assert _state(out) == before
    assert not [p for p in out.rglob(".tui-digest-*")]  # no temporary files left


def test_a_changed_paper_rewrites_only_that_day(store, tmp_path) -> None:
    out = tmp_path / "site"
    write_plan(plan_day(store), out)
    second = store.get_paper("2509.10002")
    apply_translation(store, second.rowid, {"title_zh": "承认无知的大语言模型"}, model="m")
    published = write_plan(plan_day(store), out)
    assert sorted(published.days[0].written.changed) == [
        "cs.AI.md",
        "cs.AI.xml",
        f"cs.AI/{DAY}.md",
        f"cs.AI/{DAY}.xml",
    ]
    assert published.index_changed  # the feed's hash is in the index
    assert "承认无知的大语言模型" in (out / "cs.AI.md").read_text("utf-8")


def test_an_older_day_never_replaces_the_newest(store, tmp_path) -> None:
    out = tmp_path / "site"
    newer = read_document(other_day(ARXIV_CS_AI, "19"), source="https://rss.arxiv.org/rss/cs.AI")
    newer.digest.papers = newer.digest.papers[:2]
    store.import_digest(newer.digest)
    write_plan(plan_day(store), out)  # the newest day by default
    top = (out / "cs.AI.md").read_bytes()
    assert len(read_digest(top).digest.papers) == 2
    write_plan(plan_day(store, date=DAY), out)
    assert (out / "cs.AI.md").read_bytes() == top
    assert len(read_digest((out / f"cs.AI/{DAY}.md").read_bytes()).digest.papers) == 4
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert index["categories"]["cs.AI"]["latest"] == "2025-09-19"
    assert sorted(index["categories"]["cs.AI"]["dates"]) == [DAY, "2025-09-19"]


def test_a_listing_of_two_categories_splits_by_paper_category(tmp_path) -> None:
    with Store.open(tmp_path / "c.db") as store:
        import_arxiv(store, url="https://rss.arxiv.org/rss/cs.AI+cs.CL")
        plan = plan_day(store)
    assert sorted(plan.papers) == ["cs.AI", "cs.CL"]
    assert [r.paper.id for r in plan.papers["cs.CL"]] == ["2509.10003"]
    assert [r.paper.id for r in plan.papers["cs.AI"]] == ["2509.10001", "2509.10002", "2509.10004"]


def test_query_and_category_narrow_the_day(store, tmp_path) -> None:
    plan = plan_day(store, categories=["cs.AI"], query="reward")
    assert [r.paper.id for r in plan.papers["cs.AI"]] == ["2509.10004"]
    empty = plan_day(store, categories=["cs.LG"])
    published = write_plan(empty, tmp_path / "site")
    assert published.days[0].note.startswith("no papers")
    assert not (tmp_path / "site" / "cs.LG.md").exists()


@pytest.mark.parametrize("bad", ["../etc", "cs.AI/x", "a..b", ".hidden", ""])
def test_a_category_that_is_not_a_file_name_is_refused(store, bad) -> None:
    if not bad:
        assert plan_day(store, categories=[]).papers  # empty list: every category
        return
    with pytest.raises(PublishError, match="not a category name"):
        plan_day(store, categories=[bad])


def test_a_foreign_index_is_refused_and_left_alone(store, tmp_path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.json").write_text('{"something": "else"}')
    with pytest.raises(PublishError, match=r"index\.json: not a tui-digest publish index"):
        write_plan(plan_day(store), out)
    assert (out / "index.json").read_text() == '{"something": "else"}'
    assert not (out / "cs.AI.md").exists()


GOOD_DAY = {"md": "cs.AI/2025-09-17.md", "xml": "cs.AI/2025-09-17.xml", "papers": 3}
GOOD_ENTRY = {"latest": "2025-09-17", "md": "cs.AI.md", "xml": "cs.AI.xml"}


def _index(categories) -> str:
    return json.dumps({"format": "tui-digest-publish", "version": 1, "categories": categories})


@pytest.mark.parametrize(
    ("categories", "why"),
    [
        # Found by a bug hunt: an AttributeError traceback and exit 1.
        ({"cs.AI": []}, "'cs.AI' is not an object"),
        # Found by a bug hunt: kept as "5", so real dates never updated cs.AI.md again.
        ({"cs.AI": {**GOOD_ENTRY, "latest": 5, "dates": {}}}, '"latest" is 5, not a date'),
        ([], '"categories" is not an object'),
        ({"../x": {**GOOD_ENTRY, "dates": {}}}, "'../x' is not a category name"),
        ({"cs.AI": {**GOOD_ENTRY, "dates": []}}, "'cs.AI': \"dates\" is not an object"),
        ({"cs.AI": {**GOOD_ENTRY, "md": 3, "dates": {}}}, '"md" is 3, not a file name'),
        ({"cs.AI": {**GOOD_ENTRY, "dates": {"yesterday": GOOD_DAY}}}, "'yesterday' is not a date"),
        ({"cs.AI": {**GOOD_ENTRY, "dates": {"2025-09-17": "x"}}}, "is not an object"),
        (
            {"cs.AI": {**GOOD_ENTRY, "dates": {"2025-09-17": {**GOOD_DAY, "papers": "3"}}}},
            "\"papers\" is '3', not a count",
        ),
        (
            {"cs.AI": {**GOOD_ENTRY, "dates": {"2025-09-17": {**GOOD_DAY, "sha256": 1}}}},
            '"sha256" is 1, not a SHA-256',
        ),
    ],
)
def test_a_broken_index_is_refused_naming_the_file_and_nothing_is_written(
    tmp_path, categories, why
) -> None:
    db, out = _imported_with_a_site(tmp_path)
    index = out / "index.json"
    index.write_text(_index(categories), "utf-8")
    done = run_cli("publish", "--out", str(out), "--no-translate", db=db)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert f"{index}: " in err and why in err and "Traceback" not in err
    assert [p.name for p in out.iterdir()] == ["index.json"]
    assert index.read_text("utf-8") == _index(categories)


def test_a_broken_index_is_refused_before_any_translation(tmp_path) -> None:
    from fake_llm_server import FakeLLM, translator

    db, out = _imported_with_a_site(tmp_path)
    (out / "index.json").write_text(_index({"cs.AI": []}), "utf-8")
    with FakeLLM() as llm:
        llm.handler = translator(prompt_tokens=300, completion_tokens=100)
        config = tmp_path / "config.toml"
        config.write_text(
            f'[translate]\nenabled = true\nbase_url = "{llm.base_url}"\nmodel = "fake-model"\n',
            "utf-8",
        )
        done = run_cli("publish", "--out", str(out), "--config", str(config), db=db)
    assert done.returncode == 2 and b"is not an object" in done.stderr
    assert llm.requests == []  # nothing paid for a run that cannot publish


def test_a_valid_older_index_without_sha256_is_still_published_into(store, tmp_path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.json").write_text(
        _index({"cs.AI": {**GOOD_ENTRY, "dates": {"2025-09-17": GOOD_DAY}}}), "utf-8"
    )
    write_plan(plan_day(store), out)
    index = json.loads((out / "index.json").read_text("utf-8"))
    assert index["categories"]["cs.AI"]["latest"] == DAY
    assert sorted(index["categories"]["cs.AI"]["dates"]) == ["2025-09-17", DAY]


def test_publish_cli_twice_gives_identical_bytes(tmp_path) -> None:
    db = tmp_path / "cli.db"
    feed = tmp_path / "arxiv-cs.AI.xml"
    feed.write_bytes(ARXIV_CS_AI)
    assert run_cli("import", str(feed), db=db).returncode == 0
    out = tmp_path / "site"
    first = run_cli("publish", "--out", str(out), "--no-translate", db=db)
    assert first.returncode == 0, first.stderr.decode()
    text = first.stdout.decode()
    assert text.startswith(f"cs.AI {DAY}: 4 paper(s), 4 without Chinese fields; wrote")
    snapshot = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    second = run_cli("publish", "--out", str(out), "--no-translate", db=db)
    assert second.returncode == 0
    assert second.stdout.decode().startswith(
        f"cs.AI {DAY}: 4 paper(s), 4 without Chinese fields; unchanged"
    )
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == snapshot
    bad = run_cli("publish", "--out", str(out), "--date", "2025-13-01", db=db)
    assert bad.returncode == 2 and b"not a date" in bad.stderr


@pytest.mark.parametrize(
    "args, why",
    [
        (["--date", "2020-01-01"], "2020-01-01: no digest; nothing published"),
        (["--category", "cs.XX"], "cs.XX: no papers that day; nothing published"),
        (["--query", "nosuchword"], "cs.AI: no papers that day match --query; nothing"),
    ],
)
def test_publish_cli_with_nothing_to_publish_exits_2_and_writes_nothing(
    tmp_path, args, why
) -> None:
    """A cron job (`fetch && publish`) must see that nothing went out."""
    db, out = _imported_with_a_site(tmp_path)
    done = run_cli("publish", "--out", str(out), "--no-translate", *args, db=db)
    assert done.returncode == 2
    assert why in done.stderr.decode() and done.stdout == b""
    assert list(out.iterdir()) == []  # not even an index.json
    # With translation set up but its key missing: no word of "published in English"
    # before "nothing published" (found by a bug hunt).
    config = tmp_path / "config.toml"
    config.write_text(
        '[translate]\nenabled = true\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\n'
        'api_key_env = "TUI_TEST_UNSET_KEY"\n',
        "utf-8",
    )
    done = run_cli("publish", "--out", str(out), "--config", str(config), *args, db=db)
    assert done.returncode == 2 and why in done.stderr.decode()
    assert b"published in English" not in done.stderr


def test_a_newest_day_without_a_categorised_digest_names_them_and_a_day_to_publish(
    tmp_path,
) -> None:
    # Found by a bug hunt: "2026-12-01: no digest; nothing published" while
    # `tui-digest digests` listed seed-digest-2026-12-01.
    db = tmp_path / "cli.db"
    feed = tmp_path / "arxiv-cs.AI.xml"
    feed.write_bytes(ARXIV_CS_AI)
    seed = tmp_path / "seed-digest-2026-12-01.md"
    seed.write_bytes((FIXTURES / "cli" / "mini-2024-03-18.md").read_bytes())
    assert run_cli("import", str(feed), str(seed), db=db).returncode == 0
    out = tmp_path / "site"
    done = run_cli("publish", "--out", str(out), "--no-translate", db=db)
    err = done.stderr.decode()
    assert done.returncode == 2 and done.stdout == b""
    assert "2026-12-01: no digest of that day has a category (seed-digest-2026-12-01)" in err
    assert f"the newest day that can be published is {DAY} (--date {DAY})" in err
    assert not out.exists()
    # No day at all: said so, with the day that can be published.
    done = run_cli("publish", "--out", str(out), "--date", "2020-01-01", db=db)
    err = done.stderr.decode()
    assert "2020-01-01: no digest; nothing published" in err
    assert f"the newest day that can be published is {DAY} (--date {DAY})" in err
    done = run_cli("publish", "--out", str(out), "--no-translate", "--date", DAY, db=db)
    assert done.returncode == 0, done.stderr.decode()


def test_publish_cli_translates_first_within_the_token_ceiling(tmp_path) -> None:
    from fake_llm_server import FakeLLM, translator

    db = tmp_path / "cli.db"
    feed = tmp_path / "arxiv-cs.AI.xml"
    feed.write_bytes(ARXIV_CS_AI)
    assert run_cli("import", str(feed), db=db).returncode == 0
    out = tmp_path / "site"
    with FakeLLM() as llm:
        llm.handler = translator(prompt_tokens=300, completion_tokens=100)
        config = tmp_path / "config.toml"
        config.write_text(
            f'[translate]\nenabled = true\nbase_url = "{llm.base_url}"\nmodel = "fake-model"\n'
            "batch_size = 2\nmax_tokens_per_run = 300\nconcurrency = 1\n"
            "price_per_million_prompt_tokens = 1.0\nprice_per_million_completion_tokens = 2.0\n",
            "utf-8",
        )
        done = run_cli("publish", "--out", str(out), "--config", str(config), db=db)
    text = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    # One batch of two used the ceiling; the other two are published in English.
    assert len(llm.requests) == 1 and llm.requests[0].is_batch
    assert text.startswith(f"cs.AI {DAY}: 4 paper(s), 2 without Chinese fields; wrote")
    assert "tokens: 300 prompt + 100 completion = 400 in 1 request(s)" in text
    assert "estimated cost 0.0005" in text
    assert "2 left for the next run (max_tokens_per_run reached)" in text
    papers = read_digest((out / "cs.AI.md").read_bytes()).digest.papers
    assert [bool(p.title_zh) for p in papers] == [True, True, False, False]


def test_the_title_given_once_stays_until_another_is_given(tmp_path) -> None:
    """Found by a bug hunt: `--title` lasted one run; a later run without it wrote
    "tui-digest" back into index.json, and the folder's feeds then named two publishers."""
    db, out = _imported_with_a_site(tmp_path)

    def publish(*args: str) -> None:
        done = run_cli("publish", "--out", str(out), "--no-translate", *args, db=db)
        assert done.returncode == 0, done.stderr.decode()

    def titles() -> tuple[str, bytes]:
        index = json.loads((out / "index.json").read_bytes())
        return index["title"], (out / "cs.AI.xml").read_bytes()

    publish("--title", "our lab")
    title, feed = titles()
    assert title == "our lab" and b"<title>our lab cs.AI</title>" in feed
    publish("--query", "graph")  # no --title: the folder's own stays
    title, feed = titles()
    assert title == "our lab" and b"<title>our lab cs.AI</title>" in feed
    publish("--title", "other lab")
    assert titles()[0] == "other lab"
    fresh = tmp_path / "fresh"
    done = run_cli("publish", "--out", str(fresh), "--no-translate", db=db)
    assert done.returncode == 0
    assert json.loads((fresh / "index.json").read_bytes())["title"] == "tui-digest"


def test_a_bad_watch_is_warned_and_publish_still_translates(tmp_path) -> None:
    """Found by a bug hunt: a malformed [[watches]] query made the config unusable
    for `publish` too (published in English, or with --no-translate no word at all),
    while other commands exited 2. Now it is warned about and only that watch is out."""
    from fake_llm_server import FakeLLM, translator

    db, out = _imported_with_a_site(tmp_path)
    with FakeLLM() as llm:
        llm.handler = translator()
        config = tmp_path / "config.toml"
        config.write_text(
            f'[translate]\nenabled = true\nbase_url = "{llm.base_url}"\nmodel = "fake-model"\n'
            '\n[[watches]]\nname = "bad"\nquery = "is:bogus"\n',
            "utf-8",
        )
        done = run_cli("publish", "--out", str(out), "--config", str(config), db=db)
    assert done.returncode == 0, done.stderr.decode()
    assert f"{config}:8: warning: watches[1]: watch 'bad'" in done.stderr.decode()
    assert b"published in English" not in done.stderr
    papers = read_digest((out / "cs.AI.md").read_bytes()).digest.papers
    assert all(p.title_zh for p in papers)


def test_a_digest_category_recorded_by_the_store_settles_the_reading() -> None:
    from types import SimpleNamespace

    from tui_digest.core.model import Paper, PaperRecord
    from tui_digest.publish.day import _named

    records = [PaperRecord(1, Paper("1", categories=["q-fin.ST"]))]
    plain = SimpleNamespace(name="lab-2025-09-18", source="/srv/arxiv-q-fin.ST.xml")
    assert _named(plain, records) == {"q-fin.ST"}  # the paper confirms the reading
    # No paper says: the shortest reading, wrong for hyphenated archives (a known limit).
    assert _named(plain, [PaperRecord(1, Paper("1"))]) == {"fin.ST"}
    recorded = SimpleNamespace(name="x", source="/srv/whatever.xml", category="q-fin.ST")
    assert _named(recorded, []) == {"q-fin.ST"}


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ('api_key_env = "TUI_TEST_UNSET_KEY"\n', b"TUI_TEST_UNSET_KEY"),
        ('glossary = "missing-terms.toml"\n', b"glossary file not found"),
    ],
)
def test_a_broken_translation_setup_still_publishes_in_english(tmp_path, extra, why) -> None:
    db = tmp_path / "cli.db"
    feed = tmp_path / "arxiv-cs.AI.xml"
    feed.write_bytes(ARXIV_CS_AI)
    assert run_cli("import", str(feed), db=db).returncode == 0
    config = tmp_path / "config.toml"
    config.write_text(
        '[translate]\nenabled = true\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\n' + extra,
        "utf-8",
    )
    out = tmp_path / "site"
    done = run_cli("publish", "--out", str(out), "--config", str(config), db=db)
    assert done.returncode == 1  # published, but something needs fixing
    assert why in done.stderr and b"published in English" in done.stderr
    assert len(read_digest((out / "cs.AI.md").read_bytes()).digest.papers) == 4


def test_real_digests_are_published_byte_for_byte(excerpts, tmp_path) -> None:
    """Each real generator digest (its excerpt, cut at test time), imported then published."""
    for path in sorted(excerpts.glob("digest-cs.*.md")):
        category = path.name.split("-")[1]  # digest-cs.AI-2023-07-27-… -> cs.AI
        with Store.open(tmp_path / f"{path.stem}.db") as store:
            store.import_digest(read_document(path.read_bytes(), source=str(path)).digest)
            published = write_plan(plan_day(store, categories=[category]), tmp_path / path.stem)
        assert published.days[0].papers > 0, path.name
        assert (tmp_path / path.stem / f"{category}.md").read_bytes() == path.read_bytes()
