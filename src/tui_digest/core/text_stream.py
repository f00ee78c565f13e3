"""A document read as lines from a file, decoded the way `sanitize.decode_text` decodes bytes.

The digest reader streams (issue 13 req 1, issue 11 item 9): a 169 MB digest
is never held whole, as bytes or text. The encoding is decided the way
`decode_text` decides it for the whole document, by reading the file once
before the real read (incremental decoders, a chunk at a time, a fraction of
the parse's cost): the codec a byte order mark names (UTF-16 with a BOM, as
some Windows tools write: see `sanitize.decode_text`), else UTF-8 when every
byte is valid UTF-8, else the charset a server declared, else GB18030 when
that decodes and reads as Chinese (`gb_rescue`), else a declared single-byte
charset, else UTF-8 with U+FFFD for invalid sequences.
Line ends are normalised like `\\r\\n` and `\\r` to `\\n` (universal newlines).
"""

from __future__ import annotations

import codecs
import errno
import io
import queue
import tempfile
import threading
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from .gb_rescue import CjkTally
from .sanitize import ANY_BYTES, ORDERED_WIDE, bom_of, declared_codec, invalid_note

CHUNK = 1 << 20  # bytes per read while deciding the encoding
# Characters of one line the reader keeps (real lines are a few KB; the field
# caps in `sanitize` are 20,000 characters). The rest of a longer line is read
# and dropped, so one endless line costs this much memory, not its size.
LINE_CAP = 1 << 20
READ_CHARS = 1 << 16  # characters per read of `split_lines` (less than LINE_CAP)


def _decodes(f: BinaryIO, codec: str, tally: CjkTally | None = None) -> bool:
    """Whether the rest of `f` decodes strictly as `codec` (its text counted in `tally`)."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        while True:
            chunk = f.read(CHUNK)
            text = decoder.decode(chunk, final=not chunk)
            if tally is not None:
                tally.add(text)
            if not chunk:
                return True
    except UnicodeDecodeError:
        return False


def _has_nul(f: BinaryIO) -> bool:
    while chunk := f.read(CHUNK):
        if b"\x00" in chunk:
            return True
    return False


def choose_encoding(f: BinaryIO, declared: str = "") -> tuple[str, str, str]:
    """(codec, errors, note) for seekable binary `f`, as `decode_text` would decide
    for its bytes and `declared`, the charset its server declared."""
    start = f.tell()
    marked, skip = bom_of(f.read(4))
    f.seek(start + skip)
    body = f.tell()
    if marked and marked != "utf-8":
        return _strict_or_replaced(f, start, marked)
    codec = declared_codec(declared)
    if codec in ORDERED_WIDE and _has_nul(f):
        f.seek(body)
        if _decodes(f, codec):
            f.seek(start)
            return codec, "strict", ""
    f.seek(body)
    if _decodes(f, "utf-8"):
        f.seek(start)
        return "utf-8", "strict", ""
    if codec and codec not in ANY_BYTES:
        f.seek(body)
        if _decodes(f, codec):
            f.seek(start)
            return codec, "strict", ""
    f.seek(body)
    tally = CjkTally()
    ok = _decodes(f, "gb18030", tally)
    f.seek(start)
    if ok and tally.plausible():
        return "gb18030", "strict", "bytes are not valid UTF-8; decoded as GB18030"
    f.seek(body)
    return _strict_or_replaced(f, start, codec if codec in ANY_BYTES else "utf-8")


def _strict_or_replaced(f: BinaryIO, start: int, codec: str) -> tuple[str, str, str]:
    """(codec, "strict", "") when the rest of `f` is valid `codec`, else with "replace"
    and the note; `f` left at `start`."""
    ok = codec != "utf-8" and _decodes(f, codec)  # (UTF-8 has been tried)
    f.seek(start)
    return (codec, "strict", "") if ok else (codec, "replace", invalid_note(codec))


def open_text(f: BinaryIO, declared: str = "") -> tuple[io.TextIOWrapper, str]:
    """`f` (seekable, binary) as text with normalised line ends; and the decoding note.
    `declared`: the charset its server declared (`choose_encoding`)."""
    codec, errors, note = choose_encoding(f, declared)
    start = f.tell()
    f.seek(start + bom_of(f.read(4))[1])
    return io.TextIOWrapper(f, encoding=codec, errors=errors, newline=None), note  # type: ignore[arg-type]


# zlib level of the kept original bytes. 4, not zlib's default 6: on the
# digests (synthetic and the real samples) it compresses 2.3x as fast (~90 vs
# ~40 MB/s, a tenth of a large import's CPU time at 6) for 4-5 % more bytes.
KEEP_LEVEL = 4


class TempSpaceError(OSError):
    """A temporary file could not be written; its text names the folder and TMPDIR."""

    def __str__(self) -> str:
        return self.strerror or ""


def temp_space_error(exc: OSError) -> TempSpaceError:
    """`exc`, met writing a temporary file, said as the temporary folder's: with
    TMPDIR nearly full an import said "FILE: error: No space left on device", and
    the user looked at the cache's disk (found by a bug hunt)."""
    if isinstance(exc, TempSpaceError):
        return exc
    reason = exc.strerror or str(exc) or type(exc).__name__
    return TempSpaceError(
        exc.errno or errno.EIO,
        f"cannot keep the document's bytes in the temporary folder {tempfile.gettempdir()}: "
        f"{reason}; set TMPDIR to a folder with room",
    )


