"""Standard output for the CLI: its width, and writes that fail loudly.

A full disk or a closed pipe must be an error where it happens, not a
traceback at exit (see write_stdout).

Every write goes to standard output's binary layer and is repeated until all of
it is written (`write_stdout_bytes`): with PYTHONUNBUFFERED=1 (`python -u`)
CPython makes `sys.stdout.buffer` the raw FileIO, not a BufferedWriter, and
the text layer writes through to it ignoring how many bytes it took. A write
to a pipe whose reader goes away (`| head -1`) while the writer waits returns
the bytes written so far, not EPIPE (measured with strace: write(1, 200000
bytes) = 65536); the rest was then silently lost and the exit status was 0.
A BufferedWriter writes the rest and gets EPIPE: so does this, unbuffered or not.
"""

from __future__ import annotations

import codecs
import errno
import io
import json
import os
import sys
from typing import BinaryIO, NoReturn, TextIO


def terminal_width() -> int:
    """`COLUMNS` when set to a number, else standard output's terminal's columns;
    80 when it is not a terminal or reports 0 columns (`script` from a
    non-terminal, some serial consoles and `docker exec -t`): taken as is, 0
    cut every table to a few cells, a digest name to "d…" (bug hunt `auditout`
    #3). As `shutil.get_terminal_size` does."""
    given = os.environ.get("COLUMNS", "").strip()
    if given.isdigit() and int(given) > 0:
        return int(given)
    try:
        columns = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return 80
    return columns if columns > 0 else 80


class OutputError(Exception):
    """Standard output could not take everything: the output is incomplete."""


def _line(text: str) -> str:
    """`text` ending with a newline (an empty text stays empty: a flush only)."""
    return text if not text or text.endswith("\n") else text + "\n"


def write_stdout(text: str) -> None:
    """Write and flush, so a full disk or `/dev/full` is an error here, not lost at exit."""
    text = _line(text)
    stream = sys.stdout
    if getattr(stream, "buffer", None) is not None:
        write_stdout_bytes(text.encode(stream.encoding, stream.errors or "strict"))
        return
    try:  # a text-only stream put in its place (a StringIO)
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        stdout_failed(exc)


def write_stdout_bytes(data: bytes, *, flush: bool = True) -> None:
    """`data` as it is (an export's exact bytes) to standard output, all of it, then
    flushed unless `flush` is False (a streamed export flushes once, at its end)."""
    try:
        sys.stdout.flush()  # what print() left in the text layer goes first
        _write_all(sys.stdout.buffer, data, flush=flush)
    except BrokenPipeError:
        raise
    except OSError as exc:
        stdout_failed(exc)


def _write_all(binary: BinaryIO, data: bytes, *, flush: bool = True) -> None:
    # A raw stream's write may take part of `data` (see the module's docstring):
    # the rest is written again, as BufferedWriter does, so a reader that went
    # away is a BrokenPipeError here. A BufferedWriter takes everything at once.
    view = memoryview(data)
    while view:
        written = binary.write(view)
        if written is None:  # a non-blocking descriptor that is full
            raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
        if written <= 0:  # (never seen; it would loop for ever)
            raise OSError(errno.EIO, "the write took no bytes")
        view = view[written:]
    if flush:
        binary.flush()


def stdout_failed(exc: OSError) -> NoReturn:
    """Standard output could not be written (a full disk, a closed terminal): say so."""
    drop_stdout()
    reason = exc.strerror or str(exc)
    raise OutputError(
        f"cannot write to standard output: {reason}; the output is incomplete"
    ) from None


def drop_stdout() -> None:
    # What is still buffered can never be written; without this, the flush
    # at exit fails again and Python prints a traceback-like warning.
    stand_in = getattr(getattr(sys.stdout, "buffer", None), "raw", None)
    if isinstance(stand_in, _ClosedStdout):
        stand_in.dropped = True
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class _ClosedStdout(io.RawIOBase):
    """Standard output closed by the shell (`>&-`): a write fails as one to a
    closed descriptor would (EBADF), until that was reported (`dropped`).

    The OutputError itself is raised, not the OSError: a print() in a command
    that says any OSError in its own words (`guarded`) would make it a second,
    vaguer line ("tui-digest: Bad file descriptor")."""

    dropped = False

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[no-untyped-def,override]
        if self.dropped:
            return len(data)
        stdout_failed(OSError(errno.EBADF, os.strerror(errno.EBADF)))


class _GuardedStdout:
    """Standard output whose failed writes (a full disk) are an OutputError: a
    `print()` raised the OSError itself, said as a bare "No space left on device"
    (after a complete `backup`: read as a failed one; bug hunt `auditout` #6).
    A BrokenPipeError stays one (`| head`: exit 141, quietly)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            stdout_failed(exc)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            stdout_failed(exc)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def guard_stdout() -> TextIO:
    """Put a `_GuardedStdout` in `sys.stdout`; returns the stream to put back."""
    stream = sys.stdout
    if not isinstance(stream, _GuardedStdout):
        sys.stdout = _GuardedStdout(stream)  # type: ignore[assignment]
    return stream


def write_note(text: str) -> None:
    """A line for the person, not the data (a count, "no digests imported yet",
    where a list came from): with the output on a terminal, below it; into a
    pipe or a file, on standard error, so a script reads data lines only
    (`digests | cat` got the message as if it were a digest; bug hunt)."""
    if sys.stdout.isatty():
        write_stdout(text)
    else:
        print(text, file=sys.stderr, flush=True)


def write_json(obj: object) -> None:
    """`obj` as JSON to standard output, in UTF-8 whatever the locale's encoding.

    JSON between programs is UTF-8 (RFC 8259, section 8.1), as the exports
    are; through a GBK locale's text layer a character GBK lacks failed the
    whole command (found by a bug hunt), and "replace" would corrupt the data.
    """
    write_utf8(json.dumps(obj, ensure_ascii=False, indent=2))


def write_utf8(text: str) -> None:
    """A line or more of data (JSON) to standard output in UTF-8, whatever the locale."""
    write_stdout_bytes(_line(text).encode("utf-8"))


def tolerate_encoding() -> None:
    """Text for people never fails on a character the locale cannot encode.

    Under a locale that is not UTF-8 (zh_CN.GBK, or PYTHONIOENCODING=latin-1)
    `search` printed nothing and exited 2 on its own unread marker "•" (found
    by a bug hunt). Such a character is now shown as "?"; the Chinese text GBK
    can encode is printed as it is. Exports and JSON are bytes (UTF-8) and do
    not pass through here.

    Standard error too: Python's own `backslashreplace` there printed `\u574f`
    where standard output printed "?", so one run named a file both ways
    (found by a bug hunt).
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        if codecs.lookup(encoding).name != "utf-8" and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def stand_in_for_closed_streams() -> None:
    """With standard output closed, Python sets sys.stdout to None and every
    command crashed (AttributeError). It becomes a stream whose writes fail, so
    a command that writes to it says "cannot write to standard output: Bad file
    descriptor" and exits 2, as for a full disk (a command that writes nothing
    there still works). A closed standard error becomes os.devnull: print(...,
    file=None) would write the messages to standard output instead."""
    if sys.stdout is None:
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(_ClosedStdout()), encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (for the process)
