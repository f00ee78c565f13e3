"""Getting a source's bytes: conditional GET through the net policy, or local files.

`SourceFetcher.fetch(url, etag=, last_modified=)` gives a `FetchResult` with
status 200, or 304 when the server (or, for a file, its mtime and size) says
nothing changed. A local folder (`file:///path/to/folder/`) gives the list of
digests and feeds inside it (`FetchResult.files`, read one at a time with
`read_file`), unchanged while no file in it changed. Every other outcome is a
`FetchError` naming the URL.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from tui_digest.core.folder_walk import document_files
from tui_digest.net.client import HttpClient
from tui_digest.net.errors import FetchError, TooLarge
from tui_digest.net.headers import clean_validator
from tui_digest.net.options import Clock, HttpOptions, Sleep
from tui_digest.net.politeness import HostSlots, is_rate_exceeded
from tui_digest.net.resolve import Resolver
from tui_digest.net.urls import display_url

if TYPE_CHECKING:
    import httpx

# The most files a folder source reads (`core.folder_walk` says which it reads).
MAX_FOLDER_FILES = 10_000

ACCEPT = (
    "text/markdown, application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, text/plain;q=0.8, */*;q=0.5"
)


@dataclass(slots=True)
class FetchResult:
    url: str  # final URL after redirects
    status: int  # 200, or 304 when not modified (also used for an unchanged local file)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    local: bool = False  # read from a local file; `status` then only mimics HTTP
    files: list[Path] | None = None  # a folder source: its documents, in name order
    elapsed: float = 0.0  # seconds the download took (its last request chain)

    @property
    def http_status(self) -> int | None:
        return None if self.local else self.status

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def local_path(url: str) -> Path | None:
    """The file a `file://` URL or plain path names, or None for http(s) URLs."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return None
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise FetchError(url, "file URLs must name a local file")
        return Path(unquote(parts.path))
    if len(scheme) > 1:  # "c:" is a drive letter, anything longer is a scheme we do not fetch
        raise FetchError(url, f"unsupported URL scheme {scheme!r}")
    return Path(url).expanduser()


def redirected(url: str, final: str) -> str:
    """` (redirected to FINAL)` when a request for `url` was answered from `final`,
    else "": an error names the URL the user configured, and where it led. A
    user name and password go only with a URL that holds them (a redirect to
    another host holds none): said, since a 401 there is why."""
    if final == url:
        return ""
    said = f" (redirected to {display_url(final)}"
    before, after = urlsplit(url), urlsplit(final)
    if before.username is not None and after.username is None:
        said += ", where the user name and password are not sent"
    return said + ")"


