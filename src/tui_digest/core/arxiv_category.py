"""arXiv's category names: `cs.AI`, `q-fin.ST`, `cond-mat.mes-hall`, `hep-th`.

In core so that the readers' digest names (`digest_day.source_stem`) and the
config's sources (`config.sources`) tell a category from a file extension
alike.
"""

from __future__ import annotations

import re

# arXiv's active archives, as arXiv's own taxonomy lists them (`ARCHIVES` with
# is_active=True in github.com/arXiv/arxiv-base, arxiv/taxonomy/definitions.py,
# verified 2026-12-01; the taxonomy page is arxiv.org/category_taxonomy; see
# docs/upstream-sources.md): a file named `<archive>` or `<archive>.<subject>`
# names an arXiv category.
ARCHIVES = frozenset(
    (
        *("astro-ph", "cond-mat", "cs", "econ", "eess", "gr-qc", "hep-ex", "hep-lat"),
        *("hep-ph", "hep-th", "math", "math-ph", "nlin", "nucl-ex", "nucl-th", "physics"),
        *("q-bio", "q-fin", "quant-ph", "stat"),
    )
)
_CATEGORY_RE = re.compile(r"([a-z-]+)(?:\.([A-Za-z-]{2,}))?")


def is_category(text: str) -> bool:
    match = _CATEGORY_RE.fullmatch(text)
    if not match or match.group(1) not in ARCHIVES:
        return False
    # arXiv's hyphenated subject classes are lower case (cond-mat.mes-hall,
    # physics.atm-clus; arXiv's category taxonomy): `cs.AI-en` in a file name is
    # cs.AI and a word, not a class (a regression hunt: 118 papers got "cs.AI-en").
    subject = match.group(2) or ""
    return "-" not in subject or subject.islower()


def ends_in_category(name: str) -> bool:
    """Whether `name` ends in an arXiv category with a subject (`digest-cs.AI`,
    `rss/cs.AI+cs.CL`, `physics.comp-ph`, `x-cond-mat.stat-mech`): its last
    dot is no file extension's."""
    words = re.split(r"[-_ +/]", name)
    return any(
        "." in (run := "-".join(words[-k:])) and is_category(run)
        for k in range(1, min(3, len(words)) + 1)
    )
