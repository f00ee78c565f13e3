"""What the reader says on a first run (the bundled sample shown) and after its first fetch.

A new user sees the sample; the one thing to know is that `r` fetches the
configured digests (the default sources, or the config's) now. When that fetch
reaches no source (no network, a proxy, a firewall), the sample stays and the
reader says why and what to do, in the status line and a notification.
All texts are plain (errors name hosts and URLs: untrusted, shown with
`markup=False` / as `Content` text). They name the refresh and sources keys
as bound now (`key_hints`: the config's `[keys]` may remap them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui_digest.core.sanitize import clean_line
from tui_digest.ui.key_hints import hint_key

if TYPE_CHECKING:
    from textual.app import App

    from tui_digest.fetch.runner import SourceResult


def _keys(app: App[object]) -> tuple[str, str]:
    """(refresh, sources): the keys as bound now."""
    return hint_key(app, "main.refresh"), hint_key(app, "main.sources")


def note(app: App[object]) -> str:
    refresh, _ = _keys(app)
    return f"sample data: {refresh} fetches the configured digests now · or tui-digest import FILE"


def note_unreachable(app: App[object]) -> str:
    refresh, sources = _keys(app)
    return f"sample data: the fetch reached no source · {refresh} tries again · {sources} shows why"


def welcome(app: App[object], sample_name: str) -> str:
    refresh, sources = _keys(app)
    return (
        f"Showing the bundled sample digest ({sample_name}). Press {refresh} to fetch the "
        "configured digests now (the default arXiv sources unless your config lists "
        f"others; {sources} shows them), or import files with `tui-digest import FILE`."
    )


def unreachable(app: App[object], results: Sequence[SourceResult]) -> str:
    """The message when a fetch on the sample reached no source at all ("" otherwise)."""
    from tui_digest.fetch.results import offline_line

    if not results or any(r.ok for r in results):
        return ""
    why = offline_line(results) or results[0].error
    refresh, sources = _keys(app)
    return (
        f"No digest could be fetched ({clean_line(why, 160)}): the network or the "
        f"sources are unreachable. The sample stays; press {refresh} to try again once online "
        f"({sources} shows each source's error)."
    )
