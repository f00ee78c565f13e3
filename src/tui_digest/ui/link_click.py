"""A click on a drawn link opens it: the detail pane and the reading view share this.

Only http/https URLs are drawn as links (ui/paper_text.py), and the opener
refuses anything else itself (ui/opener.py `open_in_browser`).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App


def open_clicked_link(app: App[Any], event: events.Click) -> bool:
    """Open the link under the click, if there is one (True: it was a link)."""
    link = event.style.link
    if not link:
        return False
    from tui_digest.ui import opener  # (imported when used: issue 13 req 5)

    event.stop()
    opener.open_in_browser(app, link)
    return True
