"""The [translate] table: defaults, validation, and keeping the key out of the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tui_digest.config.errors import ConfigError
from tui_digest.config.loader import load_config
from tui_digest.translate.config import (
    SAMPLE_SECTION,
    NotConfigured,
    load_translate_config,
    usable_or_raise,
)

GOOD = """\
[fetch]
concurrency = 2

[translate]
enabled = true
base_url = "https://llm.example.org/v1/"
model = "qwen2.5"
api_key_env = "MY_LLM_KEY"
concurrency = 3
max_papers_per_run = 7
after_fetch = true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, "utf-8")
    return path


def test_good_section_is_read_and_the_fetch_layer_still_reads_the_file(tmp_path) -> None:
    path = write(tmp_path, GOOD)
    cfg = load_translate_config(path)
    assert (cfg.base_url, cfg.model, cfg.api_key_env) == (
        "https://llm.example.org/v1/",
        "qwen2.5",
        "MY_LLM_KEY",
    )
    assert (cfg.concurrency, cfg.max_papers_per_run, cfg.enabled, cfg.after_fetch) == (
        3,
        7,
        True,
        True,
    )
    assert cfg.endpoint == "https://llm.example.org/v1/chat/completions"
    assert load_config(path).fetch.concurrency == 2
    assert usable_or_raise(cfg) is cfg


def test_default_path_comes_from_the_fetch_layer(tmp_path, monkeypatch) -> None:
    path = write(tmp_path, GOOD)
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(path))
    assert load_translate_config().model == "qwen2.5"


def test_full_endpoint_url_is_accepted_as_is(tmp_path) -> None:
    path = write(tmp_path, GOOD.replace("/v1/", "/v1/chat/completions"))
    assert load_translate_config(path).endpoint == "https://llm.example.org/v1/chat/completions"


def test_defaults_are_disabled(tmp_path) -> None:
    cfg = load_translate_config(
        write(tmp_path, '[translate]\nbase_url = "http://localhost:8080"\n')
    )
    assert cfg.enabled is False and cfg.after_fetch is False
    assert (cfg.concurrency, cfg.max_papers_per_run, cfg.api_key_env) == (2, 50, "")
    with pytest.raises(NotConfigured, match="needs model"):
        usable_or_raise(cfg)
    cfg = load_translate_config(
        write(tmp_path, '[translate]\nbase_url = "http://localhost:8080"\nmodel = "m"\n')
    )
    with pytest.raises(NotConfigured, match="disabled"):
        usable_or_raise(cfg)


def test_missing_file_or_section_is_not_configured(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(NotConfigured, match="no config file"):
        load_translate_config()
    with pytest.raises(NotConfigured, match=r"no \[translate\] table"):
        load_translate_config(write(tmp_path, "[fetch]\nconcurrency = 1\n"))


def test_sample_section_is_valid_and_enabled(tmp_path) -> None:
    cfg = load_translate_config(write(tmp_path, SAMPLE_SECTION))
    assert usable_or_raise(cfg).api_key_env == "OPENAI_API_KEY"


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("enabled = 1", "enabled must be true or false", 4),
        ('base_url = "ftp://x/v1"', "must be an http", 3),
        ('base_url = "https://user:pw@x/v1"', "must not contain credentials", 3),
        ("model = 3", "model must be a string", 4),
        ("concurrency = 0", "concurrency must be an integer from 1 to 32", 4),
        ("max_papers_per_run = true", "max_papers_per_run must be an integer", 4),
        ("timeout_seconds = -1", "timeout_seconds must be a number", 4),
    ],
)
def test_bad_values_name_file_line_and_key(tmp_path, body, message, line) -> None:
    """The line is the bad key's own (4), or the table's for a URL (3)."""
    path = write(tmp_path, f"# comment\n\n[translate]\n{body}\n")
    with pytest.raises(ConfigError, match=message) as info:
        load_translate_config(path)
    assert str(info.value).startswith(f"{path}:{line}:")


def test_unknown_key_is_a_warning_not_an_error(tmp_path) -> None:
    path = write(tmp_path, '# comment\n\n[translate]\nmodle = "m"\nbase_url = "https://x.org/v1"\n')
    assert load_translate_config(path).base_url == "https://x.org/v1"
    [warning] = load_config(path).warnings
    assert str(warning) == (
        f"{path}:4: warning: unknown key 'modle' in [translate] is ignored (did you mean 'model'?)"
    )


