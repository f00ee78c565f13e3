"""The optional glossary: English term -> Chinese term, so terms stay the same across days.

    # terms.toml (named by `[translate] glossary = "terms.toml"`, relative to the config file)
    "large language model" = "大语言模型"
    "reward model" = "奖励模型"
    LLM = "大语言模型"

Only the entries whose English term occurs in a request's papers go into that
prompt (`prompt.relevant_terms`). A broken file is an error naming the file
and line; it never silently translates without the glossary.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from tui_digest.core.sanitize import clean_line
from tui_digest.translate.config import ConfigError

MAX_BYTES = 1024 * 1024
MAX_TERM = 200


def load_glossary(path: Path) -> dict[str, str]:
    """The file's term pairs, in file order. Raises ConfigError naming the file (and line)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: glossary file not found ([translate] glossary)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the glossary: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{path}: glossary larger than {MAX_BYTES // 1024} KiB")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: glossary is not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already says "(at line N, column M)".
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    terms: dict[str, str] = {}
    for english, chinese in data.items():
        if isinstance(chinese, dict):
            raise ConfigError(_table_problem(path, raw, english, chinese))
        if not isinstance(chinese, str):
            raise ConfigError(
                f"{path}:{_line_of(raw, english)}: glossary entry {clean_line(english, 80)!r} "
                'must be a string (English = "中文")'
            )
        key, value = clean_line(english, MAX_TERM), clean_line(chinese, MAX_TERM)
        if key and value:
            terms[key] = value
    return terms


def _table_problem(path: Path, raw: bytes, english: str, table: dict[str, object]) -> str:
    """What to say of a table where a term was expected: a `[section]`, or a bare
    key holding a dot (`GPT-4.5 = "…"` is TOML's table GPT-4 with key 5; it was
    reported as "entry 'GPT-4' must be a string", a term the user never wrote)."""
    line = _line_of(raw, english)
    text = raw.decode("utf-8").splitlines()[line - 1] if line else ""
    if text.lstrip().startswith("["):
        return (
            f"{path}:{line}: glossary entry {clean_line(english, 80)!r} is a table: the "
            'glossary holds only English = "中文" pairs'
        )
    name = english
    value: object = table
    while isinstance(value, dict) and value:
        key = next(iter(value))
        name, value = f"{name}.{key}", value[key]
    name = clean_line(name, 80)
    return (
        f"{path}:{line}: glossary term {name} must be quoted: a bare key with a dot names "
        f'a table in TOML (write "{name}" = "…")'
    )


def _line_of(raw: bytes, key: str) -> int:
    """The 1-based line where `key` is defined (0 when it cannot be found).

    The key must end where the line's key ends (at a space, `=`, `.` or `]`): a
    prefix match named the earlier `GPT-4o` line for `GPT-4.5`."""
    for number, line in enumerate(raw.decode("utf-8").splitlines(), 1):
        stripped = line.lstrip().lstrip("[").lstrip()
        for form in (key, f'"{key}"', f"'{key}'"):
            rest = stripped[len(form) :] if stripped.startswith(form) else None
            if rest is not None and (not rest or rest[0] in " \t=.]"):
                return number
    return 0
