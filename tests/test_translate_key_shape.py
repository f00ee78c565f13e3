"""A key whose shape no HTTP header can carry: refused before any request, never shown.

Found by a bug hunt: `FAKE_KEY=$'sk-live-ABCDEF\\nsecret2'` (a two-line key file read
with `$(cat keyfile)`) reached httpx, whose error text showed the header as a bytes
repr (`b'Bearer sk-live-ABCDEF\\nsecret2'`); `redact` looked for the key as is, so
the key was printed on stderr, stored as the paper's `translate_error` and shown
in the reader's notification. A non-ASCII key stopped the run with only
"'ascii' codec can't encode characters", naming no variable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_llm_server import FakeLLM, Reply, translator
from tui_digest.config.errors import ConfigError
from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store
from tui_digest.translate.client import LlmClient, TranslateError
from tui_digest.translate.config import TranslateConfig
from tui_digest.translate.runner import translate_papers

TWO_LINES = "sk-live-ABCDEF\nsecret2"


@pytest.fixture
def llm():
    with FakeLLM() as server:
        server.handler = translator()
        yield server


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "cache.db")
    yield s
    s.close()


def config(base_url: str) -> TranslateConfig:
    return TranslateConfig(
        base_url=base_url, model="fake-model", api_key_env="FAKE_KEY", enabled=True
    )


def add_paper(store: Store) -> list[int]:
    paper = Paper(id="2501.07001", title_en="Title", abstract_en="Abstract.")
    store.import_digest(Digest(name="arxiv-cs.CL", date="2025-01-14", papers=[paper]))
    return [r.rowid for r in store.find_incomplete("", missing={"title_zh": ("title_en",)})]


def no_bytes_in_cache(db: Path, *secrets: str) -> None:
    for path in db.parent.glob(db.name + "*"):
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, path


@pytest.mark.parametrize(
    "key",
    [TWO_LINES, "sk-live-ABCDEF\rsecret2", "sk-live-ABCDEF\tsecret2", "sk-live-ABCDEF\x00secret2"],
)
async def test_a_key_with_control_characters_is_refused_before_any_request(
    store, llm, tmp_path, key
) -> None:
    rowids = add_paper(store)
    with pytest.raises(ConfigError) as info:
        await translate_papers(store, rowids, config(llm.base_url), environ={"FAKE_KEY": key})
    message = str(info.value)
    assert "$FAKE_KEY" in message and "control character" in message
    assert "secret2" not in message and "ABCDEF" not in message
    assert llm.requests == []
    [record] = store.get_papers(rowids)
    assert "translate_error" not in record.paper.extras  # not the paper's failure
    store.close()
    no_bytes_in_cache(tmp_path / "cache.db", "secret2", "ABCDEF")


def test_a_trailing_line_break_is_still_stripped() -> None:
    cfg = config("https://llm.example/v1")
    assert cfg.api_key({"FAKE_KEY": "sk-live-ABCDEF\n"}) == "sk-live-ABCDEF"


def test_a_non_ascii_key_is_refused_naming_its_variable() -> None:
    cfg = config("https://llm.example/v1")
    with pytest.raises(ConfigError) as info:
        cfg.api_key({"FAKE_KEY": "sk-clé-123"})
    message = str(info.value)
    assert "$FAKE_KEY" in message and "non-ASCII" in message
    assert "codec" not in message and "clé" not in message and "sk-cl" not in message


@pytest.mark.parametrize(
    "shown",
    [
        "Illegal header value b'Bearer sk-live-ABCDEF\\nsecret2'",  # httpx's bytes repr
        "header 'Bearer sk-live-ABCDEF\\nsecret2' refused",  # a str repr
        '{"auth": "Bearer sk-live-ABCDEF\\nsecret2"}',  # JSON
        "raw: sk-live-ABCDEF\nsecret2",
        "after clean_line: sk-live-ABCDEF secret2",
    ],
)
def test_redact_finds_the_key_in_its_escaped_forms(shown: str) -> None:
    """Second line of defence, should such a key ever reach a request."""
    client = LlmClient(config("https://llm.example/v1"), TWO_LINES)
    redacted = client.redact(shown)
    assert "secret2" not in redacted and "ABCDEF" not in redacted
    assert "[redacted]" in redacted


async def test_a_key_echoed_at_the_end_of_a_long_message_is_not_half_shown(llm) -> None:
    """The server's message was cut to 300 characters before `redact` looked for the
    key, so a key straddling the cut kept its first characters."""
    key = "sk-test-5f3c9a1d2b7e4f60abcdef"
    llm.script(Reply.error(400, "x" * 260 + f" invalid key {key}"))
    cfg = config(llm.base_url)
    async with LlmClient(cfg, key) as client:
        with pytest.raises(TranslateError) as info:
            await client.complete([{"role": "user", "content": "x"}])
    assert "5f3c9a" not in info.value.reason and "sk-test-5f" not in info.value.reason
