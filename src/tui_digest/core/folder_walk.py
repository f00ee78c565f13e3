"""Which files of a folder are read as documents (`tui-digest import FOLDER`, and a
`file://…/` folder source).

Every file with a document's suffix, in every folder below, but not:

- the documentation of a repository (README, CHANGELOG, LICENSE, …): a clone
  of the generator's repository holds its README.md beside its `<cat>.md`
  digests (github.com/qhduan/cn-chat-arxiv's file list, as the project's code
  search stores it), and reading it as a digest made every import of the clone
  fail with "not a digest or feed", and exit 1;
- hidden files and folders (`.git`, `.github`): a clone's machinery;
- with `leave_out`, the folders `tui-digest publish` wrote (`published_folders`):
  `import` reads those through their `index.json`, each day once, since the
  folder holds every day twice (`.md` and `.xml`) and the newest twice more.

Any other file that cannot be read is still an error, naming the file.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path

from .publish_index import INDEX, is_index_file

SUFFIXES = (".md", ".xml", ".rss", ".atom")
# File names (before their first dot, any case) of a repository's documentation.
_DOCUMENTATION = frozenset(
    {
        "readme", "changelog", "changes", "history", "news", "license", "licence",
        "copying", "contributing", "code_of_conduct", "security", "authors", "notice",
    }
)  # fmt: skip


def is_document_name(name: str) -> bool:
    """Whether a file called `name` is read as a document when found in a folder."""
    if name.startswith("."):
        return False
    if not name.lower().endswith(SUFFIXES):
        return False
    return name.split(".", 1)[0].lower() not in _DOCUMENTATION


def document_files(folder: Path, *, leave_out: Collection[Path] = ()) -> list[Path]:
    """The documents in `folder` and the folders below it (not hidden ones, nor those
    in `leave_out` and below them), sorted.

    Raises OSError when `folder` cannot be listed; unreadable subfolders are
    left out, as `Path.rglob` leaves them."""
    if not folder.is_dir():
        raise NotADirectoryError(20, "not a folder", str(folder))
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        if Path(root) in leave_out:
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = Path(root, name)
            if is_document_name(name) and path.is_file():
                found.append(path)
    return sorted(found)


def published_folders(folder: Path) -> list[Path]:
    """`folder` and the folders below it (not hidden ones) that hold the `index.json`
    of a folder `tui-digest publish` wrote, sorted; none below a published one."""
    found: list[Path] = []
    for root, dirs, _files in os.walk(folder):
        if is_index_file(Path(root, INDEX)):
            found.append(Path(root))
            dirs[:] = []
        else:
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    return sorted(found)
