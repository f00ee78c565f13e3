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
    "CannotRank",
    "NeedsTraining",
    "NotEnoughStars",
    "NothingUnstarred",
    "RankUnavailable",
    "check_trainable",
    "has_model",
    "rank_dir",
]


def rank_dir(db: Path) -> Path:
    """Where the ranking keeps its files: `<cache.db>.rank/`, next to the cache."""
    return Path(db).with_name(Path(db).name + ".rank")


def has_model(db: Path) -> bool:
    """Whether For you has been used with this cache (a model was trained)."""
    return (rank_dir(db) / "model.npz").is_file()


class CannotRank(Exception):
    """The stars cannot train a model yet; the message says why and what to do."""

    def __init__(self, n_starred: int, message: str) -> None:
        self.n_starred = n_starred
        super().__init__(message)


class NotEnoughStars(CannotRank):
    """Fewer than MIN_STARS starred papers: nothing to learn from yet."""

    def __init__(self, n_starred: int) -> None:
        super().__init__(n_starred, few_stars_message(n_starred))


class NothingUnstarred(CannotRank):
    """Every paper of the cache is starred: nothing to tell the stars apart from."""

    def __init__(self, n_starred: int) -> None:
        super().__init__(n_starred, all_starred_message(n_starred))


def check_trainable(n_starred: int, n_papers: int) -> None:
    """Raise `NotEnoughStars` or `NothingUnstarred` when no model can be trained.

    Every paper starred reached scikit-learn, which refused with "This solver
    needs samples of at least 2 classes in the data" (found by a bug hunt).
    """
    if n_starred < MIN_STARS:
        raise NotEnoughStars(n_starred)
    if n_starred >= n_papers:
        raise NothingUnstarred(n_starred)


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


def all_starred_message(n_starred: int, *, reader_keys: tuple[str, str, str] | None = None) -> str:
    """Why For you cannot rank when every paper is starred, and what to do (see
    `few_stars_message` for `reader_keys`)."""
    start = (
        "For you learns from the papers you starred against the ones you did not, and "
        f"all {n_starred} papers in the cache are starred."
    )
    if reader_keys is not None:
        star, foryou, _starred = reader_keys
        return (
            f"{start} Fetch or import more papers (or press {star} to unstar some), "
            f"then {foryou} ranks them."
        )
    return (
        f"{start} Import or fetch more papers (or unstar some: tui-digest mark unstar ID), "
        "and sort:foryou will rank them."
    )
