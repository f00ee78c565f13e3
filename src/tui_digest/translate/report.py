"""What a translation run reports: each paper's outcome, and the run's summary
(counts, tokens, cost, why it stopped). `runner.translate_papers` fills it;
the CLI, the reader and `publish` show it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from tui_digest.core.sanitize import clean_line
from tui_digest.translate.client import Usage

# elsewhere: not translated by this run, because another run holds the paper
# or its Chinese fields were filled meanwhile (by another run or a digest).
# removed: the paper left the cache while the run worked (`digests rm`, `prune`):
# not sent, or its answer not saved (its row may hold another paper by then).
Status = Literal["done", "failed", "skipped", "elsewhere", "removed"]
MAX_REASON = 500


@dataclass(slots=True)
class PaperOutcome:
    rowid: int
    id: str
    title: str
    status: Status
    filled: list[str] = field(default_factory=list)  # fields written, e.g. ["title_zh"]
    error: str = ""

    def line(self) -> str:
        """One plain line: `2404.00026: done (title_zh, summary_zh)` or `...: failed (why)`."""
        name = clean_line(self.id, 100)
        if self.status == "done":
            what = ", ".join(self.filled) if self.filled else "nothing left to fill"
            # (the fields a newer version's English left unsaved: `runner._Run.save`)
            more = f"; {clean_line(self.error, MAX_REASON)}" if self.error else ""
            return f"{name}: done ({what}{more})"
        if self.status == "skipped":
            return f"{name}: skipped ({self.error or 'not sent'})"
        if self.status in ("elsewhere", "removed"):
            return f"{name}: not translated by this run ({self.error})"
        return f"{name}: failed ({clean_line(self.error, MAX_REASON)})"


def cost_text(cost: float) -> str:
    """The cost with four decimals, or two significant digits when below 0.01: a
    small run's real cost (150 tokens: 0.000045) said "0.0000" (found by a bug hunt)."""
    if not 0 < cost < 0.01:
        return f"{cost:.4f}"
    return f"{cost:.{1 - math.floor(math.log10(cost))}f}"


# progress(done, total, outcome): called once as each paper finishes.
Progress = Callable[[int, int, PaperOutcome], None]


@dataclass(slots=True)
class TranslateReport:
    model: str
    outcomes: list[PaperOutcome] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    aborted: str = ""  # the fatal error that stopped the batch, or ""
    over_limit: int = 0  # papers left out by max_papers_per_run
    token_limited: bool = False  # max_tokens_per_run stopped the run early
    cost: float | None = None  # estimated from the configured prices, or None
    interrupted: bool = False  # stopped by its `stop` event (Ctrl-C, quitting)
    cut_off: int = 0  # requests in flight the interruption cut off
    token_ceiling: int = 0  # the run's max_tokens_per_run (0 = none)

    def _count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def done(self) -> int:
        return self._count("done")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def skipped(self) -> int:
        return self._count("skipped")

    @property
    def elsewhere(self) -> int:
        return self._count("elsewhere")

    @property
    def removed(self) -> int:
        return self._count("removed")

    @property
    def ok(self) -> bool:
        return not self.aborted and not self.failed

    def _tokens(self) -> str:
        """The tokens and cost, saying so when the server counted none (no `usage`):
        "0 tokens, estimated cost 0.0000" was read as a free run."""
        u = self.usage
        counted = u.prompt_tokens + u.completion_tokens
        if u.uncounted and not counted:
            text = (
                f"; tokens: the server reported no token counts for {u.uncounted} answer(s)"
                f" (no usage), in {u.requests} request(s)"
            )
            if self.cost is not None:
                text += "; cost unknown"
        else:
            text = (
                f"; tokens: {u.prompt_tokens} prompt + {u.completion_tokens} completion"
                f" = {counted} in {u.requests} request(s)"
            )
            if u.uncounted:
                text += f" ({u.uncounted} answer(s) without token counts not included)"
            if self.cost is not None:
                least = "at least " if u.uncounted else ""
                text += f"; estimated cost {least}{cost_text(self.cost)} (at the configured prices)"
        if u.uncounted and self.token_ceiling:
            text += "; max_tokens_per_run cannot apply: the server reports no token counts"
        return text

    def summary(self) -> str:
        parts = [f"translated {self.done}", f"failed {self.failed}"]
        if self.skipped:
            parts.append(f"skipped {self.skipped}")
        if self.elsewhere:
            parts.append(f"{self.elsewhere} left to another run or filled meanwhile")
        if self.removed:
            parts.append(f"{self.removed} removed from the cache meanwhile")
        text = f"{', '.join(parts)} of {len(self.outcomes)} paper(s) with {self.model}"
        text += self._tokens()
        if self.over_limit:
            text += f"; {self.over_limit} more left for the next run (max_papers_per_run)"
        if self.token_limited:
            text += f"; {self.skipped} left for the next run (max_tokens_per_run reached)"
        if self.aborted:
            text += f"; stopped: {clean_line(self.aborted, MAX_REASON)}"
        if self.interrupted:
            text += "; interrupted: the answers received were saved"
            if self.cut_off:
                # (the server may have counted tokens for them: it never said how many)
                text += (
                    f", {self.cut_off} request(s) in flight cut off (among the"
                    f" {self.usage.requests} counted), their tokens not counted"
                )
        return text
