"""translate_papers against a real Store and the fake LLM server, end to end."""

from __future__ import annotations

import json

import pytest

from fake_llm_server import FakeLLM, Reply, chinese_for, translator
from tui_digest.config.errors import ConfigError
from tui_digest.core import export
from tui_digest.core.digest_format import read_digest, write_digest
from tui_digest.core.model import Digest, Paper
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.translate.config import NotConfigured, TranslateConfig
from tui_digest.translate.rules import translation_candidates
from tui_digest.translate.runner import translate_papers

KEY = "sk-test-9c1e47a2d83b5f06"
ENV = {"TUI_TEST_LLM_KEY": KEY}

# arXiv's RSS 2.0 listing as served since 2024 (rss.arxiv.org): three papers.
PAPERS = [
    (
        "2501.07001v1",
        "new",
        "Sparse Attention for Long Legal Documents",
        "We propose a sparse attention scheme for legal documents longer than 100k tokens "
        "and show gains on three benchmarks.",
        "cs.CL",
        "Mei Lin, Jonas Berg",
    ),
    (
        "2501.07002v2",
        "replace",
        "Counting Tokens: A Tokenizer Audit",
        "We audit twelve tokenizers and find that byte fallback hides 4% of unknown characters.",
        "cs.CL",
        "Ada Okafor",
    ),
    (
        "2501.07003v1",
        "cross",
        "Dialogue State Tracking with Small Models",
        "A 300M-parameter model matches larger ones on MultiWOZ when trained with "
        "synthetic dialogues.",
        "cs.AI",
        "Sam Reyes, Li Wei, Kofi Mensah",
    ),
]
DATE = "Tue, 14 Jan 2025 00:00:00 -0500"


def _item(full_id: str, kind: str, title: str, abstract: str, cat: str, authors: str) -> str:
    arxiv_id = full_id.split("v")[0]
    return (
        "    <item>\n"
        f"      <title>{title}</title>\n"
        f"      <link>https://arxiv.org/abs/{arxiv_id}</link>\n"
        # arXiv writes a space before the newline after the announce type.
        f"      <description>arXiv:{full_id} Announce Type: {kind} \nAbstract: {abstract}"
        "</description>\n"
        f'      <guid isPermaLink="false">oai:arXiv.org:{full_id}</guid>\n'
        f"      <category>{cat}</category>\n"
        f"      <pubDate>{DATE}</pubDate>\n"
        f"      <arxiv:announce_type>{kind}</arxiv:announce_type>\n"
        "      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>\n"
        f"      <dc:creator>{authors}</dc:creator>\n"
        "    </item>\n"
    )


ARXIV_RSS = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">\n'
    "  <channel>\n"
    "    <title>cs.CL updates on arXiv.org</title>\n"
    "    <link>http://rss.arxiv.org/rss/cs.CL</link>\n"
    "    <description>cs.CL updates on the arXiv.org e-print archive.</description>\n"
    '    <atom:link href="https://rss.arxiv.org/rss/cs.CL" rel="self" '
    'type="application/rss+xml"/>\n'
    "    <docs>http://www.rssboard.org/rss-specification</docs>\n"
    "    <language>en-us</language>\n"
    f"    <lastBuildDate>{DATE}</lastBuildDate>\n"
    "    <managingEditor>rss-help@arxiv.org</managingEditor>\n"
    f"    <pubDate>{DATE}</pubDate>\n"
    "    <skipDays><day>Saturday</day><day>Sunday</day></skipDays>\n"
    + "".join(_item(*p) for p in PAPERS)
    + "  </channel>\n</rss>\n"
).encode()

IDS = ["2501.07001", "2501.07002", "2501.07003"]


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def llm():
    with FakeLLM() as server:
        server.handler = translator(prompt_tokens=100, completion_tokens=40)
        yield server


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


def import_feed(store: Store) -> None:
    result = read_document(ARXIV_RSS, source="arxiv-cs.CL.xml")
    assert result.format == "arxiv" and [p.id for p in result.digest.papers] == IDS
    assert all(not p.title_zh for p in result.digest.papers)
    store.import_digest(result.digest)


