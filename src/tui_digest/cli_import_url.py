"""`import URL` and `import --source NAME`: a document as the source a fetch reads.

README gives `tui-digest import URL` as the way to bring back a removed day
of a fetched source: the URL was read as a file beside the current folder
(`/tmp/http:/…: cannot read`; bug hunt `maint` #1). An http(s) input is now
downloaded through the fetch command's client (`fetch.download.SourceFetcher`:
the `[fetch]` timeouts, size cap, redirect rules, masked passwords) and
imported as from that URL (without its password), so its day and source are
those a fetch gives it. `--source lab`, a configured source's name, stands for
that source's URL and category (it was a new source literally named "lab",
dated today; `maint` #2).
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator
    from typing import BinaryIO

    from tui_digest.cli_read_ahead import Opener
    from tui_digest.config.loader import Config
    from tui_digest.config.sources import Source
    from tui_digest.fetch.download import FetchResult


def is_url(raw: str) -> bool:
    """Whether an input is an http(s) URL: it starts with `http://` or `https://`
    (any case). Anything else is a path, as before `import URL` existed: a file
    named `http:foo`, or `http:/x.md` in a folder `http:`, was taken for a URL
    and failed with a "connection error" (regression hunt `regnet2` #2)."""
    return raw[:8].lower().startswith(("http://", "https://"))


def url_hint(raw: str) -> str:
    """The " (did you mean the URL …?)" of a path that is a URL but for the
    spaces around it (a copied ` http://…`), else ""."""
    from tui_digest.core.sanitize import for_terminal
    from tui_digest.net.urls import display_url

    bare = raw.strip()
    if bare == raw or not is_url(bare):
        return ""
    return f" (did you mean the URL {for_terminal(display_url(bare))}?)"


def download(
    url: str,
    args: argparse.Namespace,
    *,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> FetchResult:
    """The response at `url` (its body and Content-Type), through the fetch
    command's client and policies; a `FetchError` (naming the URL, password
    masked, and the status) otherwise."""
    import asyncio

    from tui_digest.cli_progress import say_wait
    from tui_digest.fetch.download import SourceFetcher

    options = _config(args).fetch.http_options()
    if getattr(args, "max_size", None):
        # `--max-size` is every input's cap, a URL's too: the download kept the
        # fetch's 20 MiB, so a larger document could not be imported at all.
        options.max_bytes = args.max_size * 1024 * 1024

    async def get() -> FetchResult:
        async with SourceFetcher(options, sleep=sleep, clock=clock) as fetcher:
            # Each Retry-After wait said as it begins, as `fetch` says it: it
            # waited up to minutes without a word (bug hunt `regnet2` #6).
            fetcher.http.on_wait = say_wait
            return await fetcher.fetch(url)

    return asyncio.run(get())


def configured_source(args: argparse.Namespace) -> Source | None:
    """The configured source `--source` names (as `sources list` shows it), if any."""
    name = (args.source or "").strip()
    if not name or is_url(name):
        return None
    return next((s for s in _config(args).sources if s.name == name), None)


def resolve_named_source(args: argparse.Namespace) -> None:
    """`--source NAME` of a configured source made that source's URL and category
    (`args.source_category`), as if its URL had been given."""
    source = configured_source(args)
    if source is not None:
        args.source = source.url
        args.source_category = source.effective_category


def category_of(url: str, args: argparse.Namespace) -> str:
    """The category a fetch gives `url`'s papers: its configured source's, else
    the one its file name says (`Source.effective_category`)."""
    from tui_digest.config.sources import infer_category
    from tui_digest.net.urls import strip_credentials

    source = _configured_at(url, args)
    return source.effective_category if source else infer_category(strip_credentials(url))


def source_name(source: str, args: argparse.Namespace) -> str:
    """What a document from `source` has its digests named after: a configured
    http(s) source's name, as `fetch` names them (`lab-2026-03-01`); else ""
    (the document's own name: `import_options.ImportOptions`)."""
    if not is_url(source):
        return ""
    found = _configured_at(source, args)
    return found.name if found is not None else ""


def _configured_at(url: str, args: argparse.Namespace) -> Source | None:
    """The configured source fetched from `url` (passwords aside), if any."""
    from tui_digest.net.urls import strip_credentials

    bare = strip_credentials(url.strip())
    return next((s for s in _config(args).sources if strip_credentials(s.url) == bare), None)


def url_input(
    url: str, args: argparse.Namespace, opener: Callable[[str, BinaryIO, str], Opener]
) -> Iterator[tuple[str, Opener | None, str]]:
    """`_open_inputs`' item for an http(s) input: (its URL without password, an
    opener of what was downloaded, its category), or (the error naming the URL
    and status, None, "") when it could not be fetched.

    The opener carries the charset the server declared (its Content-Type's), as
    `fetch` passes it to the reader: it was dropped, and a Big5 digest lost
    every Chinese character to U+FFFD (bug hunt `enc` #1)."""
    import io

    from tui_digest.core.sanitize import clean_line, for_terminal
    from tui_digest.net.errors import FetchError, TooLarge
    from tui_digest.net.headers import charset_of
    from tui_digest.net.urls import display_url, mask_in_text, refused_url, strip_credentials

    try:
        got = download(url, args)
    except FetchError as exc:
        status = f"HTTP {exc.status} " if exc.status is not None else ""
        # (the flag that raises the cap, as a file over it is told)
        hint = " (see --max-size)" if isinstance(exc, TooLarge) else ""
        why = mask_in_text(f"{status}{exc.reason}{hint}", url)
        yield f"{for_terminal(refused_url(url))}: error: {for_terminal(why)}", None, ""
        return
    except ValueError as exc:
        # A URL Python cannot split (`http://[::1/x.md`: "Invalid IPv6 URL")
        # ended the whole command naming no input; it is one failing input.
        why = mask_in_text(f"invalid URL ({exc})", url)
        yield f"{for_terminal(refused_url(url))}: error: {for_terminal(why)}", None, ""
        return
    source = clean_line(strip_credentials(url.strip()), 2000)
    where = opener(display_url(url), io.BytesIO(got.body), charset_of(got.content_type))
    yield source, where, category_of(url, args)


def _config(args: argparse.Namespace) -> Config:
    """The chosen config (`--config`), loaded once per command."""
    from tui_digest.cli_config import load_chosen

    loaded: Config | None = getattr(args, "loaded_config", None)
    if loaded is None:
        loaded = args.loaded_config = load_chosen(args)
    return loaded
