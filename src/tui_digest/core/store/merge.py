"""What the cache keeps when a paper it already holds arrives again."""

from __future__ import annotations

import re

from tui_digest.core.extras import ZH_SOURCES, Extra, join_machine_fields, machine_fields
from tui_digest.core.model import Paper

_TEXT_FIELDS = (
    "version",
    "url",
    "title_en",
    "title_zh",
    "summary_zh",
    "abstract_en",
    "abstract_zh",
    "summary_en",
)
# An announcement of the abstract alone, without a new version. arXiv's RSS
# documentation defines new, replace and cross only
# (info.arxiv.org/help/rss_specifications.html); `absonly` is listed among the
# feed's announce types (/work/shared/docs/upstream.md) and in arXiv's feed
# service with them (github.com/arXiv/arxiv-feed, feed/consts.py, UpdateActions).
# It names the abstract and keeps the version: the abstract it brings is the
# newer one (found by a bug hunt: it was thrown away as "the same version").
ABSONLY = "absonly"
_VERSION_RE = re.compile(r"\d+")


def version_number(version: str) -> int:
    """ "v12" -> 12; "" or unparsable -> 0 (unknown, older than any known version)."""
    m = _VERSION_RE.search(version)
    return int(m[0]) if m else 0


def listed_as(version: str, announce_type: str, new: Paper) -> tuple[str, str]:
    """(version, announce type) once `new` arrives for a paper known at `version`
    with `announce_type`: the rule `merge_paper` keeps the paper's type by, and
    the importer a listing's when one document lists an id twice.

    A newer version's type wins, an empty one never does; the same or an older
    version only fills an empty type, except `absonly` of the same version with
    an abstract (it brings the abstract: see `ABSONLY`).
    """
    newer = version_number(new.version) > version_number(version)
    kind = new.announce_type
    if kind and (newer or not announce_type):
        announce_type = kind
    elif (
        kind == ABSONLY
        and new.abstract_en
        and version_number(new.version) == version_number(version)
    ):
        announce_type = ABSONLY
    if new.version and (newer or not version):
        version = new.version
    return version, announce_type


def merge_paper(old: Paper, new: Paper, *, revision: bool = False) -> Paper:
    """What the cache keeps when `new` arrives for a paper it already holds.

    A non-empty field is never replaced by an empty one. A newer version
    (compared numerically) replaces the text fields; the same or an older
    version only fills fields that are empty, except that an `absonly`
    announcement of the same version brings its abstract and announce type.
    `revision`: `new` is the entry of a revised digest whose earlier version
    listed this paper too (the same source's list again, `days`); unless it is
    an older version, its non-empty text fields replace the stored ones, since
    the source corrected its own text (a changed summary was dropped as "the
    same version": found by a bug hunt). A machine translation it brings never
    replaces a human one. Lists and `extras` keep the rule for other sources.
    (arXiv's categories, learnt by enrichment, stay: the importer applies
    `arxiv_meta.apply_to` again after this merge, since a newer version's list
    replaces the stored one here.)
    `published` is the earliest date known: a new version's announcement
    never moves it forward. Author and category lists are
    replaced only by a non-empty list, and only when newer or the stored one
    is empty; otherwise the categories `new` brings are added after the stored
    ones (the same paper in a second category's feed). `extras` follow the
    text rule key by key (without `revision`), except the machine marks: they
    name the Chinese fields whose text came marked from the paper it came from
    (`_follow_the_text`).
    A machine-made Chinese field whose English source (`ZH_SOURCES`) the merge
    changed, and which `new` does not bring, is dropped with its mark, so the
    next translation run makes it from the new text (`_drop_stale_machine_text`).
    """
    newer = version_number(new.version) > version_number(old.version)
    same = version_number(new.version) == version_number(old.version)
    revise = newer or (revision and same)
    kept_human = _human_kept(old, new) if revision and same else frozenset()
    merged = Paper(id=old.id)
    taken: set[str] = set()  # the fields whose text `new` brought
    for name in _TEXT_FIELDS:
        ov, nv = getattr(old, name), getattr(new, name)
        take = nv and (not ov or (revise and name not in kept_human))
        setattr(merged, name, nv if take else ov)
        if take:
            taken.add(name)
    # (The paper's own type; a listing keeps the type its document gave it.)
    _, merged.announce_type = listed_as(old.version, old.announce_type, new)
    if revision and same and new.announce_type:
        merged.announce_type = new.announce_type  # (the source corrected its own list)
    if same and new.announce_type == ABSONLY and new.abstract_en:
        merged.abstract_en = new.abstract_en
    # ISO dates: the smaller is the earlier; the first version's date stays.
    merged.published = min((d for d in (old.published, new.published) if d), default="")
    merged.authors = (
        list(new.authors) if new.authors and (newer or not old.authors) else list(old.authors)
    )
    if new.categories and (newer or not old.categories):
        merged.categories = list(new.categories)
    else:
        # Another category's listing of the same version (a cross-list): its
        # category joins the known ones, after them (found by a bug hunt:
        # `cat:cs.LG` found nothing after cs.LG's feed listed cs.AI's papers).
        merged.categories = list(dict.fromkeys([*old.categories, *new.categories]))
    merged.arxiv_abstract = old.arxiv_abstract  # (the store's, beside any document's text)
    extras = dict(old.extras)
    for key, value in new.extras.items():
        if value and (newer or not extras.get(key)):
            extras[key] = value
    merged.extras = extras
    _human_over_machine(old, new, merged, taken)
    _follow_the_text(old, new, merged, taken)
    _drop_stale_machine_text(old, new, merged)
    return merged


