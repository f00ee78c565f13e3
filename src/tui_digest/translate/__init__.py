"""Bilingual completion: fill missing Chinese fields with an OpenAI-compatible LLM.

`config` reads the [translate] table, `prompt` builds the request and checks the
answer, `client` talks HTTP through `net`, and `runner` drives a batch against
the store. The headless `tui-digest translate` subcommand is `cli_translate`.
"""
