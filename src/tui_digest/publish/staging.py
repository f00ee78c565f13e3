"""A publish's files, written aside first and moved into place together.

    staged = Staging(folder)
    staged.write("cs.AI/2025-09-18.xml", xml, written)   # only when its bytes change
    staged.remove("cs.LG.md")                            # (a withdrawn category's)
    staged.write("index.json", text, written)            # last: subscribers read it first
    staged.commit()                                      # or discard() on any error

Each file used to be replaced as soon as it was written, so a run that failed
part-way (a full disk at cs.LG's files) left cs.AI.xml serving the new day
while index.json still listed the old one, and exit 2 said nothing was
published (found by a code audit). Now every new file is written whole
beside its target first (`write_atomic` into a temporary name, fsynced); only
when all are written are they renamed into place, in the order given, so a
failure while writing leaves the folder as it was. A rename needs no room;
should one fail all the same, `commit` raises a PublishError that names the
files already in place.

Temporary names are those `atomic_file` gives its own (`.tui-digest-<pid>-
<hex>.tmp`), so one left by a killed run is removed by a later write an hour
on (`atomic_file._remove_leftovers`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tui_digest.core.atomic_file import move_into_place, sync_folder, temp_name, write_atomic
from tui_digest.core.output_target import planted


class Written(Protocol):
    """What a publish run wrote (`publish.folder.Written`): said here by shape,
    so that the two modules do not import each other (`test_layers`)."""

    changed: list[str]
    unchanged: list[str]


class StagingError(Exception):
    """Raised by `Staging`: the message says what the folder holds now."""


@dataclass(slots=True)
class _Step:
    relative: str
    target: Path  # the file replaced (a symlink's target: links are followed)
    staged: Path | None  # None: `target` is removed


@dataclass(slots=True)
class Staging:
    folder: Path
    _steps: list[_Step] = field(default_factory=list)
    _made: list[Path] = field(default_factory=list)  # folders this run created

    def write(self, relative: str, text: str, written: Written) -> None:
        """Stage `text` as `relative`, unless the folder's file has these bytes."""
        self._drop(relative)  # (a later write of the same file wins)
        path = self.folder / relative
        data = text.encode("utf-8")
        try:
            if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
                written.unchanged.append(relative)
                return
        except OSError as exc:
            raise StagingError(f"{path}: cannot read: {exc.strerror or exc}") from None
        target = self._target(path)
        try:
            if target == path:  # (a link's folder is its own: never made here)
                self._make_folder(target.parent)
            staged = temp_name(target.parent)
            write_atomic(staged, data)
            self._steps.append(_Step(relative, target, staged))
            _keep_mode(target, staged)
        except OSError as exc:
            self.discard()
            reason = exc.strerror or str(exc) or type(exc).__name__
            if reason.startswith("cannot write "):  # (atomic_file's message names the temp)
                reason = reason.rpartition(": ")[2]
            raise StagingError(
                f"cannot write {path}: {reason}; nothing published: the folder is as it was"
            ) from None
        written.changed.append(relative)

    def remove(self, relative: str) -> None:
        """Remove `relative` when the staged files go into place (`commit`)."""
        self._drop(relative)
        self._steps.append(_Step(relative, self.folder / relative, None))

    def commit(self) -> None:
        """Move every staged file into place (and remove those to go), in order."""
        done: list[str] = []
        folders: set[Path] = set()
        for n, step in enumerate(self._steps):
            try:
                if step.staged is None:
                    step.target.unlink(missing_ok=True)
                else:
                    move_into_place(step.staged, step.target)
                    folders.add(step.target.parent)
            except OSError as exc:
                left = [s.relative for s in self._steps[n:]]
                self.discard()
                reason = exc.strerror or str(exc)
                what = "removed" if step.staged is None else "moved into place"
                raise StagingError(
                    f"{self.folder / step.relative} could not be {what}: {reason}; "
                    f"already in place: {', '.join(done) or 'nothing'}; "
                    f"not written: {', '.join(left)}; publish again to complete the folder"
                ) from None
            done.append(step.relative)
        self._steps.clear()
        self._made.clear()
        try:
            for folder in sorted(folders):
                sync_folder(folder)
        except OSError as exc:  # every file is in place: only their durability is unsure
            raise StagingError(
                f"{self.folder}: every file was written, but syncing it failed: "
                f"{exc.strerror or exc}"
            ) from None

    def discard(self) -> None:
        """Remove every staged file not in place, and the folders this run made
        that are empty."""
        for step in self._steps:
            if step.staged is not None:
                step.staged.unlink(missing_ok=True)
        self._steps.clear()
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                continue  # (not empty: another run's files, or not ours to insist)
        self._made.clear()

    def _target(self, path: Path) -> Path:
        """The file to replace: `path`, or the file a symlink there points to
        (followed, as `write_atomic` follows it; refused as it refuses it when
        another user planted it in a shared folder, `output_target.planted`)."""
        if not path.is_symlink():
            return path
        if planted(path):
            self.discard()
            raise StagingError(
                f"refusing to write {path}: it is another user's symlink in a shared "
                "folder (sticky and writable by all, as /tmp); nothing published: "
                "the folder is as it was"
            )
        return Path(os.path.realpath(path))

    def _drop(self, relative: str) -> None:
        for step in [s for s in self._steps if s.relative == relative]:
            if step.staged is not None:
                step.staged.unlink(missing_ok=True)
            self._steps.remove(step)

    def _make_folder(self, folder: Path) -> None:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        folder.mkdir(parents=True, exist_ok=True)
        self._made.extend(reversed(missing))


def _keep_mode(target: Path, staged: Path) -> None:
    """The new file keeps the permission bits of the one it replaces, as
    `write_atomic` keeps them when it replaces a file itself."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return
    if stat.S_ISREG(st.st_mode):
        os.chmod(staged, stat.S_IMODE(st.st_mode))