def _follow_the_text(old: Paper, new: Paper, merged: Paper, taken: set[str]) -> None:
    """Mark as machine-made exactly the Chinese fields `merged` holds that their
    source (`new` for the fields `taken` from it, `old` for the others) marked,
    with that source's model.

    `extras` merged key by key gave `merged` the marks of `new` whenever the
    stored paper had none: a person's text kept from the stored paper was then
    called machine-made (a colleague's published feed imported after the
    person's digest: bug hunt s41 `auditrank` #1), exported and published so,
    and dropped as stale by the next version.
    """
    theirs, ours = set(machine_fields(new.extras)), set(machine_fields(old.extras))
    marks = [n for n in ZH_SOURCES if getattr(merged, n) and n in (theirs if n in taken else ours)]
    _set_machine_marks(merged.extras, marks)
    if not marks:
        return
    sources = {n in taken for n in marks}
    model = (new if sources == {True} else old).extras.get(Extra.MACHINE_MODEL, "")
    if len(sources) == 1 and model:  # (both: the key-by-key rule's model stays)
        merged.extras[Extra.MACHINE_MODEL] = model


def _set_machine_marks(extras: dict[str, str], names: list[str]) -> None:
    """Record `names` as the machine-made fields; none: no mark and no model."""
    if names:
        extras[Extra.MACHINE_FIELDS] = join_machine_fields(names)
    else:
        extras.pop(Extra.MACHINE_FIELDS, None)
        extras.pop(Extra.MACHINE_MODEL, None)


def _drop_stale_machine_text(old: Paper, new: Paper, merged: Paper) -> None:
    """Drop the machine-made fields `merged` keeps from `old` whose English changed.

    A newer version's title or abstract (or a source's corrected text) made
    the old translation stale: it stayed, marked machine-made, and translation
    only fills empty fields, so it was never made again (found by a bug hunt).
    Only fields marked machine-made go; a person's text is never dropped.
    """
    machine = machine_fields(merged.extras)
    theirs = set(machine_fields(new.extras))
    stale = [
        name
        for name in machine
        if name not in theirs
        and getattr(merged, name) == getattr(old, name)
        and any(getattr(merged, s) != getattr(old, s) for s in ZH_SOURCES[name])
    ]
    if not stale:
        return
    for name in stale:
        setattr(merged, name, "")
    _set_machine_marks(merged.extras, [n for n in machine if n not in stale])


def _human_kept(old: Paper, new: Paper) -> frozenset[str]:
    """Fields of the same version a revision must not replace: a human one
    (not marked machine-made) that `new` brings machine-made. (A newer version
    replaces them: its text is about another version.)"""
    machine_old = set(machine_fields(old.extras))
    # Only a field the old paper has: an empty one the revision fills stays marked
    # machine-made (found by a review: its mark was dropped, the text shown as human).
    return frozenset(
        n for n in machine_fields(new.extras) if n not in machine_old and getattr(old, n, None)
    )


def _human_over_machine(old: Paper, new: Paper, merged: Paper, taken: set[str]) -> None:
    """A machine translation gives way to a human one: a non-empty value for a
    machine-made field, from a paper that does not call it machine-made (its
    field joins `taken`; the marks follow in `_follow_the_text`)."""
    theirs = machine_fields(new.extras)
    for name in machine_fields(old.extras):
        value = getattr(new, name, "")
        if value and name not in theirs:
            setattr(merged, name, value)
            taken.add(name)
