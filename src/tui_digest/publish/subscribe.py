"""`tui-digest sources add URL`: the sources one URL stands for.

A published folder (a URL or path whose `index.json` `tui-digest publish`
wrote) becomes one source per category, each its newest feed (`<cat>.xml`,
kind digest-feed), named `<publisher>-<category>`. An arXiv feed
(`https://rss.arxiv.org/rss/<cat>`) becomes an arXiv source named like the
defaults (`arxiv-<cat>`). Anything else (a digest's raw Markdown, another feed)
becomes one source as it is, and so does a local folder without an `index.json`
(a folder source: `fetch` imports every digest and feed inside, as the config's
`url = "file:///home/me/digests/"` does) when a file in it reads as a digest or
feed: the heads of a few dozen of its files are looked at (a home or a folder of
notes given by mistake was added, and every fetch then failed on its first note).

The URL is refused when it carries a password: the config file would keep it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui_digest.config.sources import Source, arxiv_feed_categories, url_problem
from tui_digest.core.digest_day import source_stem
from tui_digest.core.publish_index import INDEX, index_url, looks_like_index, parse_index
from tui_digest.core.sanitize import clean_line
from tui_digest.net.urls import display_url

if TYPE_CHECKING:
    from tui_digest.fetch.download import SourceFetcher

_NAME_RE = re.compile(r"[^A-Za-z0-9._-]+")
# A plain folder's files whose heads are read to see that it holds a digest or
# feed: this many at most, this much of each (a digest's table or a feed's root
# element is near the start).
SNIFF_FILES = 40
SNIFF_BYTES = 65536  # (as much as `looks_like_digest` looks at)


class SubscribeError(Exception):
    """The URL cannot be subscribed to; the message says why."""


@dataclass(slots=True)
class Found:
    sources: list[Source]
    publisher: str = ""  # the index's title, when the URL is a published folder
    notes: list[str] = field(default_factory=list)  # index entries skipped
    plain_folder: bool = False  # a local folder of documents, not a published one


def _slug(text: str) -> str:
    return _NAME_RE.sub("-", text).strip("-.")[:60]


def check_url(url: str) -> str:
    url = url.strip()
    problem = url_problem(url)
    if problem:
        raise SubscribeError(problem)
    parts = urlsplit(url)
    if parts.password or parts.username:
        # The URL refused is named (masked), and a single file said as one (found
        # by a bug hunt: "serve the folder" for a feed file, and no URL).
        what = "folder" if _looks_like_folder(url) else "file"
        raise SubscribeError(
            f"{clean_line(display_url(url), 500)}: the URL carries a user name or password, which "
            f"the config file would keep; serve the {what} without one"
        )
    return url


def _looks_like_folder(url: str) -> bool:
    """True for `…/`, `…/index.json`, or a last path segment without a file extension."""
    path = urlsplit(url).path if "://" in url else url
    last = PurePosixPath(path.replace("\\", "/")).name
    return url.endswith("/") or last == "index.json" or "." not in last


def _refuse_empty(folder: Path) -> None:
    """A folder with neither an index nor a document in it is no source (yet)."""
    from tui_digest.core.folder_walk import SUFFIXES, document_files

    try:
        documents = document_files(folder)
    except OSError as exc:
        raise SubscribeError(f"{clean_line(str(folder), 500)}: {exc.strerror or exc}") from None
    kinds = ", ".join(f"*{suffix}" for suffix in SUFFIXES)
    if not documents:
        raise SubscribeError(
            f"{clean_line(str(folder), 500)}: not a published folder (no {INDEX}) and no "
            f"digest or feed inside ({kinds}); nothing added"
        )
    looked = _to_sniff(documents)
    if not any(sniff_head(path) for path in looked):
        files = f"{len(documents):,} file" + ("" if len(documents) == 1 else "s")
        example = clean_line(str(looked[0].relative_to(folder)), 200)
        raise SubscribeError(
            f"{clean_line(str(folder), 500)}: not a published folder (no {INDEX}), and no "
            f"file in it reads as a digest or feed ({len(looked)} of its {files} named "
            f"{kinds} looked at, {example} for one); nothing added"
        )


def _to_sniff(documents: list[Path]) -> list[Path]:
    """At most SNIFF_FILES of `documents`: those named like a digest or feed
    first, then others spread over the (sorted) list."""
    named = [p for p in documents if "digest" in p.name.lower() or p.suffix.lower() != ".md"]
    named = named[: SNIFF_FILES // 2]
    # Spread evenly over the whole list, its first and last files included: cut
    # after the named ones, the spread covered only the list's first half, and
    # digests under a folder sorting late were never read (regression hunt `reg2b`).
    count = min(SNIFF_FILES - len(named), len(documents))  # (all of a small folder)
    last = len(documents) - 1
    spread = [documents[round(i * last / max(count - 1, 1))] for i in range(count)]
    return list(dict.fromkeys([*named, *spread]))[:SNIFF_FILES]


def sniff_head(path: Path) -> bool:
    """Whether the start of the file at `path` reads as a digest or feed."""
    from tui_digest.core.readers import detect_format

    try:
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
    except OSError:
        return False
    return detect_format(head) is not None


async def discover(url: str, fetcher: SourceFetcher, *, name: str = "") -> Found:
    """The sources for `url`. Raises SubscribeError (FetchError when the index cannot be read)."""
    from tui_digest.fetch.download import local_path
    from tui_digest.net.errors import FetchError

    url = check_url(url)
    try:
        path = local_path(url)
    except FetchError as exc:
        raise SubscribeError(str(exc)) from None
    if path is not None and not path.exists():
        raise SubscribeError(f"{clean_line(str(path), 500)}: no such file or folder")
    categories = arxiv_feed_categories(url) if path is None else []
    if categories:  # named like the defaults (`arxiv-cs.CL`), never taken for a folder
        single = categories[0] if len(categories) == 1 else ""
        slug = name or _slug("arxiv-" + "-".join(categories))
        return Found([Source(slug, url, "arxiv", category=single)])
    folder = path.is_dir() if path is not None else _looks_like_folder(url)
    if path is not None and folder and not (path / INDEX).is_file():
        # A folder of digests, not a published one: it failed "FOLDER/index.json:
        # No such file or directory", a file never named (found by a bug hunt).
        _refuse_empty(path)
        slug = name or _slug(path.resolve().name) or "folder"
        return Found([Source(slug, url)], plain_folder=True)
    if not folder:
        # (`.../rss/cs.AI` is cs.AI, not `cs`: a regression hunt got `cs (2)`.)
        stem = source_stem(urlsplit(url).path if "://" in url else url, any_extension=True)
        return Found([Source(name or _slug(stem) or "source", url)])
    where = index_url(str(path.resolve()) if path is not None else url)
    response = await fetcher.fetch(where)
    if not looks_like_index(response.body):
        raise SubscribeError(f"{where}: not a tui-digest publish index")
    try:
        index = parse_index(response.body, where)
    except ValueError as exc:
        raise SubscribeError(str(exc)) from None
    if not index.feeds:
        raise SubscribeError(f"{where}: the index lists no category with a feed")
    prefix = _slug(name) or _slug(index.title) or _slug(urlsplit(url).hostname or "") or "digest"
    sources = [Source(f"{prefix}-{f.category}", f.url, "digest-feed") for f in index.feeds]
    return Found(sources, clean_line(index.title, 100), index.notes)
