"""arXiv's politeness clock across processes: a small record in the user's cache dir.

arXiv asks for no more than one request every three seconds and one
connection at a time, across the API and the feeds (/work/shared/docs/
upstream.md, "Politeness"); the rule is the machine's, not one process's.
`HostSlots` keeps it within a process only: `tui-digest fetch --no-enrich` and
`tui-digest enrich` started together put two arXiv requests 1.5 s apart
(found by a bug hunt), as would a cron `fetch` during the reader's refresh.

The record is one JSON object:
    {"next": T, "holder": "<token>", "held_until": T, "pid": N, "host": H,
     "asked": [host, seconds], "throttled": N}
- `next`: wall-clock time before which no arXiv request may start (the end of
  the last one plus the interval, a throttling answer's Retry-After, or our
  backoff after one that named no wait: `net.politeness.throttle_backoff`);
- `holder`: the client with an arXiv request in flight ("" when none), so a
  request of another process waits for it to end (one connection at a time);
  `held_until` bounds the hold (the request's deadline), and `pid`/`host` name
  the holder's process: one of this host that is gone holds nobody up;
- `asked`: who pushed `next` by a Retry-After, to name it in `NotAsked`;
- `throttled`: throttling answers in a row, from any process (0 once an
  answer was not one), which the backoff grows with. It refuses nothing: a
  client stops asking after throttles of its own (`politeness.GIVE_UP_AFTER`),
  so the next process asks again once `next` has passed.
It is read and written under an exclusive `flock`, held only for that
read-modify-write (never across a request or a wait). Times are wall-clock
(`time.time`: monotonic clocks differ between processes), injectable.

Without `fcntl` (Windows), or when the file cannot be written (a read-only
cache dir), each process keeps its own clock, as before: `problem` says why.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tui_digest.core.processes import process_alive, this_host
from tui_digest.net.headers import MAX_RETRY_AFTER
from tui_digest.net.options import Clock

try:
    import fcntl
except ImportError:  # Windows: no cross-process record (see the docstring)
    fcntl = None  # type: ignore[assignment]

# How long a request waits before looking again while another process's
# arXiv request is in flight (its end is not known in advance).
POLL = 0.5
RECORD_BYTES_MAX = 4096  # a record is ~120 bytes; anything longer is not ours


class SharedClock:
    """One process's view of the record at `path` (see the module docstring)."""

    def __init__(
        self, path: Path, wall_clock: Clock, hold_max: float, backoff_max: float = 60.0
    ) -> None:
        """`hold_max`: the longest a request holds the turn (its deadline);
        `backoff_max`: the longest wait a throttling answer without Retry-After sets."""
        self.path = path
        self._wall = wall_clock
        self.hold_max = hold_max
        self.backoff_max = backoff_max
        self.token = secrets.token_hex(8)  # this client, as the record's holder
        self.problem = "" if fcntl is not None else "no fcntl: one clock per process"

    def claim(self, interval: float) -> tuple[float, tuple[str, float] | None]:
        """Take the turn when it is free: (0, None), the turn now held by us.
        Else (seconds to wait before asking again, (host, seconds) of the
        Retry-After that set the wait, or None).

        A wait no Retry-After set is at most `interval`, or `backoff_max` after
        a throttling answer (`back_off`): a longer one is a wall clock set back
        since (the record's times are wall-clock). One a Retry-After
        set is at most `MAX_RETRY_AFTER`: a longer one (an earlier release kept a
        date in 2099 and stopped every arXiv request until then: found by a bug
        hunt) is dropped the same way."""
        with self._record() as rec:
            if rec is None:
                return 0.0, None
            now = self._wall()
            wait = float(rec.get("next", 0.0)) - now
            if wait > 0:
                asked = _asked(rec.get("asked"))
                longest = interval
                if asked is not None:
                    longest = MAX_RETRY_AFTER + interval
                elif _throttled(rec):
                    longest = max(interval, self.backoff_max)
                if wait > longest:
                    rec.update(next=now + interval, asked=None)
                    return interval, None
                return wait, asked
            holder, until = rec.get("holder", ""), float(rec.get("held_until", 0.0))
            # (A hold longer than any request's is a wall clock set back: ignored.)
            if (
                holder
                and holder != self.token
                and now < until <= now + self.hold_max
                and not _holder_gone(rec)
            ):
                return min(POLL, until - now), None
            rec.update(
                holder=self.token,
                held_until=now + self.hold_max,
                pid=os.getpid(),
                host=this_host(),
            )
            return 0.0, None

    def release(self, interval: float) -> None:
        """Our request has ended: the next may start `interval` s from now."""
        with self._record() as rec:
            if rec is None:
                return
            after = self._wall() + interval
            if after >= float(rec.get("next", 0.0)):  # (a Retry-After no longer holds it)
                rec.update(next=after, asked=None)
            if rec.get("holder") == self.token:
                rec.update(holder="", held_until=0.0)

    def push(self, host: str, seconds: float) -> None:
        """No arXiv request from any process for `seconds` (a throttling answer)."""
        seconds = max(0.0, seconds)
        if seconds > MAX_RETRY_AFTER:  # (not kept: see `claim`)
            return
        with self._record() as rec:
            if rec is None:
                return
            rec.update(throttled=_throttled(rec) + 1)
            until = self._wall() + seconds
            if until > float(rec.get("next", 0.0)):
                rec.update(next=until, asked=[host, seconds])

    def back_off(self, seconds: Callable[[int], float], count: int) -> int:
        """A throttling answer that named no wait: counted in the record's throttles
        in a row (every process's), and no arXiv request from any process for
        `seconds(n)`, n that count. Returns n; without a record, `count` (this
        process's own), nothing kept."""
        with self._record() as rec:
            if rec is None:
                return count
            count = _throttled(rec) + 1
            until = self._wall() + seconds(count)
            rec.update(throttled=count)
            if until > float(rec.get("next", 0.0)):
                rec.update(next=until, asked=None)
            return count

    def calm(self) -> None:
        """An arXiv answer that was no throttling: the throttles in a row start again."""
        with self._record() as rec:
            if rec is not None and _throttled(rec):
                rec.update(throttled=0)

    @contextmanager
    def _record(self) -> Iterator[dict[str, Any] | None]:
        """The record, locked, written back if changed; None when unavailable."""
        if self.problem:
            yield None
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            self.problem = f"{self.path}: {exc.strerror or exc}"
            yield None
            return
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                rec = _parse(os.pread(fd, RECORD_BYTES_MAX, 0))
            except OSError as exc:  # (a file system without locks)
                self.problem = f"{self.path}: {exc.strerror or exc}"
                yield None
                return
            before = dict(rec)
            yield rec
            if rec != before:
                data = json.dumps(rec).encode()
                try:
                    os.pwrite(fd, data, 0)
                    os.ftruncate(fd, len(data))
                except OSError as exc:  # (a full disk)
                    self.problem = f"{self.path}: {exc.strerror or exc}"
        finally:
            os.close(fd)  # (releases the lock)


def _holder_gone(rec: dict[str, Any]) -> bool:
    """Whether the holder was a process of this host that is gone (killed mid-request:
    SIGKILL, a cron timeout's SIGTERM). Its hold kept every other arXiv request on
    the machine waiting, silently, for up to its deadline (found by a regression
    hunt). A holder elsewhere (a shared home) or unsure is waited for."""
    pid = rec.get("pid")
    if not isinstance(pid, int) or rec.get("host") != this_host():
        return False
    return not process_alive(pid)


def _parse(raw: bytes) -> dict[str, Any]:
    """The stored record; an empty, garbled or foreign file counts as none."""
    try:
        rec = json.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(rec, dict):
        return {}
    for name in ("next", "held_until"):
        if not isinstance(rec.get(name, 0.0), int | float):
            return {}
    return rec


def _throttled(rec: dict[str, Any]) -> int:
    """The record's throttling answers in a row (0 when it holds no usable count)."""
    value = rec.get("throttled", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _asked(value: object) -> tuple[str, float] | None:
    """(host, seconds) of the record's `asked`, if it holds one."""
    if isinstance(value, list) and len(value) == 2:
        host, seconds = value
        if isinstance(host, str) and isinstance(seconds, int | float):
            return host, float(seconds)
    return None
