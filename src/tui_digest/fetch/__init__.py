"""Keeping the cache fresh: sources in, documents read, papers stored.

- `download` SourceFetcher: a source's bytes, by conditional GET (through `net`), from a
             file, or the digests and feeds of a local folder
- `offline`  OfflineWatch: an unresolvable host, when no other host resolves, ends the run's
             other network requests (otherwise it fails only its own sources)
- `catch_up` the days a subscriber missed: a published folder's (its index), the generator's
             (`git_history`: the repository's commits of the file)
- `opml`     OPML import/export of the source list
- `runner`   fetch_all(store, sources) -> list[SourceResult], atomic per source
- `folders`  folder sources: a local folder file by file, a published folder by its index
- `store_steps` the store's side of a run: a document imported, a source's status recorded
- `results`  SourceResult and the lines shown for a run (one `offline:` line)

Sources and [fetch] settings come from `config`; the headless `fetch` and
`sources` commands live in `cli_fetch` and `cli_sources`. Nothing here is imported by `core`;
httpx is imported lazily.
"""
