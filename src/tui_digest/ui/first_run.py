"""What the reader says on a first run (the bundled sample shown) and after its first fetch.

A new user sees the sample; the one thing to know is that `r` fetches the
configured digests (the default sources, or the config's) now. When that fetch
reaches no source (no network, a proxy, a firewall), the sample stays and the
reader says why and what to do, in the status line and a notification.
All texts are plain (errors name hosts and URLs: untrusted, shown with
`markup=False` / as `Content` text).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui_digest.core.sanitize import clean_line

if TYPE_CHECKING:
    from tui_digest.fetch.runner import SourceResult

NOTE = "sample data: r fetches the configured digests now · or tui-digest import FILE"
NOTE_UNREACHABLE = "sample data: the fetch reached no source · r tries again · S shows why"


def welcome(sample_name: str) -> str:
    return (
        f"Showing the bundled sample digest ({sample_name}). Press r to fetch the "
        "configured digests now (the default arXiv sources unless your config lists "
        "others; S shows them), or import files with `tui-digest import FILE`."
    )


def unreachable(results: Sequence[SourceResult]) -> str:
    """The message when a fetch on the sample reached no source at all ("" otherwise)."""
    from tui_digest.fetch.results import offline_line

    if not results or any(r.ok for r in results):
        return ""
    why = offline_line(results) or results[0].error
    return (
        f"No digest could be fetched ({clean_line(why, 160)}): the network or the "
        "sources are unreachable. The sample stays; press r to try again once online "
        "(S shows each source's error)."
    )
