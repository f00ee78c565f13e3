"""The keys of `Paper.extras`, in one place, and helpers for the structured ones.

`Paper.extras` holds what is not part of a paper's meaning but must survive a
round trip: details that let a digest be written back exactly as it was read,
and the marks machine translation leaves. Every key is declared here; the
module named beside it is the only one that writes it. The store persists the
mapping as JSON and merges it key by key (see `store.merge`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final


class Extra:
    """Every `Paper.extras` key (values are plain `str`, so JSON keeps them as is)."""

    # Written by the digest readers (`digest_format`, `digest_feed`, and `archive_json`
    # for the same paragraphs of the generator's per-paper JSON) for the writer.
    LINK: Final = "link"  # the link as the digest showed it, when not the canonical URL
    TABLE_URL: Final = "table_url"  # the table row's link, when it differs
    TABLE_SUMMARY: Final = "table_summary"  # the table's summary cell, when not derived
    TABLE_TITLE: Final = "table_title"  # the table's title cell, when not derived
    TITLE_SUFFIX: Final = "title_suffix"  # "(arXiv:… [cat])" after the English title
    ABSTRACT_EN_HEADER: Final = "abstract_en_header"  # "arXiv:… Announce Type: …"
    ABSTRACT_ZH_HEADER: Final = "abstract_zh_header"  # the translated header line
    SUMMARY_EN: Final = "summary_en"  # the English one-line summary
    LAYOUT: Final = "layout"  # "early": the generator's first footnote layout
    # "1": the digest's English title had no `(arXiv:…)` suffix and its abstract no
    # `arXiv:… Announce Type:` header. Without it, a paper with neither (an arXiv
    # feed's: the writer composes them) could not be told from one whose digest
    # wrote neither, and a category learnt later (the source's, arXiv's) made the
    # writer invent a suffix the digest never had.
    PLAIN: Final = "plain"
    # Written by machine translation (`translate.rules`); read by the merge
    # rule (a human translation replaces a machine one) and the reader.
    MACHINE_FIELDS: Final = "machine_fields"  # comma-separated machine-made fields
    MACHINE_MODEL: Final = "machine_model"  # the model that made them
    TRANSLATE_ERROR: Final = "translate_error"  # why the last attempt failed
    TRANSLATE_FAILED_AT: Final = "translate_failed_at"  # when (UTC, ISO 8601)
    TRANSLATE_TRIES: Final = "translate_tries"  # failed attempts since the last success
    # "1": the server refused this paper's request (a 4xx): asking again will not help.
    TRANSLATE_PERMANENT: Final = "translate_permanent"
    # Written by `arxiv_meta.apply_to` (papers arXiv's API answered for): the
    # categories the documents listing the paper gave it (an entry's own, its
    # listing's source's), a JSON list, kept whatever arXiv's answers say.
    LISTED_CATEGORIES: Final = "listed_categories"


# The Chinese fields machine translation may fill, in display order.
ZH_FIELDS: Final = ("title_zh", "summary_zh", "abstract_zh")
# What each Chinese field is made from (machine translation asks for it from these;
# a merge drops a machine-made field whose English changed: `store.merge`).
ZH_SOURCES: Final[dict[str, tuple[str, ...]]] = {
    "title_zh": ("title_en",),
    "summary_zh": ("title_en", "abstract_en"),
    "abstract_zh": ("abstract_en",),
}


def machine_fields(extras: Mapping[str, str]) -> list[str]:
    """The Chinese fields a model wrote, from `extras[Extra.MACHINE_FIELDS]`.

    Unknown names are dropped, so a hand-edited or older cache cannot make the
    reader mark a field that is not one of `ZH_FIELDS`.
    """
    raw = extras.get(Extra.MACHINE_FIELDS, "")
    return [n for n in (part.strip() for part in raw.split(",")) if n in ZH_FIELDS]


def join_machine_fields(names: Iterable[str]) -> str:
    """The stored form of a set of machine-made fields, in `ZH_FIELDS` order."""
    wanted = set(names)
    return ",".join(n for n in ZH_FIELDS if n in wanted)


def mark_plain(extras: dict[str, str]) -> None:
    """Record `Extra.PLAIN` when a digest's text gave its paper neither a title
    suffix nor an English abstract header (the writer then makes up neither)."""
    if Extra.TITLE_SUFFIX not in extras and Extra.ABSTRACT_EN_HEADER not in extras:
        extras[Extra.PLAIN] = "1"
