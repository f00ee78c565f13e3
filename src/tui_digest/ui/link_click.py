"""A click on a drawn link opens it: the detail pane and the reading view share this.

Only http/https URLs are drawn as links (ui/paper_text.py), and the opener
refuses anything else itself (ui/opener.py `open_in_browser`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App

from tui_digest.ui import messages as msg

if TYPE_CHECKING:  # (core.paper is not loaded before the first frame: issue 13 req 5)
    from tui_digest.core.model import PaperRecord


def open_clicked_link(
    app: App[Any], event: events.Click, record: PaperRecord | None = None
) -> bool:
    """Open the link under the click, if there is one (True: it was a link).

    A click on the paper's own page (abstract or PDF) of `record` counts as `o`
    does (`msg.PaperOpened`: read as the timer reads, never over a hand mark):
    the key marked the paper read and the click did not (found by a bug hunt).

    A click chain opens it once: Textual sends a `Click` for every release, the
    second of a double click with `chain=2`, and a double click opened two browser
    tabs, a triple click three (found by a bug hunt)."""
    link = event.style.link
    if not link:
        return False
    event.stop()
    if event.chain > 1:
        return True  # (the chain's first click opened it)
    from tui_digest.ui import opener  # (when used: issue 13 req 5)

    opener.open_in_browser(app, link)
    if record is not None and _own_page(link, record):
        app.screen.post_message(msg.PaperOpened(record.rowid))
    return True


def _own_page(link: str, record: PaperRecord) -> bool:
    """Whether `link` is the paper's own page: its stored link, or an arXiv link
    (abstract or PDF, http or https, with a version or not) to its id. Compared
    with the canonical https links alone, the stored `http://arxiv.org/abs/…` of
    the archive's papers (a quarter of a real cache) never counted (regression hunt)."""
    from tui_digest.core.arxiv_id import parse_arxiv_id

    if link == record.paper.url.strip():
        return True
    found = parse_arxiv_id(link) if "arxiv.org/" in link else None
    return found is not None and found[0] == record.paper.id
