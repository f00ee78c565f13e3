"""`tui-digest import` of many documents: the next small digest is read while this one is written.

A daily digest (150-700 papers, ~1 MB) is one batch of a streamed import, so
the read-ahead inside a document (`core/store/read_ahead.py`) has nothing to
overlap with: reading, hashing and tokenising it, then writing it, took turns
on one core (issue 13 req 1). `DocumentsAhead` reads (parses, hashes and
tokenises: `facade_import.prepare_papers`) the next small digest in a thread
of its own while the importing thread writes the current one.

What stays as it was: each document is imported all or nothing, in order,
by the importing thread, and which digest it becomes and which of its papers
are new is decided there, when it is written (the reading thread never asks
the store: the previous document is not committed yet while it reads).
Documents read ahead share write transactions (`core/store/import_group.py`).
A document that fails to read is reported at its turn, naming its file and
line, and the others go on. Memory stays bounded: a document is read ahead
only when it is at most `AHEAD_MAX_BYTES`, and at most one waits while the
next is read; larger documents and feeds are read at their turn, as before.
Standard input counts by its size like a file (`Opener`): a piped daily
digest is read whole, and so filed by the same day rules as the same bytes
from a file (found by a bug hunt: a piped list was always streamed, and a
streamed list sharing no paper with the day's digest replaced it).
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from tui_digest.core.one_ahead import OneAhead

if TYPE_CHECKING:
    from tui_digest.core.model import Digest, Problem
    from tui_digest.core.store.import_group import Prepared
    from tui_digest.core.text_stream import KeptBytes

# A digest at most this large is read whole ahead of its turn (its text, papers
# and search rows: a few times its size in memory). Daily digests are ~1 MB.
AHEAD_MAX_BYTES = 8 * 1024 * 1024

# The GIL hand-over interval while a document read ahead is written. The
# importing thread lets go of the GIL in every SQLite statement and, coming
# back, waits for the reading thread to yield it, up to the interval (5 ms by
# default): with the next file being read, 23 daily digests (10k papers)
# took 3.8-4.0 s wall for 1.9 s of the importing thread's CPU; at 0.2 ms
# 3.3-3.4 s, the same CPU (0.1 ms: 3.25-3.3 s).
SWITCH_INTERVAL = 0.0002

Input = tuple[str, Callable[[], BinaryIO] | None, str]  # (source, opener, category)


class Opener:
    """An input, opened from its start at each call (`readers.open_capped`, under `cap`).

    Standard input (`stream`) is copied once, to a temporary file, at the first
    call or `size()`; each call then reads that copy again from its start (a
    digest read ahead is opened twice: to tell a digest from a feed, then to
    read it, and once more at its turn when it is not read ahead).
    """

    def __init__(
        self,
        path: str,
        cap: int,
        hint: str = "",
        stream: BinaryIO | None = None,
        charset: str = "",
    ):
        self._path, self._cap, self._hint, self._stream = path, cap, hint, stream
        self._copy: BinaryIO | None = None
        # The charset a server declared for it (`import URL`), "" for a file.
        self.charset = charset

    def __call__(self) -> BinaryIO:
        from tui_digest.core.readers import open_capped

        if self._stream is None:
            return open_capped(self._path, cap=self._cap, hint=self._hint)
        copy = self._copied()
        f = os.fdopen(os.dup(copy.fileno()), "rb")  # (its own file object, one offset)
        f.seek(0)
        return f

    def size(self) -> int | None:
        """Bytes of a regular file or of standard input (copied); None for anything
        else (a named pipe: read at its turn only, since reading it empties it)."""
        if self._stream is not None:
            return os.fstat(self._copied().fileno()).st_size
        return regular_size(self._path)

    def _copied(self) -> BinaryIO:
        if self._copy is None:
            from tui_digest.core.readers import open_capped

            assert self._stream is not None
            self._copy = open_capped(
                self._path, cap=self._cap, stream=self._stream, hint=self._hint
            )
            weakref.finalize(self, self._copy.close)
        return self._copy


def regular_size(path: str) -> int | None:
    """The size of regular file `path`; None for anything else or what cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None  # the importing thread opens it and reports why it cannot
    return st.st_size if stat.S_ISREG(st.st_mode) else None


