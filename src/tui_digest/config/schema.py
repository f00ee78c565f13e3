"""Every table and key the program reads from the config file.

This is the one list unknown-key warnings are checked against; a feature that
reads a new key adds it here. `FREE` marks a table whose keys are the user's
own names (host names in `[fetch.per_host_interval]`).
"""

from __future__ import annotations

from typing import Any

FREE: dict[str, Any] = {}

SOURCE_KEYS = ("name", "url", "kind", "enabled", "category")
FETCH_KEYS = ("interval_minutes", "concurrency", "per_host_interval")
TRANSLATE_KEYS = (
    "enabled",
    "base_url",
    "model",
    "api_key_env",
    "concurrency",
    "max_papers_per_run",
    "after_fetch",
    "timeout_seconds",
    # batching, the run's token ceiling and the glossary (translate/runner, prompt, glossary)
    "batch_size",
    "max_tokens_per_run",
    "glossary",
    # for the cost estimate
    "price_per_million_prompt_tokens",
    "price_per_million_completion_tokens",
)
# [enrich] (issue 17, requirement 5): arXiv's query API and whether to run after a fetch.
ENRICH_KEYS = ("api_url", "after_fetch", "batch_size")
# [[watches]] (issue 10, requirement 5): named queries (config/watches.py).
WATCH_KEYS = ("name", "query")

# [reader] (issue 10, requirement 1): when the reader marks a paper read by itself.
READER_KEYS = ("auto_read", "read_after_seconds")

# table name -> its keys; a nested dict describes a sub-table; a list of keys inside a
# one-element list describes an array of tables.
SCHEMA: dict[str, Any] = {
    "sources": [dict.fromkeys(SOURCE_KEYS)],
    "fetch": {**dict.fromkeys(FETCH_KEYS), "per_host_interval": FREE},
    "translate": dict.fromkeys(TRANSLATE_KEYS),
    "enrich": dict.fromkeys(ENRICH_KEYS),
    "reader": dict.fromkeys(READER_KEYS),
    "watches": [dict.fromkeys(WATCH_KEYS)],
    # [keys] (issue 16 item 9): binding ids, which the reader checks (ui/keymap.py).
    "keys": FREE,
}
