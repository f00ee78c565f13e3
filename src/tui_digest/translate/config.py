"""The [translate] table of the config file (the same file as [fetch] and [[sources]]).

    [translate]
    enabled = true
    base_url = "https://api.openai.com/v1"   # any OpenAI-compatible server
    model = "gpt-4o-mini"
    api_key_env = "OPENAI_API_KEY"           # the NAME of the variable, never the key
    concurrency = 2
    max_papers_per_run = 50
    after_fetch = false                      # translate new papers after each fetch
    timeout_seconds = 120                    # per request
    batch_size = 1                           # papers per request (1 = one paper per request)
    max_tokens_per_run = 0                   # stop sending once a run used this many (0 = no cap)
    glossary = "terms.toml"                  # English term = "中文" pairs, relative to this file
    price_per_million_prompt_tokens = 0.15   # for the cost estimate (your provider's price)
    price_per_million_completion_tokens = 0.6

The key itself is read from the environment at run time and is never written
to the config, the cache, logs, error messages or exports. A config that holds
an `api_key` is refused (without echoing it).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tui_digest.config.errors import ConfigError
from tui_digest.config.fields import Table
from tui_digest.config.loader import Config, load_config
from tui_digest.config.schema import TRANSLATE_KEYS
from tui_digest.config.toml_file import at, line_of
from tui_digest.net.options import HttpOptions
from tui_digest.net.urls import display_url

SAMPLE_SECTION = """\
[translate]
enabled = true
base_url = "https://api.openai.com/v1"   # any OpenAI-compatible chat-completions server
model = "gpt-4o-mini"
api_key_env = "OPENAI_API_KEY"           # name of the environment variable holding the key
concurrency = 2                          # requests in flight at once
max_papers_per_run = 50
after_fetch = false                      # also translate after each fetch (CLI or reader)
"""

KEYS = frozenset(TRANSLATE_KEYS)
PRICE_KEYS = ("price_per_million_prompt_tokens", "price_per_million_completion_tokens")
# Names that suggest a secret was pasted into the file.
_SECRET_KEYS = frozenset({"api_key", "key", "token", "secret", "password", "authorization"})
_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def looks_like_key(name: str) -> bool:
    """Whether an api_key_env value looks like a key rather than a variable's name.

    Our heuristic, no documented rule: variable names are words joined by `_`
    (`OPENAI_API_KEY`, `GROQ_KEY_2`); keys are long random runs (`gsk_` and 52
    letters and digits, 64 hex digits). So: longer than 40 characters, or a run
    of 16 or more between underscores mixing letters and digits.
    """
    if len(name) > 40:
        return True
    return any(
        len(run) >= 16 and any(c.isdigit() for c in run) and any(c.isalpha() for c in run)
        for run in name.split("_")
    )


def shown_name(name: str) -> str:
    """api_key_env as messages show it: whole, unless it looks like a key (then
    its first 4 characters, enough to recognise `gsk_`, `hf_x`, and its length)."""
    if not looks_like_key(name):
        return name
    return f"{name[:4]}… ({len(name)} characters)"


class NotConfigured(ConfigError):
    """No usable [translate] table; the message says why, SAMPLE_SECTION says how."""


@dataclass(frozen=True, slots=True)
class TranslateConfig:
    base_url: str
    model: str
    api_key_env: str = ""  # "" = send no Authorization header (local servers)
    concurrency: int = 2
    max_papers_per_run: int = 50
    enabled: bool = False
    after_fetch: bool = False
    timeout_seconds: float = 120.0
    path: Path | None = None  # the file it came from, for messages
    batch_size: int = 1  # papers per request
    max_tokens_per_run: int = 0  # prompt + completion tokens a run may use; 0 = no ceiling
    glossary: Path | None = None  # English -> Chinese terms file
    # Prices per million tokens, in whatever currency the user's provider bills;
    # both 0 = no cost estimate (we know no provider's prices).
    prompt_price: float = 0.0
    completion_price: float = 0.0

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        """The estimated cost of that usage, or None when no prices are configured."""
        if not (self.prompt_price or self.completion_price):
            return None
        return (prompt_tokens * self.prompt_price + completion_tokens * self.completion_price) / 1e6

    @property
    def endpoint(self) -> str:
        """The URL requests go to: `/chat/completions` joined to base_url's PATH.

        The rule is the README's ("Translating English-only papers"): base_url is
        the API's root (`https://api.openai.com/v1`, Ollama's `http://localhost:11434/v1`)
        and the chat-completions endpoint is below it. A base_url whose path ends in
        `/chat/completions` already is taken as the endpoint itself: our own
        tolerance (kept from the first version, tests/test_translate_config.py),
        not a provider's rule; adding the path twice would name nothing. Its query
        (`?api-version=…` that some deployments require) stays after the path:
        concatenated, it became `?api-version=2024-06-01/chat/completions`.
        """
        try:
            parts = urlsplit(self.base_url)
        except ValueError:  # (a malformed host: parse_translate refuses those)
            return self.base_url
        path = parts.path.rstrip("/")
        if not path.endswith("/chat/completions"):
            path += "/chat/completions"
        return urlunsplit(parts._replace(path=path))

    @property
    def shown_url(self) -> str:
        """The endpoint as messages show it: no query value (it may be a key), no password."""
        return display_url(self.endpoint, query=True)

    @property
    def configured(self) -> bool:
        return bool(self.base_url and self.model)

    def api_key(self, environ: Mapping[str, str] | None = None) -> str:
        """The key from the environment ("" when none is configured).

        Raises ConfigError naming the variable (never a value) when it is unset.
        """
        if not self.api_key_env:
            return ""
        env = os.environ if environ is None else environ
        key = env.get(self.api_key_env, "").strip()
        if not key:
            where = f"{self.path}: " if self.path else ""
            if looks_like_key(self.api_key_env):
                # A key pasted where its variable's name goes (`gsk_Q8w7…` passes as
                # a name): echoed, it reached the terminal, a log, a notification.
                raise ConfigError(
                    f"{where}translate.api_key_env is {shown_name(self.api_key_env)}, which is "
                    "not set in the environment and looks like a key itself: put the key in "
                    'an environment variable and give its NAME (api_key_env = "OPENAI_API_KEY")'
                )
            raise ConfigError(
                f"{where}translate.api_key_env names ${self.api_key_env}, "
                "which is not set in the environment"
            )
        problem, advice = _key_problem(key)
        if problem:
            # The key itself is never shown: only where the trouble is.
            where = f"{self.path}: " if self.path else ""
            raise ConfigError(
                f"{where}translate.api_key_env: the key in ${shown_name(self.api_key_env)} "
                f"holds {problem}, which no HTTP header can carry, so nothing was sent: {advice}"
            )
        return key

    def http_options(self) -> HttpOptions:
        """The fetch layer's options, tuned for slow LLM answers."""
        return HttpOptions(
            connect_timeout=min(10.0, self.timeout_seconds),
            read_timeout=self.timeout_seconds,
            deadline=self.timeout_seconds,
            retry_on_deadline=True,  # one slow answer says little about the next
            max_bytes=4 * 1024 * 1024,
            retries=3,
            concurrency=self.concurrency,
        )

    def __repr__(self) -> str:  # no secret inside, but keep repr short for logs
        return (
            f"TranslateConfig(base_url={display_url(self.base_url, query=True)!r}, "
            f"model={self.model!r}, "
            f"api_key_env={shown_name(self.api_key_env)!r}, enabled={self.enabled})"
        )