@dataclass(slots=True)
class ReadDigest:
    """A digest read whole ahead of its import: `import_stream(…, prepared=…)`."""

    digest: Digest
    problems: list[Problem]
    total: int  # papers read
    prepared: Prepared
    kept: KeptBytes  # its compressed bytes; closed by whoever imports (or drops) it
    # The text read through `kept`: closing it (as its garbage collection does)
    # closes `kept`, so it lives as long as this does.
    text: io.TextIOBase


class Failed:
    """Reading a document failed; raised again at its turn."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


Ahead = ReadDigest | Failed | None  # None: not read ahead, read it at its turn


# Whether a file (its declared charset, if any, as `charset=`) is read as a streamed digest.
IsDigest = Callable[..., bool]


def charset_of(opener: Callable[[], BinaryIO]) -> str:
    """The charset the server declared for an input (`Opener.charset`), else ""."""
    return opener.charset if isinstance(opener, Opener) else ""


def read_small_digest(
    source: str, opener: Callable[[], BinaryIO], category: str, is_digest: IsDigest, problems: int
) -> ReadDigest | None:
    """The digest at `source` read whole, if it is a small regular file holding one.

    `problems`: how many of its problems are listed at most (`DigestStream`).
    """
    from tui_digest.core.digest_format import DigestStream
    from tui_digest.core.readers import storable_digest
    from tui_digest.core.store.facade_import import prepare_papers
    from tui_digest.core.text_stream import open_kept, split_lines

    # (by the opener when it says: `import --source URL FILE` or standard input)
    size = opener.size() if isinstance(opener, Opener) else regular_size(source)
    if size is None or size > AHEAD_MAX_BYTES:
        return None
    charset = charset_of(opener)
    with opener() as f:
        if not is_digest(f, charset=charset):
            return None
        text, decoding, kept = open_kept(f, charset)
        try:
            stream = DigestStream(source=source, decoding=decoding, max_problems=problems)
            storable_digest(stream.digest)
            papers = (paper for _, paper in stream.read(split_lines(text)))
            prepared = prepare_papers(papers, category)
        except BaseException:
            kept.close()
            raise
    total = sum(len(batch) for batch, _ in prepared)
    return ReadDigest(stream.digest, stream.problems, total, prepared, kept, text)


@contextlib.contextmanager
def quick_switches() -> Iterator[None]:
    """`SWITCH_INTERVAL` inside, the interval as it was after."""
    saved = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(saved)


def _drop(item: tuple[str, Callable[[], BinaryIO] | None, str, Ahead]) -> None:
    ahead = item[-1]
    if isinstance(ahead, ReadDigest):
        ahead.kept.close()


class DocumentsAhead(OneAhead[tuple[str, Callable[[], BinaryIO] | None, str, Ahead]]):
    """(source, opener, category, ahead) for each input, the next read in a thread.

    Use as a context manager (`one_ahead.OneAhead`): leaving it stops the
    thread, waits for it and closes what it read and nobody took. A document
    that fails to read comes as `Failed`, raised at its turn by the importing
    thread; a failure to list the inputs themselves is raised by the iteration.
    """

    def __init__(self, inputs: Iterable[Input], is_digest: IsDigest, problems: int) -> None:
        super().__init__(_read(inputs, is_digest, problems), name="import-next-doc", drop=_drop)


def _read(
    inputs: Iterable[Input], is_digest: IsDigest, problems: int
) -> Iterator[tuple[str, Callable[[], BinaryIO] | None, str, Ahead]]:
    for source, opener, category in inputs:
        ahead: Ahead = None
        if opener is not None:
            try:
                ahead = read_small_digest(source, opener, category, is_digest, problems)
            except BaseException as exc:  # raised at its turn, by the importing thread
                ahead = Failed(exc)
        yield source, opener, category, ahead
