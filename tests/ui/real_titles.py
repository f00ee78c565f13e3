"""A cache of real digest papers, for the layout tests and snapshots (issue 12).

The two fixture digests under tests/fixtures/digests are papers copied from the
upstream samples (../shared/samples), written back in the canonical layout by
`core.digest_format.write_digest`, so the suite does not need ../shared:

- digest-cs.LG-2024-07-15-titles.md: the first 20 papers of
  digest-cs.LG-2024-07-15-mixed.md (titles of 37 to 141 characters, real
  abstracts with inline LaTeX; the 2024 layout carries no category).
- digest-cs.AI-2023-07-27-titles.md: the first 10 papers of
  digest-cs.AI-2023-07-27-pipe-in-title.md (the 2023 layout names each paper's
  category).
"""

from __future__ import annotations

from pathlib import Path

from tui_digest.core.digest_format import read_digest
from tui_digest.core.store import Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "digests"
NO_CATEGORIES = "digest-cs.LG-2024-07-15-titles"
WITH_CATEGORIES = "digest-cs.AI-2023-07-27-titles"

# Row 3 of NO_CATEGORIES, 101 characters.
LONG_TITLE = (
    "NeuSDFusion: A Spatial-Aware Generative Model for 3D Shape Completion, "
    "Reconstruction, and Generation"
)


def build_real_cache(path: Path, *names: str) -> Path:
    """A cache holding the named fixture digests (default: the one without categories)."""
    with Store.open(path) as store:
        for name in names or (NO_CATEGORIES,):
            source = FIXTURES / f"{name}.md"
            result = read_digest(source.read_bytes(), source=str(source))
            assert not result.problems, result.problems
            store.import_digest(result.digest)
    return path