def load_translate_config(
    path: str | Path | None = None, *, config: Config | None = None
) -> TranslateConfig:
    """Read [translate] from the config file (or from `config`, already read).

    Raises ConfigError or NotConfigured.
    """
    if config is None:
        config = load_config(path, must_exist=path is not None)
    where = config.path
    if not config.exists:
        raise NotConfigured(f"{where}: no config file, so translation is not configured")
    return parse_translate(config.data.get("translate"), where=where, text=config.text)


def load_if_enabled(path: str | Path | None = None) -> TranslateConfig | None:
    """For the reader: the config when translation is enabled and complete, else None.

    A broken [translate] table still raises ConfigError, so the user hears about it.
    """
    try:
        return usable_or_raise(load_translate_config(path))
    except NotConfigured:
        return None


def parse_translate(raw: Any, *, where: Path, text: str = "") -> TranslateConfig:
    """Validate a [translate] table (None when the file has none).

    Unknown keys are not errors here: `load_config` warns about them, for every table.
    """
    line = line_of(text, "translate") if text else 0
    if raw is None:
        raise NotConfigured(f"{where}: no [translate] table, so translation is not configured")
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{at(where, line)}: [translate] must be a table")
    table = Table(raw, name="translate", path=where, line=line, text=text)
    secrets = sorted(k for k in raw if k.lower() in _SECRET_KEYS)
    if secrets:
        # The value is deliberately not shown: it may be the key itself.
        raise ConfigError(
            f"{table.where}: translate.{secrets[0]} is not allowed: keep the key out of the "
            "config file, in an environment variable, and name that variable with "
            'api_key_env = "NAME"'
        )
    base_url = table.string("base_url")
    api_key_env = table.string("api_key_env")
    if api_key_env and not _ENV_NAME_RE.fullmatch(api_key_env):
        # Something that is not a variable name is probably a pasted key: do not echo it.
        raise table.error(
            "api_key_env",
            "must be the NAME of an environment variable (letters, digits, _), not the key itself",
        )
    if base_url:
        problem = _url_problem(base_url, bool(api_key_env))
        if problem:
            raise ConfigError(f"{table.where}: translate.base_url: {problem}")
    glossary = table.string("glossary")
    # Next to the config file the user wrote: for a config linked from a dotfiles
    # repository, next to the real file (as it is written and locked there), not
    # the link (bug hunt s41 `auditconf` #5).
    beside = Path(os.path.realpath(where)).parent
    prices = [table.number(key, 0.0, 0.0, 999_999.0) for key in PRICE_KEYS]
    return TranslateConfig(
        batch_size=table.integer("batch_size", 1, 1, 50),
        max_tokens_per_run=table.integer("max_tokens_per_run", 0, 0, 10**12),
        glossary=(beside / Path(glossary).expanduser()) if glossary else None,
        prompt_price=prices[0],
        completion_price=prices[1],
        base_url=base_url,
        model=table.string("model"),
        api_key_env=api_key_env,
        concurrency=table.integer("concurrency", 2, 1, 32),
        max_papers_per_run=table.integer("max_papers_per_run", 50, 1, 100_000),
        enabled=table.boolean("enabled", False),
        after_fetch=table.boolean("after_fetch", False),
        timeout_seconds=table.number("timeout_seconds", 120.0, 0.0, 3600.0, low_open=True),
        path=where,
    )