class KeptBytes(io.RawIOBase):
    """A binary file read through this is also zlib-compressed, into a temporary file.

    The cache keeps each digest's original bytes compressed (`export --digest`
    writes them back exactly); compressing them as the reader reads them means
    a 169 MB document is never held whole, neither raw nor compressed.

    The compressing happens in a thread of its own (zlib lets go of the GIL):
    it was a tenth of the reading thread's time in a streamed import, which
    limits the import's speed when a second core is free (`read_ahead`). At
    most `AHEAD` chunks wait for it. `compressed()` or `close()` waits for it
    to finish; an error there (the temporary file's disk full) is raised by
    `compressed()`.
    """

    AHEAD = 4

    def __init__(self, f: BinaryIO) -> None:
        super().__init__()
        self._f = f
        self._zip = zlib.compressobj(KEEP_LEVEL)
        try:
            self._out = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        except OSError as exc:
            raise temp_space_error(exc) from exc
        self.position = 0  # bytes read so far
        self._chunks: queue.Queue[bytes | None] = queue.Queue(self.AHEAD)
        self._error: BaseException | None = None
        self._size: int | None = None  # of the compressed bytes, once all are written
        self._thread = threading.Thread(target=self._compress, name="kept-bytes", daemon=True)
        self._thread.start()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        n = self._f.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self.position += n
            self._chunks.put(bytes(memoryview(buffer)[:n]))  # the buffer is reused
        return n or 0

    def _compress(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            if self._error is None:  # after an error, only drained (a reader may wait)
                try:
                    self._out.write(self._zip.compress(chunk))
                except BaseException as exc:  # raised by `compressed()`
                    self._error = exc

    def _finish(self) -> None:
        if self._thread.is_alive():
            self._chunks.put(None)
            self._thread.join()

    def compressed(self) -> tuple[BinaryIO, int]:
        """The compressed bytes of everything read (a file at its start), and their size.

        May be called again (an import rolled back and tried alone: `import_group`).
        """
        self._finish()
        if isinstance(self._error, OSError):
            raise temp_space_error(self._error) from self._error
        if self._error is not None:
            raise self._error
        if self._size is None:
            try:
                self._out.write(self._zip.flush())
            except OSError as exc:
                self._error = exc
                raise temp_space_error(exc) from exc
            self._size = self._out.tell()
        self._out.seek(0)
        return self._out, self._size  # type: ignore[return-value]

    def close(self) -> None:
        self._finish()
        self._out.close()
        super().close()


def open_kept(f: BinaryIO, declared: str = "") -> tuple[io.TextIOWrapper, str, KeptBytes]:
    """`open_text`, with every byte of `f` from its current position also kept compressed."""
    codec, errors, note = choose_encoding(f, declared)
    kept = KeptBytes(f)
    buffered = io.BufferedReader(kept, CHUNK)
    buffered.read(bom_of(buffered.peek(4)[:4])[1])
    return io.TextIOWrapper(buffered, encoding=codec, errors=errors, newline=None), note, kept


def split_lines(text: io.TextIOBase | io.StringIO) -> Iterator[str]:
    """The lines of `text` exactly as `str.split("\\n")` would give them.

    A line longer than `LINE_CAP` comes back as its first `LINE_CAP + 1`
    characters (the reader cuts it and says so); the rest is read and dropped.
    Read `READ_CHARS` at a time and split in C: a `readline` per line took
    ~2 µs each, 0.06 s of CPU per 10k papers (150k lines; issue 13 req 1).
    """
    read, cap, size = text.read, LINE_CAP, READ_CHARS
    rest = ""  # the line read so far
    cut = False  # `rest` is a line cut at cap + 1 characters: drop to its end
    while True:
        chunk = read(size)
        if not chunk:
            yield rest  # "" when the text ended with a newline (or was empty)
            return
        if cut:
            at = chunk.find("\n")
            if at < 0:
                continue
            yield rest
            rest, cut, chunk = "", False, chunk[at + 1 :]
        lines = (rest + chunk).split("\n") if rest else chunk.split("\n")
        rest = lines.pop()
        if lines:
            if len(lines[0]) > cap:  # the others lie inside `chunk`, shorter than cap
                lines[0] = lines[0][: cap + 1]
            if len(chunk) > cap:  # (unless a read is longer than cap)
                lines = [line[: cap + 1] for line in lines]
            yield from lines
        if len(rest) > cap:
            rest, cut = rest[: cap + 1], True
