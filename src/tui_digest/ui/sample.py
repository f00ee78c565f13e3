"""The bundled sample digest, imported on first run so the reader opens on real content."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui_digest.core.model import Digest

SAMPLE_PREFIX = "sample: "


def load_sample_digest() -> Digest:
    """Read the bundled digest (Markdown only: no network libraries are imported)."""
    from tui_digest.core.readers import read_document
    from tui_digest.core.store.retention import SAMPLE_SOURCE  # (first run only: issue 13 req 5)
    from tui_digest.data import sample_digest_bytes

    result = read_document(sample_digest_bytes(), source=SAMPLE_SOURCE, format="digest")
    digest = result.digest
    digest.name = f"{SAMPLE_PREFIX}{len(digest.papers)} landmark papers"
    return digest


def is_sample(name: str | None) -> bool:
    # The store names it `sample-12-landmark-papers-<date>` and keeps the
    # name above as its alias; either may be passed around.
    return name is not None and name.startswith((SAMPLE_PREFIX, "sample-"))
