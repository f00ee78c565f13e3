"""`ImportOptions`: what a caller says about a document beyond its content (see `facade_import`).

A module of its own so that a reader that only reads (its first frame) does not
build the class (issue 13 req 5).
"""

from __future__ import annotations

from collections.abc import Callable

from tui_digest.core.record import record


@record(frozen=True)
class ImportOptions:
    """What the caller says about a document beyond its content.

    `source_name`: what its digests are named after (default: the document's
    name without its date). `category`: the source's arXiv category, given to
    papers that have none. `last_modified`: the HTTP `Last-Modified`, one of
    the fallbacks for the digest's day. `today`: the local date of the fetch
    or import (default: `Store.today()`). `progress(n)`: n more papers indexed
    (for a progress bar; called from inside the transaction, so it must not
    touch the store). `revive_removed`: the user imports the document by hand
    (`tui-digest import`), so a list they removed from its source comes back; a
    fetch leaves it removed (`removed_lists`).
    """

    source_name: str = ""
    category: str = ""
    last_modified: str = ""
    today: str = ""
    progress: Callable[[int], object] | None = None
    revive_removed: bool = False
