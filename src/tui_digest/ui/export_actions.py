"""`e` on the main screen: export the papers acted on (a mixin of `MainScreen`).

The dialog (screens/export.py) asks for the format and the file; the papers are
written in a thread worker (`export_job`), said in the status line while it
runs. Quitting waits for an export (ui/app.py); a second `q` stops it at its
next chunk of papers, and since the file is written atomically nothing is left
at its path (left undone last session: the only way out was to wait).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from tui_digest.core.wording import counted
from tui_digest.ui import messages as msg

if TYPE_CHECKING:
    from tui_digest.core.store import Store
    from tui_digest.core.store.picked import Picked
    from tui_digest.ui.screens.export import ExportRequest


class ExportActions:
    store: Store | None
    db_path: Path | None

    @property
    def _stop_exports(self) -> threading.Event:
        """Set once the user asked to stop the exports (a second `q`); never cleared:
        it is set only on the way out."""
        stop: threading.Event | None = self.__dict__.get("_export_stop")
        if stop is None:
            stop = self.__dict__["_export_stop"] = threading.Event()
        return stop

    def stop_exports(self) -> None:
        """Stop the exports running at their next chunk (their files are not written)."""
        self._stop_exports.set()

    def action_export(self) -> None:
        from tui_digest.ui.screens.export import ExportScreen

        rowids = self.targets()  # type: ignore[attr-defined]
        if rowids is None:
            return  # the selection's ids are being read (`targets` said so)
        if not rowids or self.store is None:
            self.notify("Nothing to export.", severity="warning")  # type: ignore[attr-defined]
            return
        # What the user saw, found again by id when the file is written (the
        # dialog may stay open while another process removes and imports papers).
        picked: Picked = self.paper_list.picked(rowids)  # type: ignore[attr-defined]

        digest: str | None = self.digest  # type: ignore[attr-defined]  # (its announce types)

        def chosen(request: ExportRequest | None) -> None:
            if request is not None and self.store is not None:
                store = self.store
                self.run_worker(  # type: ignore[attr-defined]
                    lambda: self._export(store, picked, request, digest),
                    thread=True,
                    group="export",
                    exit_on_error=False,
                    description="export",  # ("Could not export: …", `ui.workers`)
                    name=f"the export to {request.path}",  # (what quitting waits for)
                )

        screen = ExportScreen(len(rowids), cache=self.db_path)
        self.app.push_screen(screen, chosen)  # type: ignore[attr-defined]

    def _export(
        self, store: Store, picked: Picked, request: ExportRequest, digest: str | None
    ) -> None:
        from tui_digest.ui.export_job import ExportStopped, export_picked

        # Said in the status line while it runs: 65,000 papers as BibTeX take half
        # a minute, and with the dialog gone at once a user took the silence for a
        # failure and exported again (found by a bug hunt).
        slot = f"export-{id(request)}"
        say = self.app.call_from_thread  # type: ignore[attr-defined]
        say(self.set_activity, f"exporting {counted(len(picked.rowids), 'paper')}…", slot=slot)  # type: ignore[attr-defined]
        try:
            count, removed = export_picked(
                store,
                picked,
                request.format,
                request.path,
                request.overwrite,
                digest=digest,
                stop=self._stop_exports,
            )
        except ExportStopped as exc:
            if str(exc):  # stopped while a pipe took nothing: "the pipe's reader is not reading"
                say(self.notify, f"Export stopped: {exc}.", markup=False, severity="warning")  # type: ignore[attr-defined]
            return  # (on the way out: the app quits once this worker ends)
        finally:
            say(self.set_activity, "", slot=slot)  # type: ignore[attr-defined]
        self.post_message(msg.ExportDone(request.path, count, removed))  # type: ignore[attr-defined]

    def on_export_done(self, message: msg.ExportDone) -> None:
        gone = message.removed
        if gone and not message.count:
            papers = "paper was" if gone == 1 else f"{gone:,} papers were"
            text = f"Nothing exported: the {papers} no longer in the cache (removed meanwhile)."
            self.notify(text, markup=False, severity="warning")  # type: ignore[attr-defined]
            return
        text = f"Exported {counted(message.count, 'paper')} to {message.path}"
        if gone:
            were = "was" if gone == 1 else "were"
            text += f"; {gone:,} of the papers {were} no longer in the cache (not exported)"
        self.notify(text, markup=False, severity="warning" if gone else "information")  # type: ignore[attr-defined]