def test_invalid_toml_is_a_config_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_translate_config(write(tmp_path, "[translate\n"))


SECRET = "sk-live-0123456789abcdef0123"


@pytest.mark.parametrize(
    "line", [f'api_key = "{SECRET}"', f'token = "{SECRET}"', f'api_key_env = "{SECRET}-x"']
)
def test_a_key_in_the_file_is_refused_without_echoing_it(tmp_path, line) -> None:
    path = write(tmp_path, f'[translate]\nbase_url = "https://x.org/v1"\n{line}\n')
    with pytest.raises(ConfigError) as info:
        load_translate_config(path)
    assert SECRET not in str(info.value)
    assert "api_key_env" in str(info.value)


def test_key_over_plain_http_only_to_loopback(tmp_path) -> None:
    body = '[translate]\nbase_url = "{}"\nmodel = "m"\napi_key_env = "K"\n'
    with pytest.raises(ConfigError, match="must use https"):
        load_translate_config(write(tmp_path, body.format("http://llm.lan:8000/v1")))
    for url in ("http://127.0.0.1:9/v1", "http://localhost/v1", "http://[::1]:8/v1"):
        assert load_translate_config(write(tmp_path, body.format(url))).base_url == url
    # Without a key there is nothing to leak.
    no_key = '[translate]\nbase_url = "http://llm.lan:8000/v1"\nmodel = "m"\n'
    assert load_translate_config(write(tmp_path, no_key)).api_key_env == ""


def test_api_key_comes_from_the_named_variable(tmp_path) -> None:
    cfg = load_translate_config(write(tmp_path, GOOD))
    assert cfg.api_key({"MY_LLM_KEY": " k-123 "}) == "k-123"
    with pytest.raises(ConfigError, match=r"\$MY_LLM_KEY, which is not set") as info:
        cfg.api_key({"OTHER": "k-123"})
    assert "k-123" not in str(info.value)
    assert SECRET not in repr(cfg)


def test_sample_parses_as_toml() -> None:
    assert tomllib.loads(SAMPLE_SECTION)["translate"]["enabled"] is True


def test_load_if_enabled(tmp_path, monkeypatch) -> None:
    from tui_digest.translate.config import load_if_enabled

    monkeypatch.setenv("TUI_DIGEST_CONFIG", str(tmp_path / "absent.toml"))
    assert load_if_enabled() is None
    with pytest.raises(ConfigError, match="not found"):  # an explicit path must exist
        load_if_enabled(tmp_path / "absent.toml")
    path = write(tmp_path, "[fetch]\nconcurrency = 1\n")
    assert load_if_enabled(path) is None
    path = write(tmp_path, GOOD.replace("enabled = true", "enabled = false"))
    assert load_if_enabled(path) is None
    path = write(tmp_path, GOOD)
    cfg = load_if_enabled(path)
    assert cfg is not None and cfg.after_fetch is True
    path = write(tmp_path, "[translate]\nconcurrency = 99\n")
    with pytest.raises(ConfigError, match="concurrency"):
        load_if_enabled(path)


def test_a_symlinked_configs_glossary_is_beside_the_real_file(tmp_path: Path) -> None:
    """Bug hunt s41 `auditconf` #5: a config linked from a dotfiles repository looked
    for `glossary = "terms.toml"` beside the link ("glossary file not found"),
    though the program writes and locks that config at the real file. The README
    says "next to this file": the file the user wrote, where the glossary is kept."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "tui.toml").write_text(
        '[translate]\nenabled = true\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "m"\n'
        'glossary = "terms.toml"\n',
        encoding="utf-8",
    )
    (dotfiles / "terms.toml").write_text('"large language model" = "大语言模型"\n', "utf-8")
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(Path("..") / "dotfiles" / "tui.toml")
    glossary = load_translate_config(link).glossary
    assert glossary is not None and glossary.read_text("utf-8").startswith('"large')
    assert glossary.parent.samefile(dotfiles)
    assert load_translate_config(dotfiles / "tui.toml").glossary == glossary