def config(llm: FakeLLM, **kw) -> TranslateConfig:
    base = {
        "base_url": llm.base_url,
        "model": "fake-model",
        "api_key_env": "TUI_TEST_LLM_KEY",
        "enabled": True,
        "concurrency": 2,
    }
    return TranslateConfig(**{**base, **kw})


def paper_with(store: Store, paper_id: str) -> Paper:
    record = store.get_paper(paper_id)
    assert record is not None
    return record.paper


async def test_feed_translate_export_read_back(store, llm, tmp_path) -> None:
    import_feed(store)
    candidates = translation_candidates(store)
    assert sorted(r.paper.id for r in candidates) == IDS
    seen: list[tuple[int, int, str]] = []
    report = await translate_papers(
        store,
        candidates,
        config(llm),
        environ=ENV,
        progress=lambda done, total, o: seen.append((done, total, o.status)),
    )
    assert (report.done, report.failed, report.skipped, report.aborted) == (3, 0, 0, "")
    assert sorted(seen) == [(1, 3, "done"), (2, 3, "done"), (3, 3, "done")]
    assert all(o.filled == ["title_zh", "summary_zh", "abstract_zh"] for o in report.outcomes)
    assert (report.usage.prompt_tokens, report.usage.completion_tokens) == (300, 120)
    assert report.usage.requests == 3
    assert "300 prompt + 120 completion = 420 in 3 request(s)" in report.summary()

    # Every request carried the key from the environment and that paper's English.
    assert len(llm.requests) == 3
    for request in llm.requests:
        assert request.headers["authorization"] == f"Bearer {KEY}"
        paper = paper_with(store, request.paper["arxiv_id"])
        assert paper.title_en in request.prompt and paper.abstract_en in request.prompt

    for paper_id in IDS:
        paper = paper_with(store, paper_id)
        assert paper.title_zh.startswith(f"译题：{paper.title_en}（译")
        assert paper.summary_zh.startswith("本文研究") and paper.abstract_zh.startswith("摘要译文")
        assert set(paper.extras["machine_fields"].split(",")) == {
            "title_zh",
            "summary_zh",
            "abstract_zh",
        }
        assert paper.extras["machine_model"] == "fake-model"
    assert translation_candidates(store) == []

    # Export as a digest and read it back: both languages are there.
    records = store.get_papers(store.list_ids(""))
    text = write_digest(r.paper for r in records)
    back = read_digest(text, source="export.md")
    assert back.problems == []
    assert sorted(p.id for p in back.digest.papers) == IDS
    for paper in back.digest.papers:
        original = paper_with(store, paper.id)
        assert paper.title_en == original.title_en and paper.abstract_en == original.abstract_en
        assert paper.title_zh == original.title_zh
        assert paper.summary_zh == original.summary_zh
        assert paper.abstract_zh == original.abstract_zh

    # The key is nowhere on disk or in any export.
    store.close()
    for path in tmp_path.glob("cache.db*"):
        assert KEY.encode() not in path.read_bytes()
    assert KEY not in text and KEY not in export.to_json(records)
    assert KEY not in export.to_bibtex(records)
    assert KEY not in report.summary() and KEY not in repr(report)


