"""Several papers per request, single-paper fallback, token ceiling, glossary, cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_llm_server import FakeLLM, Reply, chinese_for, translator
from tui_digest.config.errors import ConfigError
from tui_digest.core.readers import read_document
from tui_digest.core.store import Store
from tui_digest.translate.config import TranslateConfig, load_translate_config
from tui_digest.translate.glossary import load_glossary
from tui_digest.translate.rules import translation_candidates
from tui_digest.translate.runner import translate_papers

FEED = (
    Path(__file__).parent / "fixtures" / "feeds" / "arxiv-rss-cs.AI-2025-09-18.xml"
).read_bytes()
IDS = ["2509.10001", "2509.10002", "2509.10003", "2509.10004"]


class NoSleep:
    async def __call__(self, seconds: float) -> None:
        pass


@pytest.fixture
def llm():
    with FakeLLM() as server:
        server.handler = translator(prompt_tokens=100, completion_tokens=40)
        yield server


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    s.import_digest(read_document(FEED, source="https://rss.arxiv.org/rss/cs.AI").digest)
    yield s
    s.close()


def config(llm: FakeLLM, **kw) -> TranslateConfig:
    base = {"base_url": llm.base_url, "model": "fake-model", "enabled": True, "concurrency": 1}
    return TranslateConfig(**{**base, **kw})


def zh(store: Store, paper_id: str) -> tuple[str, str]:
    paper = store.get_paper(paper_id).paper
    return paper.title_zh, paper.extras.get("machine_fields", "")


async def run(store: Store, cfg: TranslateConfig):
    return await translate_papers(store, translation_candidates(store), cfg, sleep=NoSleep())


async def test_batches_of_three_need_two_requests(store, llm) -> None:
    report = await run(store, config(llm, batch_size=3))
    assert report.done == 4 and report.ok
    assert [len(r.papers) for r in llm.requests] == [3, 1]
    assert llm.requests[0].is_batch and not llm.requests[1].is_batch
    assert report.usage.requests == 2 and report.usage.prompt_tokens == 200
    for paper_id in IDS:
        title, machine = zh(store, paper_id)
        assert title.startswith("译题：") and machine == "title_zh,summary_zh,abstract_zh"


async def test_one_bad_entry_is_retried_alone_and_the_rest_kept(store, llm) -> None:
    def handler(request):
        if request.is_batch:
            entries = [{"arxiv_id": p["arxiv_id"], **chinese_for(p)} for p in request.papers]
            entries[1]["title_zh"] = "English only"  # no Chinese: unusable
            del entries[2]  # missing
            return Reply.answer({"papers": entries})
        return Reply.answer(chinese_for(request.paper))

    llm.handler = handler
    report = await run(store, config(llm, batch_size=4))
    assert report.done == 4
    singles = [r.paper["arxiv_id"] for r in llm.requests[1:]]
    assert singles == [IDS[1], IDS[2]]
    assert all(zh(store, i)[0].startswith("译题：") for i in IDS)


async def test_a_batch_answer_that_is_not_json_falls_back_to_single_papers(store, llm) -> None:
    def handler(request):
        if request.is_batch:
            return Reply.malformed("Sure! 这里是翻译")
        return Reply.answer(chinese_for(request.paper))

    llm.handler = handler
    report = await run(store, config(llm, batch_size=2))
    assert report.done == 4
    assert [r.is_batch for r in llm.requests] == [True, False, False, True, False, False]


async def test_a_failing_batch_request_falls_back_and_a_failing_paper_keeps_its_english(
    store, llm
) -> None:
    def handler(request):
        if request.is_batch:
            return Reply.error(500, "overloaded")
        if request.paper["arxiv_id"] == IDS[0]:
            return Reply.malformed("no")
        return Reply.answer(chinese_for(request.paper))

    llm.handler = handler
    report = await run(store, config(llm, batch_size=4))
    assert (report.done, report.failed) == (3, 1)
    assert zh(store, IDS[0]) == ("", "")
    assert "malformed" in store.get_paper(IDS[0]).paper.extras["translate_error"]


async def test_a_rejected_key_on_a_batch_stops_the_run_and_counts_no_try(store, llm) -> None:
    """The papers wait for the next run (after-fetch translation takes them once
    the key works: "left for the next run" was never taken; regression hunt),
    with no try counted against them: the key was at fault, not the papers."""
    llm.script(Reply.error(401, "bad key"))
    report = await run(store, config(llm, batch_size=2))
    assert report.aborted and "HTTP 401" in report.aborted
    assert report.skipped == 4 and len(llm.requests) == 1
    extras = [store.get_paper(i).paper.extras for i in IDS]
    assert all(e.get("translate_error") and "translate_tries" not in e for e in extras)


async def test_the_token_ceiling_stops_new_requests(store, llm) -> None:
    report = await run(store, config(llm, max_tokens_per_run=300))  # 140 tokens a request
    assert (report.done, report.skipped) == (3, 1)
    assert len(llm.requests) == 3
    assert "max_tokens_per_run" in report.outcomes[-1].line()
    assert "1 left for the next run (max_tokens_per_run reached)" in report.summary()
    again = await run(store, config(llm, max_tokens_per_run=300))  # the next run finishes
    assert again.done == 1


async def test_cost_is_estimated_from_the_configured_prices(store, llm) -> None:
    report = await run(store, config(llm, batch_size=4, prompt_price=2.0, completion_price=10.0))
    # one request: 100 prompt + 40 completion tokens
    assert report.cost == pytest.approx((100 * 2.0 + 40 * 10.0) / 1e6)
    assert "estimated cost 0.0006" in report.summary()
    assert "estimated cost" not in (await run(store, config(llm))).summary()


@pytest.mark.parametrize(
    ("cost", "shown"),
    [
        (0.000045, "0.000045"),
        (0.0006, "0.00060"),
        (0.0123, "0.0123"),
        (2.5, "2.5000"),
        (0.0, "0.0000"),
    ],
)
def test_a_small_cost_is_not_rounded_to_zero(cost, shown) -> None:
    # Found by a bug hunt: 150 tokens at 0.15/0.6 per million (0.000045) said "0.0000".
    from tui_digest.translate.runner import TranslateReport

    summary = TranslateReport("m", cost=cost).summary()
    assert f"; estimated cost {shown} (at the configured prices)" in summary


async def test_the_glossary_sends_only_the_terms_the_papers_use(store, llm, tmp_path) -> None:
    terms = tmp_path / "terms.toml"
    terms.write_text(
        '"large language model" = "大语言模型"\n"reward model" = "奖励模型"\n'
        '"diffusion" = "扩散"\n',
        "utf-8",
    )
    cfg_file = tmp_path / "config.toml"
    cfg_file.write_text(
        f'[translate]\nenabled = true\nbase_url = "{llm.base_url}"\nmodel = "m"\n'
        'batch_size = 2\nconcurrency = 1\nglossary = "terms.toml"\n',
        "utf-8",
    )
    cfg = load_translate_config(cfg_file)
    assert cfg.glossary == terms and cfg.batch_size == 2
    await run(store, cfg)
    first, second = llm.requests
    assert first.glossary == {"large language model": "大语言模型"}  # 2509.10001-2
    assert second.glossary == {"reward model": "奖励模型"}  # 2509.10003-4; not "diffusion"


def test_a_broken_glossary_names_its_file_and_line(tmp_path) -> None:
    path = tmp_path / "terms.toml"
    path.write_text('"LLM" = "大语言模型"\n"GNN" = 3\n', "utf-8")
    with pytest.raises(ConfigError, match=r"terms\.toml:2: glossary entry 'GNN' must be a string"):
        load_glossary(path)
    path.write_text('"LLM" = \n', "utf-8")
    with pytest.raises(ConfigError, match=r"terms\.toml: invalid TOML: .*line 1"):
        load_glossary(path)
    with pytest.raises(ConfigError, match="glossary file not found"):
        load_glossary(tmp_path / "missing.toml")


def test_a_bare_key_with_a_dot_is_told_to_be_quoted(tmp_path) -> None:
    """Found by a bug hunt: `GPT-4.5 = "GPT-4.5"` (TOML: table GPT-4, key 5) said
    "glossary entry 'GPT-4' must be a string", a term the user never wrote."""
    path = tmp_path / "terms.toml"
    path.write_text('"LLM" = "大语言模型"\n\nGPT-4.5 = "GPT-4.5"\n', "utf-8")
    with pytest.raises(ConfigError) as info:
        load_glossary(path)
    assert str(info.value) == (
        f"{path}:3: glossary term GPT-4.5 must be quoted: a bare key with a dot names a"
        ' table in TOML (write "GPT-4.5" = "…")'
    )
    path.write_text('[models]\n"GPT-4.5" = "GPT-4.5"\n', "utf-8")
    with pytest.raises(ConfigError, match=r"terms\.toml:1: glossary entry 'models' is a table"):
        load_glossary(path)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ('GPT-4o = "GPT-4o"\nGPT-4.5 = "GPT-4.5"\n', "GPT-4.5"),
        ('LLMs = "大模型"\nLLM.agent = "智能体"\n', "LLM.agent"),
    ],
)
def test_a_dotted_key_names_its_own_line_not_an_earlier_key_it_begins(tmp_path, text, term) -> None:
    """Found by a bug hunt: the line was found by prefix, so `GPT-4o` (line 1) was
    named for `GPT-4.5` (line 2), and `LLMs` for `LLM.agent`."""
    path = tmp_path / "terms.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as info:
        load_glossary(path)
    assert str(info.value).startswith(f"{path}:2: glossary term {term} must be quoted")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("batch_size = 0", "batch_size must be an integer from 1 to 50"),
        ("max_tokens_per_run = -1", "max_tokens_per_run must be an integer"),
        ("price_per_million_prompt_tokens = -2", "prompt_tokens must be a number from 0 to"),
        ("glossary = 3", "glossary must be a string"),
    ],
)
def test_bad_batch_settings_are_refused(tmp_path, line, message) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[translate]\nbase_url = "http://127.0.0.1:1/v1"\n{line}\n', "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_translate_config(path)


def test_batch_answer_json_is_strict_per_paper() -> None:
    from tui_digest.core.model import Paper
    from tui_digest.translate.prompt import MalformedAnswer, parse_batch_answer

    papers = [Paper(id="1", title_en="A", abstract_en="x"), Paper(id="2", title_en="B")]
    good = {"title_zh": "甲", "summary_zh": "乙", "abstract_zh": "丙"}
    answer = json.dumps(
        {"papers": [{"arxiv_id": "1", **good}, {"arxiv_id": "9", **good}, {"arxiv_id": "2"}]}
    )
    done, problems = parse_batch_answer(answer, papers)
    assert list(done) == ["1"] and problems == {"2": "missing title_zh"}
    with pytest.raises(MalformedAnswer, match="not an object"):
        parse_batch_answer(json.dumps([good]), papers)
    with pytest.raises(MalformedAnswer, match='no "papers" list'):
        parse_batch_answer(json.dumps({"1": good}), papers)
