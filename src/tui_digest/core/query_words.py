"""The search language's vocabulary: its qualifiers and keyword values, and
tags as saved and compared (`query` parses with them; the store saves tags
with `saved_tag` and compares them with `fold_tag`)."""

from __future__ import annotations

FIELDS = {
    "ti": "ti",
    "title": "ti",
    "au": "au",
    "author": "au",
    "abs": "abs",
    "cat": "cat",
    "id": "id",
}
IS_VALUES = ("read", "unread", "starred")
TYPE_VALUES = {
    "new": "new",
    "cross": "cross",
    "replace": "replace",
    "replace-cross": "replacecross",
    "absonly": "absonly",
    "updated": "updated",
}
SORT_VALUES = ("foryou", "relevance")
QUALIFIERS = (*FIELDS, "is", "type", "date", "sort", "related", "tag", "note")
# In an OR group, `Term.field` may also be one of these: the user's own words,
# not in the FTS index (`query_user` compiles them; everywhere else they are
# `Query.tags` and `Query.notes`).
USER_FIELDS = ("tag", "note")
MAX_TAG = 64  # characters a saved tag keeps


def saved_tag(text: str) -> str:
    """A tag as saving stores it (`store.user_log.clean_tags`): NFKC (full
    width as ASCII), inner spaces as "-", cut to MAX_TAG characters, no leading
    + or -. `tag:"old stuff"` then finds the tag saved as `+'old stuff'`
    (old-stuff; found by a bug hunt)."""
    return "-".join(nfkc(text).split())[:MAX_TAG].lstrip("+-")


def tag_is_cut(text: str) -> bool:
    """Whether saving `text` cuts it (`saved_tag`): measured as saved (NFKC,
    inner spaces one "-"), not as typed; `tag +TAG` and `state import` agree."""
    return len("-".join(nfkc(text).split())) > MAX_TAG


def fold_tag(tag: str) -> str:
    """A tag as tags are compared, everywhere (`tag:`, adding, removing, the
    tags dialog): NFKC and case folded. Full width (a Chinese input method's
    `ｒｏｂｏｔｉｃｓ`) was a tag of its own, and `tag:ｒｏｂｏｔｉｃｓ` found
    nothing (found by a bug hunt); tags saved so before are found by the fold."""
    return nfkc(tag).casefold()


def nfkc(text: str) -> str:
    """`text` in NFKC (full width as ASCII: what a tag is saved as)."""
    if text.isascii():
        return text
    import unicodedata  # (not with the reader's first frame)

    return unicodedata.normalize("NFKC", text)
