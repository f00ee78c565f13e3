"""Writing a pipe or device in short waits, so that a stop can always end it.

The reader's export into a FIFO whose consumer has it open but does not read
(`sleep 300 < ff`, a paused pager) blocked in `write` once the pipe held 64 KB:
the second `q` said "Stopping the export" and nothing stopped; ctrl+q and
SIGTERM did nothing either (bug hunt regfiles2). Here the descriptor is
non-blocking and each wait for room lasts at most `SLICE` seconds, after which
the stop flag is looked at.
"""

from __future__ import annotations

import errno
import os
import select
import threading

__all__ = ["SLICE", "PolledWriter", "StreamStopped"]

SLICE = 0.2  # seconds a write waits for room before it looks at the stop flag


class StreamStopped(Exception):
    """The write was stopped while the pipe or device took nothing more."""

    def __init__(self, blocked: bool) -> None:
        self.blocked = blocked
        super().__init__(
            "the pipe's reader is not reading" if blocked else "the export was stopped"
        )


class PolledWriter:
    """A binary sink over the descriptor `fd` (made non-blocking; closed by `close`)
    that raises `StreamStopped` once `stop` is set while it waits for room."""

    def __init__(self, fd: int, stop: threading.Event) -> None:
        os.set_blocking(fd, False)
        self.fd = fd
        self.stop = stop

    def write(self, data: bytes, /) -> int:
        view = memoryview(data)
        while view:
            try:
                done = os.write(self.fd, view)
            except BlockingIOError:
                done = 0
            view = view[done:]
            if view:
                self._wait_for_room()
        return len(data)

    def _wait_for_room(self) -> None:
        while True:
            if self.stop.is_set():
                raise StreamStopped(blocked=True)
            _r, ready, _x = select.select([], [self.fd], [], SLICE)
            if ready:
                return

    def flush(self) -> None:
        """Nothing is buffered here."""

    def seek(self, _offset: int, _whence: int = 0) -> int:
        raise OSError(errno.ESPIPE, os.strerror(errno.ESPIPE))

    def truncate(self, _size: int | None = None) -> int:
        raise OSError(errno.ESPIPE, os.strerror(errno.ESPIPE))

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> PolledWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
