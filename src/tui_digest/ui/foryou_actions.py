"""The main screen's For you keys: `f`, `R`, the picker's "For you", retraining.

A mixin of `MainScreen` (keys in `ui/keys.py`). Each action edits the search
text (so what is shown is always a query the user can read and change), and
the listing worker ranks it (`ui/foryou_read.read_ranked`). A model that must be
trained first is trained here, in its own worker (the listing thread stays
free for the next search), then the listing is read again. After the stars
change the model is retrained in a child process, a few seconds later (one
training for a burst of `s` presses), and only when For you has been used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual import work
from textual.reactive import reactive
from textual.worker import Worker, get_current_worker

from tui_digest.core.model import DigestInfo
from tui_digest.core.store import Store
from tui_digest.ui.foryou import related_query, retrain, today_query, toggle_foryou
from tui_digest.ui.marks import Schedule
from tui_digest.ui.widgets.paper_detail import PaperDetail
from tui_digest.ui.widgets.paper_list import PaperList
from tui_digest.ui.widgets.search_box import SearchBox

if TYPE_CHECKING:
    from tui_digest.core.model import PaperRecord


class _Stoppable(Protocol):
    def stop(self) -> None: ...


class ForYouActions:
    """Needs from the screen: search_box, paper_list, detail, store, digests, digest,
    set_timer, notify."""

    # Set by the screen from its Timing (`Timing.retrain_delay`, `Timing.schedule`).
    retrain_delay: float | None
    retrain_schedule: Schedule | None
    _retrain_timer: _Stoppable | None = None
    _training: Worker[None] | None = None
    _training_keeps: bool = False  # every listing waiting for the training kept its place

    search_box: SearchBox
    paper_list: PaperList
    detail: PaperDetail
    store: Store | None
    digests: list[DigestInfo]
    digest: reactive[str | None]  # the screen's (ListingScreen.digest)

    def action_toggle_foryou(self) -> None:
        """`f`: add sort:foryou to the search, or take it out."""
        self.search_box.set_query(toggle_foryou(self.search_box.value))

    def action_related(self) -> None:
        """`R`: list the papers most like the cursor's. Its row's id (the detail
        pane follows the cursor a moment later: `j R` listed the papers related
        to the paper the cursor had left; bug hunt `auditui` #7)."""
        rowid = self.paper_list.current_rowid
        if rowid is None:
            self.notify("No paper is open.", title="Related", markup=False)  # type: ignore[attr-defined]
            return
        paper_id = self.paper_list.shown_id(rowid)
        record: PaperRecord | None = self.detail.record
        if paper_id is None and record is not None and record.rowid == rowid:
            paper_id = record.paper.id  # (its row not drawn yet: the pane has it)
        if paper_id is None:
            self.notify("No paper is shown yet.", title="Related", markup=False)  # type: ignore[attr-defined]
            return
        self.search_box.set_query(related_query(paper_id))

    def show_for_you(self) -> None:
        """The picker's "For you": all papers of the newest day, ranked."""
        self.digest = None  # type: ignore[arg-type]  # the mixin's host is the screen (a DOMNode)
        self.search_for(today_query(self.digests))  # type: ignore[attr-defined]

    def stars_changed(self) -> None:
        """After `s`: retrain once the user pauses (the next ranking uses it)."""
        if self.retrain_delay is None:
            return
        if self._retrain_timer is not None:
            self._retrain_timer.stop()
        schedule = self.retrain_schedule or self.set_timer  # type: ignore[attr-defined]
        self._retrain_timer = schedule(self.retrain_delay, self.retrain_foryou)  # type: ignore[assignment]

    def retrain_foryou(self) -> None:
        self._retrain_timer = None
        if self.store is not None:
            self._retrain(Path(self.store.path))

    def train_then_reload(self, activity: str, store: Store, keep: bool) -> None:
        """A ranked listing (read from `store`) needs a (re)trained model: train it,
        then list again.

        One training at a time: a ranked search while one runs waits for it
        (its reload lists with whatever the search is by then). The reader's
        first listing asks before the screen has its store (`StoreOpened` is held
        for the first frame): it passes the store it read from. Without it, a
        reader reopened on a For you search after new papers came stayed on
        "Opening the cache…" for good.

        `keep`: the asking listing's (a re-read after a cache change keeps the
        reader's place). The ranked list keeps the place only when every
        listing that waited for the training did; a new search's is shown from
        its top. A newer day followed while it trained (a new search) came
        ranked scrolled down past its best rows, the unranked list's paper
        kept at its screen row (found by a bug hunt).
        """
        if self._training is not None and self._training.is_running:
            self._training_keeps = self._training_keeps and keep
            return
        self._training_keeps = keep
        self.set_activity(activity, slot="foryou-train")  # type: ignore[attr-defined]
        self._training = self._train_then_reload(Path(store.path))

    def _trained(self) -> None:
        """The training ended (ok): list again; a ranking that still needs one starts it."""
        self._training = None
        self.reload(keep=self._training_keeps)  # type: ignore[attr-defined]

    @work(thread=True, group="foryou-train", exit_on_error=False, description="train For you")
    def _train_then_reload(self, db: Path) -> None:
        from tui_digest.rank import RankUnavailable, background  # (not at start: issue 13 req 5)

        call = self.app.call_from_thread  # type: ignore[attr-defined]
        try:
            answer = background.train(db)
        except RankUnavailable as exc:
            call(self.notify, str(exc), title="For you", severity="warning", markup=False)  # type: ignore[attr-defined]
            answer = {}
        finally:
            call(self.set_activity, "", slot="foryou-train")  # type: ignore[attr-defined]
        if answer.get("status") == "ok" and not get_current_worker().is_cancelled:
            call(self._trained)

    @work(thread=True, exclusive=True, group="foryou-retrain", exit_on_error=False,
          description="retrain For you")  # fmt: skip
    def _retrain(self, db: Path) -> None:
        problem = retrain(db)
        if problem:
            notify = self.notify  # type: ignore[attr-defined]
            self.app.call_from_thread(  # type: ignore[attr-defined]
                notify, problem, title="For you", severity="warning", markup=False
            )