class SourceFetcher:
    """Fetches source URLs (and local files). Use as an async context manager."""

    def __init__(
        self,
        options: HttpOptions | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep | None = None,
        clock: Clock = time.monotonic,
        wall_clock: Clock = time.time,
        rng: Callable[[], float] = random.random,
        resolver: Resolver | None = None,
        slots: HostSlots | None = None,
    ) -> None:
        # `slots`: a politeness clock shared beyond this fetcher (see HttpClient).
        self.http = HttpClient(
            options,
            client=client,
            sleep=sleep,
            clock=clock,
            wall_clock=wall_clock,
            rng=rng,
            resolver=resolver,
            slots=slots,
        )
        self.options = self.http.options

    async def __aenter__(self) -> SourceFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        retry: bool = True,
    ) -> FetchResult:
        """GET `url`; a 304 (or an unchanged local file) gives a result with status 304.
        `retry=False`: one attempt, no waiting (`HttpClient.get`)."""
        path = local_path(url)
        if path is not None:
            return await asyncio.to_thread(self._read_local, url, path, last_modified)
        response = await self.http.get(
            url, headers={"Accept": ACCEPT}, etag=etag, last_modified=last_modified, retry=retry
        )
        if response.status == 200 and is_rate_exceeded(
            urlsplit(response.url).hostname or "", response.body
        ):
            # (HttpClient has pushed arXiv's clock as for a 429.)
            raise FetchError(
                url,
                "throttled: arXiv answered 'Rate exceeded.' (HTTP 200) instead of the feed; "
                "try again later" + redirected(url, response.url),
                kind="status",
            )
        if response.status == 304 and not (clean_validator(etag) or clean_validator(last_modified)):
            # "Not modified" since nothing: no copy to keep, and its validators
            # stored would be sent as if one were held (found by a bug hunt).
            why = "Not Modified answered a request that sent no If-None-Match or "
            why += "If-Modified-Since (a server error: nothing was downloaded)"
            raise FetchError(url, why + redirected(url, response.url), status=304)
        if response.status not in (200, 304):
            reason = response.reason_phrase or (
                "server error" if response.status >= 500 else "unexpected status"
            )
            for more in (response.note, response.gave_up):
                reason = f"{reason}; {more}" if more else reason
            raise FetchError(url, reason + redirected(url, response.url), status=response.status)
        return FetchResult(
            url=response.url,
            status=response.status,
            body=response.body if response.status == 200 else b"",
            etag=response.etag,
            last_modified=response.last_modified,
            content_type=response.content_type,
            elapsed=response.elapsed,
        )

    def _read_local(self, url: str, path: Path, last_modified: str | None) -> FetchResult:
        if path.is_dir():
            return self._list_folder(url, path, last_modified)
        cap = self.options.max_bytes
        try:
            stat = path.stat()
            # mtime and size stand in for Last-Modified: an untouched file is "unchanged".
            stamp = f"mtime={stat.st_mtime_ns};size={stat.st_size}"
            if clean_validator(last_modified) == stamp:
                return FetchResult(url=url, status=304, last_modified=stamp, local=True)
            if stat.st_size > cap:
                raise FetchError(url, f"file exceeds the cap of {cap} bytes", kind="local")
            with path.open("rb") as fh:
                body = fh.read(cap + 1)
        except OSError as exc:
            raise FetchError(url, exc.strerror or str(exc), kind="local") from None
        if len(body) > cap:
            raise FetchError(url, f"file exceeds the cap of {cap} bytes", kind="local")
        return FetchResult(url=url, status=200, body=body, last_modified=stamp, local=True)

    def _list_folder(self, url: str, folder: Path, last_modified: str | None) -> FetchResult:
        """The digests and feeds in `folder` (recursively); 304 when none changed."""
        try:
            files = document_files(folder)  # (not a clone's README.md or .git)
            if len(files) > MAX_FOLDER_FILES:
                raise FetchError(
                    url, f"the folder holds more than {MAX_FOLDER_FILES} files", kind="local"
                )
            # Names, sizes and mtimes stand in for Last-Modified, as for a single file.
            h = hashlib.sha256()
            for p in files:
                st = p.stat()
                h.update(f"{p.relative_to(folder)}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
        except OSError as exc:
            raise FetchError(url, exc.strerror or str(exc), kind="local") from None
        stamp = f"folder={h.hexdigest()[:32]};files={len(files)}"
        if clean_validator(last_modified) == stamp:
            return FetchResult(url=url, status=304, last_modified=stamp, local=True)
        return FetchResult(url=url, status=200, last_modified=stamp, local=True, files=files)

    def read_file(self, path: Path) -> bytes:
        """One file of a folder source, capped like any download (blocking: call in a thread)."""
        cap = self.options.max_bytes
        try:
            with path.open("rb") as fh:
                body = fh.read(cap + 1)
        except OSError as exc:
            raise FetchError(str(path), exc.strerror or str(exc), kind="local") from None
        if len(body) > cap:
            # (TooLarge: over the cap until it changes, and then the folder's stamp
            # changes too: `folders` stores the stamp all the same.)
            raise TooLarge(str(path), f"file exceeds the cap of {cap} bytes", kind="local")
        return body
