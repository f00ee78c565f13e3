"""What the reader says after `s` / `m` (`FlagChange.describe`) when papers went
from the cache between the listing and the write (found by a bug hunt)."""

from __future__ import annotations

from tui_digest.ui.marks import FlagChange


def test_a_paper_removed_meanwhile_is_never_counted_as_already_so() -> None:
    # Was: "Unstarred 0 papers (1 already were)" for a star on a removed paper.
    assert FlagChange("starred", True, (), 1, waiting=1).describe() == (
        "1 paper removed from the cache meanwhile: kept as starred for when it comes back"
    )
    assert FlagChange("read", True, (7, 8), 5, waiting=2).describe() == (
        "Marked 2 papers read (1 already were); 2 papers removed from the cache "
        "meanwhile: kept as read for when they come back"
    )
    assert FlagChange("starred", True, (), 2, gone=2).describe() == (
        "2 papers no longer in the cache (removed meanwhile): nothing saved for them"
    )
    assert FlagChange("starred", False, (3,), 1).describe() == "Unstarred 1 paper"
    assert FlagChange("starred", True, (), 1).describe() == "Starred 0 papers (1 already were)"
