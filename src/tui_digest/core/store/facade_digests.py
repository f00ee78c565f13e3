"""`Store`'s methods for the cache as a whole: its digests, sources, totals, retention.

Each method hands its work to one module: `sources` (digests, source fetch
state, totals), `days` (digest names, aliases, original bytes), `retention`
(removing digests and the papers only they listed), `backup` (a consistent
copy) and `watch` (noticing other processes' commits).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.core.model import DigestInfo
from tui_digest.core.store import days, queries, sources
from tui_digest.core.store.connection import Connections

if TYPE_CHECKING:
    from tui_digest.core.store import retention
    from tui_digest.core.store.watch import CacheWatch

# `backup`, `retention` and `watch` are imported by the methods that use them:
# the reader's first frame needs none (issue 13 req 5).


class DigestMethods(Connections):
    """Digests, source state, totals, backups and retention; part of `Store`."""

    # --- Digests, stats, sources ----------------------------------------------

    def digests(self, *, unread: bool = False) -> list[DigestInfo]:
        """Every digest, newest day first (`unread`: count each one's unread papers)."""
        return sources.digests(self._conn(), unread=unread)

    def digest_name(self, name: str) -> str | None:
        """The digest called `name`, or whose alias (an older name) is `name`; None if none."""
        conn = self._conn()
        return queries.canonical_name(conn, name) if days.resolve(conn, name) else None

    def original_bytes(self, name: str) -> bytes | None:
        """The bytes digest `name` was read from, when the cache kept them."""
        return days.original_bytes(self._conn(), name)

    def source_days(self, source: str) -> set[str]:
        """The days `source` has a digest of, or had one that was removed."""
        return days.days_of(self._conn(), source)

    def removed_days(self, source: str) -> set[str]:
        """The days `source` had a digest of that was removed, and has none now."""
        return days.removed_days(self._conn(), source)

    def removed_sources(self) -> dict[str, list[tuple[str, str]]]:
        """Day -> (source, category) of the digests of that day that were removed,
        whose sources have none of it now (category '' when unknown)."""
        return days.removed_sources(self._conn())

    def newest_digest_day(self, source: str) -> str:
        """The newest day `source` has a digest of ("" when none)."""
        return days.newest_digest_day(self._conn(), source)

    def digest_days(self, source: str, since: str) -> set[str]:
        """The days from `since` on that `source` has a digest of."""
        return days.digest_days(self._conn(), source, since)

    def hold_empty_day(self, source: str, day: str) -> None:
        """`source` was fetched on `day` and was empty: the day is held (see `days.hold_day`)."""
        with self._write() as conn:
            days.hold_day(conn, source, day)

    def kept_sha256(self, source: str, dates: Sequence[str]) -> dict[str, str]:
        """date -> SHA-256 of the bytes `source`'s digest of each of `dates` was read from."""
        return days.kept_sha256(self._conn(), source, dates)

    def stats(self) -> dict[str, object]:
        return sources.stats(self._conn(), self.path)

    def watch(self) -> CacheWatch:
        """A watcher of other connections' changes to papers and digests (see `watch`)."""
        from tui_digest.core.store.watch import CacheWatch

        return CacheWatch(self.path, self.file_id)

    def is_empty(self) -> bool:
        return sources.is_empty(self._conn())

    def backup(self, target: str | Path, *, overwrite: bool = False) -> Path:
        """Write a consistent, compacted copy of the cache to `target` (see `backup`)."""
        from tui_digest.core.store import backup

        return backup.backup(self._conn(), self.path, target, overwrite=overwrite)

    def get_source_state(self, name: str) -> dict[str, object] | None:
        return sources.get_source_state(self._conn(), name)

    def fetch_state(self, name: str, url: str) -> dict[str, object] | None:
        """The source's last fetch state when it was of `url` (see `sources.fetch_state`)."""
        return sources.fetch_state(self._conn(), name, url)

    def set_source_state(self, name: str, **fields: object) -> None:
        sources.check_source_fields(fields)
        with self._write() as conn:
            sources.set_source_state(conn, name, fields)

    # --- Retention (see `retention`) ------------------------------------------

    def digest_pks(self, names: Sequence[str]) -> list[int]:
        """The digests called (or aliased) `names`; a ValueError names the unknown ones."""
        conn = self._conn()
        found = {name: days.resolve(conn, name) for name in names}
        missing = [name for name, pk in found.items() if pk is None]
        if missing:
            raise ValueError(
                "no digest named " + ", ".join(map(repr, missing)) + " (see `tui-digest digests`)"
            )
        return sorted({pk for pk in found.values() if pk is not None})

    def digests_older_than(self, day: str) -> list[int]:
        """The digests dated before `day` (YYYY-MM-DD)."""
        from tui_digest.core.store import retention

        return retention.older_than(self._conn(), day)

    def removal_plan(self, pks: Sequence[int], *, loose_before: str = "") -> retention.Removal:
        """What `remove_digests(pks, loose_before=)` would remove, without changing anything."""
        from tui_digest.core.store import retention

        conn = self._conn()
        loose = retention.loose_before(conn, loose_before) if loose_before else []
        return retention.plan(conn, pks, loose)

    def remove_digests(
        self,
        pks: Sequence[int],
        *,
        loose_before: str = "",
        progress: Callable[[int, int], object] | None = None,
        named: Sequence[str] | None = None,
    ) -> retention.Removal:
        """Remove digests and the unstarred papers only they listed, in one transaction;
        `loose_before` (`prune`): also the unmarked papers no digest lists, first seen
        before that day (`retention.loose_before`). `progress(done, total)`: papers
        deleted or moved so far (`retention.remove`). `named`: only those of `pks`
        still called one of these names, checked inside the transaction (`pks` read
        before a question: a row number freed by another process's removal goes to
        the next digest imported; bug hunt `auditui` #1). A name another row carries
        now (removed and imported again meanwhile) is left alone and reported in
        `Removal.returned`: the question's counts were not of it (regression hunt
        `regui41` #2)."""
        from tui_digest.core.store import retention

        with self._write() as conn:
            returned: list[str] = []
            if named is not None:
                pks = retention.still_named(conn, pks, named)
                returned = retention.named_elsewhere(conn, named, pks)
            loose = retention.loose_before(conn, loose_before) if loose_before else []
            if not pks and not loose:
                return retention.Removal([], returned=returned)
            done = retention.remove(conn, pks, loose, progress)
            done.returned = returned
            return done