async def test_chinese_from_a_digest_is_never_overwritten(store, llm) -> None:
    import_feed(store)
    human = Paper(
        id="2501.07001",
        title_en="Sparse Attention for Long Legal Documents",
        title_zh="面向长篇法律文书的稀疏注意力",  # from a human digest
        summary_zh="",
        abstract_zh="",
    )
    full = Paper(
        id="2501.07002",
        title_en="Counting Tokens: A Tokenizer Audit",
        title_zh="数词元：分词器审计",
        summary_zh="本文审计了十二种分词器。",
        abstract_zh="我们审计了十二种分词器。",
    )
    store.import_digest(Digest(name="digest-cs.CL-2025-01-14", papers=[human, full]))
    candidates = translation_candidates(store)
    assert sorted(r.paper.id for r in candidates) == ["2501.07001", "2501.07003"]

    # Even asked explicitly, a complete paper is not sent; a partial one keeps its title.
    rowids = [store.get_paper(i).rowid for i in IDS]
    report = await translate_papers(store, rowids, config(llm), environ=ENV)
    assert sorted(o.id for o in report.outcomes) == ["2501.07001", "2501.07003"]
    assert sorted(r.paper["arxiv_id"] for r in llm.requests) == ["2501.07001", "2501.07003"]

    partial = paper_with(store, "2501.07001")
    assert partial.title_zh == "面向长篇法律文书的稀疏注意力"
    assert partial.summary_zh.startswith("本文研究")
    assert set(partial.extras["machine_fields"].split(",")) == {"summary_zh", "abstract_zh"}
    outcome = next(o for o in report.outcomes if o.id == "2501.07001")
    assert outcome.filled == ["summary_zh", "abstract_zh"]

    untouched = paper_with(store, "2501.07002")
    assert (untouched.title_zh, untouched.summary_zh, untouched.abstract_zh) == (
        full.title_zh,
        full.summary_zh,
        full.abstract_zh,
    )
    assert "machine_fields" not in untouched.extras


async def test_a_later_human_digest_replaces_machine_fields(store, llm) -> None:
    import_feed(store)
    await translate_papers(store, translation_candidates(store), config(llm), environ=ENV)
    assert paper_with(store, "2501.07003").title_zh.startswith("译题")
    human = Paper(
        id="2501.07003",
        title_en="Dialogue State Tracking with Small Models",
        title_zh="小模型的对话状态追踪",
        summary_zh="小模型也能做好对话状态追踪。",
        abstract_zh="一个三亿参数的模型在MultiWOZ上与大模型相当。",
    )
    store.import_digest(Digest(name="digest-cs.CL-2025-01-15", papers=[human]))
    paper = paper_with(store, "2501.07003")
    assert (paper.title_zh, paper.summary_zh, paper.abstract_zh) == (
        human.title_zh,
        human.summary_zh,
        human.abstract_zh,
    )
    assert not paper.extras.get("machine_fields")


async def test_a_failing_paper_keeps_its_english_and_records_why(store, llm) -> None:
    import_feed(store)

    def handler(request):
        if request.paper["arxiv_id"] == "2501.07002":
            return Reply.malformed("I cannot translate this.", prompt_tokens=5, completion_tokens=2)
        return Reply.answer(chinese_for(request.paper), prompt_tokens=10, completion_tokens=4)

    llm.handler = handler
    report = await translate_papers(store, translation_candidates(store), config(llm), environ=ENV)
    assert (report.done, report.failed) == (2, 1)
    failed = next(o for o in report.outcomes if o.status == "failed")
    assert failed.id == "2501.07002" and "malformed answer twice: not JSON" in failed.error
    assert failed.line().startswith("2501.07002: failed (malformed answer twice")
    # Usage counts the failed paper's two answers too.
    assert (report.usage.prompt_tokens, report.usage.completion_tokens) == (30, 12)
    paper = paper_with(store, "2501.07002")
    assert paper.title_zh == "" and paper.title_en.startswith("Counting Tokens")
    assert "malformed answer twice" in paper.extras["translate_error"]
    assert [r.paper.id for r in translation_candidates(store)] == ["2501.07002"]

    # A later success clears the recorded failure.
    llm.handler = translator()
    report = await translate_papers(store, translation_candidates(store), config(llm), environ=ENV)
    assert report.done == 1
    paper = paper_with(store, "2501.07002")
    assert paper.title_zh and "translate_error" not in paper.extras


async def test_rate_limit_is_waited_out_with_the_injected_sleep(store, llm) -> None:
    import_feed(store)
    llm.script(Reply.rate_limited(12), Reply.answer(chinese_for({"title": "x"})))
    sleeps = Sleeps()
    candidates = translation_candidates(store, limit=1)
    report = await translate_papers(store, candidates, config(llm), environ=ENV, sleep=sleeps)
    assert report.done == 1 and sleeps.calls == [12.0]
    assert len(llm.requests) == 2


