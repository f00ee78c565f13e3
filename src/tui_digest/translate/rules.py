"""What machine translation may do to a stored paper.

The store offers generic primitives (`Store.find_incomplete`,
`Store.update_paper`); the rules of this feature are here:

- a paper wants translating when it has English and some Chinese field empty;
- a translation fills only EMPTY Chinese fields whose English is still the
  one sent (`save_translation`), cleaned like any ingested text, and marks
  them machine-made (`Extra.MACHINE_FIELDS`, `MACHINE_MODEL`),
  so a later human translation replaces them (see `store.merge`);
- a failure is remembered on the paper (`Extra.TRANSLATE_ERROR`, capped, with
  when it happened, how many attempts failed, and whether the server refused
  the paper for good) and cleared by the next success;
- after a fetch, the English-only papers it brought are translated, then, with
  the room the run has left, earlier failures worth trying again (oldest
  first): a cron-only setup catches up without `tui-digest translate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tui_digest.core.extras import ZH_SOURCES, Extra, join_machine_fields, machine_fields
from tui_digest.core.model import Paper, PaperRecord
from tui_digest.core.sanitize import clean_line, clean_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tui_digest.core.store import Store

MAX_ERROR = 500
LEFT = "not sent: left for the next run"
# After-fetch translation tries a failed paper again this many times at most
# (a paper that times out every time must not cost tokens at every fetch);
# `tui-digest translate` takes it whatever its count.
MAX_AUTO_TRIES = 3
FAILURE_KEYS = (
    Extra.TRANSLATE_ERROR,
    Extra.TRANSLATE_FAILED_AT,
    Extra.TRANSLATE_TRIES,
    Extra.TRANSLATE_PERMANENT,
)
# What each Chinese field is made from: one without its English source is not
# missing (a paper without an English abstract gets no Chinese one).
SOURCES: dict[str, tuple[str, ...]] = ZH_SOURCES


def missing_fields(paper: Paper) -> list[str]:
    """The Chinese fields of `paper` to translate: empty, and their English there."""
    return [
        field
        for field, sources in SOURCES.items()
        if not getattr(paper, field).strip() and any(getattr(paper, s).strip() for s in sources)
    ]


def translation_candidates(
    store: Store, query: str = "", *, limit: int | None = None
) -> list[PaperRecord]:
    """Papers with English but some Chinese field empty, in listing order.

    `query` narrows them with the search language.
    """
    return store.find_incomplete(query, missing=SOURCES, limit=limit)


def digest_papers(store: Store, digests: Sequence[str]) -> list[int]:
    """The papers of `digests` (what a fetch brought), each once: after-fetch
    translation hands these to the runner, which keeps the English-only ones
    (in the reader and in `tui-digest fetch`)."""
    seen: dict[int, None] = {}
    for name in digests:
        seen.update(dict.fromkeys(store.list_ids("", digest=name)))
    return list(seen)


def failed_papers(store: Store) -> list[PaperRecord]:
    """Papers still missing Chinese fields whose last translation failed, the
    oldest failure first (failures recorded before their time was kept first)."""
    found = store.find_incomplete(missing=SOURCES, marked=Extra.TRANSLATE_ERROR)
    return sorted(found, key=lambda r: r.paper.extras.get(Extra.TRANSLATE_FAILED_AT, ""))


def worth_retrying(paper: Paper) -> bool:
    """A failed paper after-fetch translation tries again: not refused for good,
    and not failed `MAX_AUTO_TRIES` times."""
    extras = paper.extras
    if extras.get(Extra.TRANSLATE_PERMANENT):
        return False
    tries = extras.get(Extra.TRANSLATE_TRIES, "1")
    return not tries.isdigit() or int(tries) < MAX_AUTO_TRIES


@dataclass(slots=True)
class AfterFetch:
    rowids: list[int]  # the fetch's English-only papers, then the failures retried
    retried: int  # how many of them are earlier failures


def after_fetch_papers(
    store: Store, digests: Sequence[str], limit: int, *, now: datetime | None = None
) -> AfterFetch:
    """What after-fetch translation sends (at most `limit` papers): the
    English-only papers of `digests` worth sending (`worth_retrying`: a revised
    day's digest lists again the papers refused for good, or failed
    `MAX_AUTO_TRIES` times, which were sent again each time: a bug hunt), then,
    with the room left, earlier failures worth trying again, the oldest first.

    Those of `digests` beyond `limit` (the run leaves them: `max_papers_per_run`)
    are recorded as waiting, no try counted, so that the next fetches take them
    with the failures (they were "left for the next run", and no run took them:
    a bug hunt). `rowids` still holds them all: the run's report counts them.
    """
    brought = store.get_papers(digest_papers(store, digests))
    new = [r.rowid for r in brought if missing_fields(r.paper) and worth_retrying(r.paper)]
    if new[limit:]:
        leave_waiting(store, new[limit:], f"{LEFT} (max_papers_per_run = {limit})", now=now)
    room = max(0, limit - len(new))
    taken = set(new)
    retry = [
        r.rowid for r in failed_papers(store) if r.rowid not in taken and worth_retrying(r.paper)
    ][:room]
    return AfterFetch(new + retry, len(retry))


def outdated_fields(paper: Paper, sent: Paper) -> list[str]:
    """The Chinese fields of `paper` whose English (`SOURCES`) is no longer the
    English of `sent`, the paper as a translation request carried it."""
    return [
        name
        for name, sources in SOURCES.items()
        if any(getattr(paper, s) != getattr(sent, s) for s in sources)
    ]


def leave_waiting(
    store: Store, rowids: Sequence[int], reason: str, *, now: datetime | None = None
) -> None:
    """Record the papers of `rowids` still missing Chinese fields as waiting for
    the next run, no try counted (`record_translation_failure` with
    `counted=False`), in one transaction. One with a failure recorded keeps it
    (its reason, and its place among the failures, oldest first)."""

    def change(paper: Paper) -> Paper:
        if missing_fields(paper) and Extra.TRANSLATE_ERROR not in paper.extras:
            _record_failure(paper, reason, _when(now), permanent=False, counted=False)
        return paper

    store.update_papers(rowids, change)


def fill_translation(
    paper: Paper, fields: dict[str, str], model: str, *, sent: Paper | None = None
) -> list[str]:
    """Fill `paper`'s empty Chinese fields from `fields` in place; returns the names filled.

    `sent`: the paper as the request carried it; a field whose English changed
    since (a newer version imported while the answer was on its way) is not
    filled, since the answer translates text that is no longer the paper's
    (found by a bug hunt: it was saved, marked machine-made, and never made again).
    """
    stale = set(outdated_fields(paper, sent)) if sent is not None else set()
    filled: list[str] = []
    for name in missing_fields(paper):  # (never a Chinese abstract without an English one)
        if name in stale:
            continue
        clean = clean_text if name == "abstract_zh" else clean_line
        value = clean(fields.get(name) or "")
        if value and not getattr(paper, name):
            setattr(paper, name, value)
            filled.append(name)
    if filled:
        marked = machine_fields(paper.extras) + filled
        paper.extras[Extra.MACHINE_FIELDS] = join_machine_fields(marked)
        paper.extras[Extra.MACHINE_MODEL] = clean_line(model, 200)
        for key in FAILURE_KEYS:
            paper.extras.pop(key, None)
    return filled


@dataclass(slots=True)
class Saved:
    filled: list[str]  # the Chinese fields the answer filled
    outdated: list[str]  # those still missing whose English changed since it was sent


def save_translation(
    store: Store, rowid: int, fields: dict[str, str], *, model: str, sent: Paper
) -> Saved | None:
    """Store the translation of `sent` (paper `rowid` as the request carried it):
    fill the empty Chinese fields whose English is still `sent`'s (see the module
    rules). None when the row holds no paper, or another one than `sent`'s: a
    paper removed while its answer was on its way gives its row number to the
    next paper added (`papers.update_paper`). The fields the answer could not
    fill because their English changed meanwhile are in `outdated`.

    The paper and its search index change in one transaction.
    """
    saved = Saved([], [])

    def change(paper: Paper) -> Paper:
        saved.filled.extend(fill_translation(paper, fields, model, sent=sent))
        missing = set(missing_fields(paper))
        saved.outdated.extend(n for n in outdated_fields(paper, sent) if n in missing)
        return paper

    if store.update_paper(rowid, change, paper_id=sent.id) is None:
        return None
    return saved


def apply_translation(
    store: Store,
    rowid: int,
    fields: dict[str, str],
    *,
    model: str,
    paper_id: str | None = None,
) -> list[str] | None:
    """Store a translation of paper `rowid` whatever English it now has (see the
    module rules); returns the names filled, or None when the row holds no
    paper, or another one than `paper_id` (see `save_translation`, which a run
    uses: it checks the English too).
    """
    filled: list[str] = []

    def change(paper: Paper) -> Paper:
        filled.extend(fill_translation(paper, fields, model))
        return paper

    if store.update_paper(rowid, change, paper_id=paper_id) is None:
        return None
    return filled


def record_translation_failure(
    store: Store,
    rowid: int,
    reason: str,
    *,
    permanent: bool = False,
    now: datetime | None = None,
    counted: bool = True,
    paper_id: str | None = None,
) -> bool:
    """Remember why translating the paper failed (extras `translate_error`, capped),
    when, how many times in a row, and whether for good (`permanent`).
    `counted=False`: the paper was not sent (the run gave up on the server
    first, or stopped): it waits for the next run without a try counted.
    False when row `rowid` holds no paper, or another one than `paper_id`
    (removed meanwhile: see `apply_translation`)."""
    when = _when(now)

    def change(paper: Paper) -> Paper:
        _record_failure(paper, reason, when, permanent=permanent, counted=counted)
        return paper

    return store.update_paper(rowid, change, paper_id=paper_id) is not None


def _when(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_failure(
    paper: Paper, reason: str, when: str, *, permanent: bool, counted: bool
) -> None:
    """`record_translation_failure`'s change of `paper`, in place."""
    extras = paper.extras
    if not counted and extras.get(Extra.TRANSLATE_PERMANENT):
        # Refused for good before, and not sent now: that refusal and its
        # reason stand (a run stopped by a rejected key wiped them, and the
        # next fetch sent the paper again; found by a regression hunt).
        return
    extras[Extra.TRANSLATE_ERROR] = clean_line(reason, MAX_ERROR) or "failed"
    extras[Extra.TRANSLATE_FAILED_AT] = when
    before = extras.get(Extra.TRANSLATE_TRIES, "")
    if counted:
        extras[Extra.TRANSLATE_TRIES] = str(int(before) + 1 if before.isdigit() else 1)
    if permanent:
        extras[Extra.TRANSLATE_PERMANENT] = "1"
    elif counted:
        extras.pop(Extra.TRANSLATE_PERMANENT, None)
