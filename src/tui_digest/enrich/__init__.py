"""Metadata from arXiv's query API: authors, categories, dates, comments, journal refs, DOIs.

`runner.enrich_papers` asks arXiv for the papers that need it (many ids per
request, politely) and stores the answers apart from the digests' own text;
`commands` adds the `tui-digest enrich` subcommand.
"""
