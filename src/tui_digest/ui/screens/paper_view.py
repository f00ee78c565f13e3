"""The reading view (issue 12 req 2): the current paper full-screen.

`enter` on the list opens it; it shows what the detail pane shows (both
languages, metadata, comments, the user's tags and note) plus the links, wrapped
CJK-aware by `WrappingStatic`. `j`/`k`/space scroll, `J`/`K` move to the
next/previous paper of the list and `n` to the next unread one (on to the
next digest, as in the list); `s`/`m` mark the paper read. `escape` or `q`
return to the list, whose cursor has followed every move (so the list is at
the same place, and the main screen's read timer treats each move as the
deliberate cursor move it is; `enter` itself starts the timer on the paper
opened, screens/paper_view_actions.py).
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Static
from textual.worker import get_current_worker

from tui_digest.core.citation import is_arxiv_id, pdf_url
from tui_digest.core.model import PaperRecord
from tui_digest.core.store import Store
from tui_digest.ui import keys
from tui_digest.ui import messages as msg
from tui_digest.ui.key_hints import hint_key
from tui_digest.ui.link_click import open_clicked_link
from tui_digest.ui.news import CacheChanged
from tui_digest.ui.paper_text import LABEL, detail_content
from tui_digest.ui.signals import signals_of
from tui_digest.ui.text_wrap import WrappingStatic
from tui_digest.ui.widgets.footer import ReaderFooter
from tui_digest.ui.widgets.paper_list import PaperList


class Lister(Protocol):
    """What the view needs from the screen that opened it."""

    store: Store | None
    paper_list: PaperList
    language: str
    digest: str | None  # the digest viewed (its listing's text: `Store.get_paper_in`)

    def action_next_unread(self) -> None: ...
    def action_previous_unread(self) -> None: ...
    def action_undo(self) -> None: ...
    def open_paper(self, record: PaperRecord, *, pdf: bool = False) -> None: ...
    def toggle_flag(self, flag: str, *, current_only: bool = False) -> None: ...
    def read_on_open(self, rowid: int) -> None: ...


class PaperView(Screen[None]):
    CSS_PATH = "paper_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = list(keys.READING)

    def __init__(self, lister: Lister) -> None:
        super().__init__()
        self.lister = lister
        self.record: PaperRecord | None = None
        self._loading: int | None = None  # the paper asked for last

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="paper-view-position")
        with VerticalScroll(id="paper-view-scroll"):
            yield WrappingStatic(Content("Reading the paper…"), id="paper-view-body")
        yield ReaderFooter()

    def on_mount(self) -> None:
        self.query_one("#paper-view-scroll").focus()
        self._load_current()
        signals_of(self.app).cache_changed.subscribe(self, self._cache_changed)

    def _cache_changed(self, change: CacheChanged) -> None:
        """Another process enriched, translated, tagged or noted papers: the paper
        read here is read again, in place. The view kept the digest's cut abstract
        that the detail pane and search had left behind (a bug hunt). A removal is
        the listing's to follow (`follow`): row numbers may name other papers now."""
        if not change.removed:
            self._load_current()

    @property
    def papers(self) -> PaperList:
        return self.lister.paper_list

    def _load_current(self) -> None:
        rowid = self.papers.current_rowid
        if rowid is not None and self.lister.store is not None:
            self._loading = rowid
            self._load(self.lister.store, rowid, self.lister.digest)

    def follow(self, rowid: int, *, gone: int | None = None) -> None:
        """The list's cursor is on `rowid` now (this view moved it, or `n` went on to
        another digest): show that paper, unless it is the one shown or coming.

        `gone`: the list lost the paper the cursor was on (a refresh, another
        process's import). When that is the paper read here, the view says so:
        it went on to the next paper silently, and the user read another paper
        believing it the same (found by a bug hunt)."""
        if gone is not None and gone == self._loading:
            self._say_gone()
        if rowid != self._loading:
            self._load_current()

    def _say_gone(self) -> None:
        record = self.record
        what = "The paper you were reading"
        if record is not None and record.rowid == self._loading and record.paper.id:
            what = f"{what}, {record.paper.id},"
        self.notify(
            f"{what} is no longer in this list (a refresh removed it): "
            "showing the nearest paper left.",
            title="Paper removed",
            severity="warning",
            markup=False,  # (the paper's id and title are the document's text)
        )

    def flags_shown(self, flag: str, rowids: tuple[int, ...], value: bool) -> None:
        """Marks changed (the read timer, `s`, `m`): the header says so, in place."""
        if self.record is not None and self.record.rowid in rowids:
            setattr(self.record, flag, value)
            self._draw_paper(self.record)

    @work(thread=True, exclusive=True, group="paper-view", exit_on_error=False,
          description="read the paper")  # fmt: skip
    def _load(self, store: Store, rowid: int, digest: str | None) -> None:
        record = store.get_paper_in(rowid, digest)
        if record is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, record)

    def _show(self, record: PaperRecord) -> None:
        if record.rowid != self.papers.current_rowid:
            return  # the user moved on meanwhile
        again = self.record is not None and self.record.rowid == record.rowid
        self.record = record
        self._draw_paper(record)
        if not again:  # (the same paper read again after a change stays where it was read)
            self.query_one("#paper-view-scroll", VerticalScroll).scroll_home(animate=False)

    def _draw_paper(self, record: PaperRecord) -> None:
        row = self.papers.cached_row(record.rowid)
        body = detail_content(  # (the ref and announce type of the digest viewed)
            record,
            self.lister.language,
            row.ref if row else 0,
            announce_type=row.announce_type if row else "",
            version=row.version if row else "",
        )
        if is_arxiv_id(record.paper.id):
            link = pdf_url(record.paper.id)
            body = Content.assemble(
                body, (f"{'pdf':<11}", LABEL), (link, Style(underline=True, link=link))
            )
        self.query_one("#paper-view-body", Static).update(body)
        self.draw_position()

    def list_changed(self) -> None:
        """The list holds all its ids again: the "N / M" follows; a list left
        empty (every digest removed by another process) has no paper to read:
        the view kept "3 / 3" and the removed paper (regression hunt `regui` #5)."""
        if self.papers.ids:
            self.draw_position()
        elif self.is_active:
            self._close_emptied()
        # (else a dialog is open over the view: it closes when the view is back)

    def on_screen_resume(self) -> None:
        if not self.papers.ids:
            self._close_emptied()

    def _close_emptied(self) -> None:
        record = self.record
        what = "The paper you were reading"
        if record is not None and record.paper.id:
            what = f"{what}, {record.paper.id},"
        self.notify(
            f"{what} is no longer in this list, and no paper is left in it: back to the list.",
            title="Paper removed",
            severity="warning",
            markup=False,  # (the paper's id is the document's text)
        )
        self.dismiss(None)

    def draw_position(self) -> None:
        """ "N / M" of the list, drawn again as its ids come: after a re-listing it
        kept the first page's length ("1 / 120" of 20,249) until the next move
        (bug hunt `conc`)."""
        position = f"{self.papers.cursor + 1:,} / {len(self.papers.ids):,}"
        self.query_one("#paper-view-position", Static).update(
            Content.assemble((position, LABEL), (self._moves_hint(), LABEL))
        )

    def on_click(self, event: events.Click) -> None:
        """A click on a link opens it, as in the detail pane (only http/https are links)."""
        open_clicked_link(self.app, event, self.record)

    def _moves_hint(self) -> str:
        """ "  ·  J/K next/previous · n next unread", with the keys as bound now."""
        next_, previous, unread = (
            hint_key(self.app, f"reading.{name}") for name in ("next", "previous", "next_unread")
        )
        return f"  ·  {next_}/{previous} next/previous · {unread} next unread"

    # --- keys --------------------------------------------------------------------

    def action_scroll(self, lines: int) -> None:
        scroll = self.query_one("#paper-view-scroll", VerticalScroll)
        scroll.scroll_to(y=scroll.scroll_y + lines, animate=False)

    def action_page(self, pages: int = 1) -> None:
        scroll = self.query_one("#paper-view-scroll", VerticalScroll)
        page = max(1, scroll.size.height - 2)
        scroll.scroll_to(y=scroll.scroll_y + pages * page, animate=False)

    def action_move(self, delta: int) -> None:
        target = self.papers.cursor + delta
        if 0 <= target < len(self.papers.ids):
            self.papers.move_cursor(target)
            self._load_current()
        else:
            self.notify("No more papers this way.", markup=False)

    # The list's own actions, on the paper read: its screen keeps the marks, their
    # undo and the read timer, and this view follows its cursor and its marks.

    def action_next_unread(self) -> None:
        """As `n` in the list: the next unread paper, then on to the next digest with
        unread papers (the list follows, and this view follows the list)."""
        self.lister.action_next_unread()

    def action_previous_unread(self) -> None:
        self.lister.action_previous_unread()

    def action_flag(self, flag: str) -> None:
        self.lister.toggle_flag(flag, current_only=True)

    def action_undo(self) -> None:
        self.lister.action_undo()

    # `o`/`O`/`y`/`b`: the paper shown here. They asked the list's screen, whose
    # hidden detail pane follows the cursor a moment later: `J y` said "No paper
    # is shown yet." with the paper on screen (bug hunt `auditui` #7).

    def _shown(self) -> PaperRecord | None:
        record = self.record
        if record is None or record.rowid != self.papers.current_rowid:
            self.notify("No paper is shown yet.", severity="warning", markup=False)
            return None
        return record

    def action_open_link(self) -> None:
        if (record := self._shown()) is not None:
            self.lister.open_paper(record)

    def action_open_pdf(self) -> None:
        if (record := self._shown()) is not None:
            self.lister.open_paper(record, pdf=True)

    def action_copy_link(self) -> None:
        from tui_digest.ui import opener

        if (record := self._shown()) is not None:
            opener.copy_paper_link(self.app, record)

    @on(msg.PaperOpened)
    def _paper_opened(self, message: msg.PaperOpened) -> None:
        """A click on the paper's own link here counts as `o` (the list's rule)."""
        message.stop()
        self.lister.read_on_open(message.rowid)

    def action_copy_bibtex(self) -> None:
        from tui_digest.ui import opener

        if (record := self._shown()) is not None:
            opener.copy_paper_bibtex(self.app, record)

    def action_close(self) -> None:
        self.dismiss(None)
