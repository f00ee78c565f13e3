"""Write SVG screenshots of the reader's main states into screenshots/.

Runs the reader headless on a fresh cache holding only the bundled sample
digest (the first-run import), so the pictures match what a new user sees.
Usage: python scripts/screenshots.py  (or `make screenshots`)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
OUT = ROOT / "screenshots"

# (file name, terminal size, keys pressed after start-up)
SHOTS: list[tuple[str, tuple[int, int], Sequence[str]]] = [
    ("main-wide.svg", (150, 40), ("j", "j")),
    ("main-stacked.svg", (120, 44), ("j", "j", "v")),  # auto is side by side here; v stacks
    ("search.svg", (150, 40), ("slash", *"transformer", "enter")),
    ("help.svg", (150, 44), ("question_mark",)),
    ("export.svg", (150, 40), ("space", "space", "space", "e")),
    ("sources.svg", (150, 40), ("S",)),  # the default sources, never fetched
]


async def settle(pilot) -> None:
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            return


async def shoot(name: str, size: tuple[int, int], keys: Sequence[str], folder: Path) -> None:
    from tui_digest.ui.app import make_app
    from tui_digest.ui.timing import Timing, never

    # Every paper stays unread (the read timer never fires): stable pictures.
    app = make_app(folder / f"{name}.db", timing=Timing(detail_delay=0.0, schedule=never))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        app.clear_notifications()
        await pilot.pause()
        (OUT / name).write_text(app.export_screenshot(title="tui-digest"), encoding="utf-8")
    print(OUT / name)


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # Never touch the user's settings; start every shot from the defaults.
        os.environ["TUI_DIGEST_SETTINGS"] = str(folder / "settings.json")
        # Nor the user's config: a path that does not exist (a stable one, since
        # the sources screen shows it) means the default sources.
        os.environ["TUI_DIGEST_CONFIG"] = "/home/you/.config/tui-digest/config.toml"
        from tui_digest.ui.screens.export import ExportScreen

        ExportScreen.clock = staticmethod(lambda: datetime(2024, 2, 6, 9, 30))  # type: ignore[assignment]
        OUT.mkdir(exist_ok=True)
        for name, size, keys in SHOTS:
            (folder / "settings.json").unlink(missing_ok=True)
            await shoot(name, size, keys, folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
