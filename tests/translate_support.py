"""What the translation tests share: a cache of English-only papers, and a
sleep that only records (no test waits for real). (The `llm` and `store`
fixtures stay in each module: imported fixtures read as redefinitions to ruff.)"""

from __future__ import annotations

from tui_digest.core.model import Digest, Paper
from tui_digest.core.store import Store


class NoSleep:
    """The runner's `sleep`: records each wait and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def add_papers(store: Store, n: int) -> list[int]:
    """`n` English-only papers (2501.07001…) in one digest; their rowids."""
    papers = [
        Paper(id=f"2501.070{i:02d}", title_en=f"Title {i}", abstract_en=f"Abstract {i}.")
        for i in range(1, n + 1)
    ]
    store.import_digest(Digest(name="arxiv-cs.CL", date="2025-01-14", papers=papers))
    return [r.rowid for r in store.find_incomplete("", missing={"title_zh": ("title_en",)})]
