"""Bilingual completion: fill missing Chinese fields with an OpenAI-compatible LLM.

`config` reads the [translate] table, `prompt` builds the request and checks the
answer, `client` talks HTTP, `runner` drives a batch against the store and
`commands` is the headless `tui-digest translate` subcommand.
"""
