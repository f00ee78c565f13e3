"""For you: rank papers by a model of what the user stars; find related papers.

This package is a feature layer above `core/` (which never imports it). Its
heavy dependencies (numpy, scipy, scikit-learn: the optional extra
`tui-digest[rank]`) are imported only by `rank.train` and `rank.features`,
and `rank.files` (numpy); importing this package or `rank.corpus` costs
nothing, so the CLI and the reader start as fast as before.
"""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.wording import counted

MIN_STARS = 5  # below this, ranking would be close to random: say so instead

__all__ = [
    "MIN_STARS",
    "NeedsTraining",
    "NotEnoughStars",
    "RankUnavailable",
    "has_model",
    "rank_dir",
]


def rank_dir(db: Path) -> Path:
    """Where the ranking keeps its files: `<cache.db>.rank/`, next to the cache."""
    return Path(db).with_name(Path(db).name + ".rank")


def has_model(db: Path) -> bool:
    """Whether For you has been used with this cache (a model was trained)."""
    return (rank_dir(db) / "model.npz").is_file()


class NotEnoughStars(Exception):
    """Fewer than MIN_STARS starred papers: nothing to learn from yet."""

    def __init__(self, n_starred: int) -> None:
        self.n_starred = n_starred
        super().__init__(few_stars_message(n_starred))


class NeedsTraining(Exception):
    """The model is missing or out of date, and the caller asked not to wait for it."""

    def __init__(self, n_starred: int) -> None:
        self.n_starred = n_starred
        super().__init__(f"For you: training on {n_starred} starred papers…")


class RankUnavailable(Exception):
    """The optional dependencies of ranking are not installed."""


class Abandoned(Exception):
    """The caller stopped waiting (a newer search): its child process was ended."""


def few_stars_message(n_starred: int, *, reader_keys: tuple[str, str, str] | None = None) -> str:
    """Why For you cannot rank yet, and what to do: on the command line, or in the
    reader (which must not send its user to open the reader). `reader_keys`: in
    the reader, its (star, For you, starred) keys as bound now; the reader
    passes them in, as the config's `[keys]` may remap them (rank does not
    import the UI)."""
    have = "no papers" if n_starred == 0 else counted(n_starred, "paper")
    start = (
        f"For you needs at least {MIN_STARS} starred papers to learn from; you have starred {have}."
    )
    if reader_keys is not None:
        star, foryou, starred = reader_keys
        return (
            f"{start} Press {star} on papers you would like more of, then {foryou} ranks "
            f"any listing by them ({starred} shows your stars)."
        )
    return (
        f"{start} Open the reader (tui-digest), press s on papers you would like more of, "
        "and sort:foryou will rank any listing by them (is:starred lists your stars)."
    )