async def test_a_rejected_key_stops_the_batch_and_counts_no_try(store, llm) -> None:
    import_feed(store)
    llm.script(Reply.error(401, f"Incorrect API key provided: {KEY}"))
    report = await translate_papers(
        store, translation_candidates(store), config(llm, concurrency=1), environ=ENV
    )
    assert report.aborted and "HTTP 401" in report.aborted
    assert (report.failed, report.skipped) == (1, 2)
    assert len(llm.requests) == 1
    assert KEY not in report.summary()
    assert all(KEY not in o.line() for o in report.outcomes)
    for paper_id in IDS:  # waiting for the next run, no try counted, the key not stored
        extras = paper_with(store, paper_id).extras
        assert "translate_tries" not in extras and KEY not in extras.get("translate_error", "")


async def test_max_papers_per_run_caps_the_batch(store, llm) -> None:
    import_feed(store)
    report = await translate_papers(
        store, translation_candidates(store), config(llm, max_papers_per_run=2), environ=ENV
    )
    assert (report.done, report.over_limit) == (2, 1)
    assert "1 more left for the next run" in report.summary()
    assert len(llm.requests) == 2


async def test_query_filters_candidates(store, llm) -> None:
    import_feed(store)
    assert [r.paper.id for r in translation_candidates(store, "tokenizer")] == ["2501.07002"]
    assert len(translation_candidates(store, limit=2)) == 2


async def test_model_output_is_cleaned_before_storing(store, llm) -> None:
    import_feed(store)
    llm.script(
        Reply.answer(
            {
                "title_zh": "标题\x1b]8;;http://evil\x07链接\u202e",
                "summary_zh": "一句\n话。",
                "abstract_zh": "摘要\x00正文",
            }
        )
    )
    [record] = translation_candidates(store, limit=1)
    await translate_papers(store, [record], config(llm), environ=ENV)
    paper = paper_with(store, record.paper.id)
    assert paper.title_zh == "标题]8;;http://evil链接"
    assert paper.summary_zh == "一句 话。" and paper.abstract_zh == "摘要正文"


async def test_not_enabled_or_missing_key_raises_before_any_request(store, llm) -> None:
    import_feed(store)
    with pytest.raises(NotConfigured, match="disabled"):
        await translate_papers(store, [1], config(llm, enabled=False), environ=ENV)
    with pytest.raises(ConfigError, match="TUI_TEST_LLM_KEY"):
        await translate_papers(store, [1], config(llm), environ={})
    assert llm.requests == []


async def test_nothing_to_do_sends_nothing(store, llm) -> None:
    report = await translate_papers(store, [999], config(llm), environ=ENV)
    assert report.outcomes == [] and llm.requests == []
    assert json.dumps(report.usage.requests) == "0"


async def test_a_paper_without_an_english_abstract_is_translated_once(store, llm) -> None:
    """It gets a Chinese title and summary, never a Chinese abstract: it was asked for
    one again at every run, a request and its tokens each time (found by a bug hunt)."""
    from tui_digest.core.model import Digest

    store.import_digest(
        Digest("d", papers=[Paper(id="2501.09001", title_en="A title only", abstract_en="")])
    )
    assert [r.paper.id for r in translation_candidates(store)] == ["2501.09001"]
    first = await translate_papers(store, translation_candidates(store), config(llm), environ=ENV)
    assert first.done == 1 and len(llm.requests) == 1
    paper = paper_with(store, "2501.09001")
    assert paper.title_zh and paper.summary_zh and paper.abstract_zh == ""
    assert translation_candidates(store) == []  # a second run asks nothing
    again = await translate_papers(store, [store.get_paper("2501.09001")], config(llm), environ=ENV)
    assert again.done == 0 and len(llm.requests) == 1