def _key_problem(key: str) -> tuple[str, str]:
    """What makes `key` unfit for an Authorization header, and what to do ("", ""
    when nothing): a line break or other control character (a two-line key file
    read with `$(cat FILE)`, a wrapped paste), which httpx's error then showed
    with the key in it, or a non-ASCII character (a typographic quote, an
    accent), which stopped the run with only "'ascii' codec can't encode"."""
    for index, char in enumerate(key, 1):
        at = f"character {index} of {len(key)}"
        if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            what = "a line break, " if char in "\r\n" else "a tab, " if char == "\t" else ""
            return (
                f"a control character ({what}{at})",
                "give the key alone, on one line (a key file read with $(cat FILE) must "
                "hold a single line)",
            )
        if ord(char) > 0x7E:
            return (
                f"a non-ASCII character ({at})",
                "check that it was copied whole, without typographic quotes or accents",
            )
    return "", ""


def usable_or_raise(cfg: TranslateConfig) -> TranslateConfig:
    """`cfg` if translation can run; NotConfigured saying what is missing otherwise."""
    where = cfg.path or "config"
    missing = [k for k in ("base_url", "model") if not getattr(cfg, k)]
    if missing:
        raise NotConfigured(f"{where}: [translate] needs {' and '.join(missing)}")
    if not cfg.enabled:
        raise NotConfigured(f"{where}: translation is disabled (set enabled = true in [translate])")
    return cfg


def _url_problem(url: str, sends_key: bool) -> str:
    if any(c in url for c in "\n\r\t\x00 "):
        return "the URL contains spaces or control characters"
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return "must be an http(s) URL such as https://api.openai.com/v1"
    if parts.username or parts.password:
        return "must not contain credentials (use api_key_env)"
    if scheme == "http" and sends_key and not _is_loopback(parts.hostname):
        return "must use https when an API key is sent (plain http is allowed only to localhost)"
    return ""


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
