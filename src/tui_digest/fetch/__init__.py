"""Keeping the cache fresh: sources, HTTP, and the fetch run.

- `config`   the sources and [fetch] settings from the TOML config (and the defaults)
- `opml`     OPML import/export of the source list
- `http`     HttpFetcher: conditional GET, caps, deadlines, safe redirects, retries, politeness
- `runner`   fetch_all(store, sources) -> list[SourceResult], atomic per source
- `commands` the headless `fetch` and `sources` subcommands

Nothing here is imported by `core`; httpx is imported lazily.
"""
