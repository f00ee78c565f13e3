"""Cut small excerpts out of the real samples in ../shared/samples, at test time.

The samples' own README asks that they are not copied into the project, so the
excerpts are never committed: the `excerpts` fixture (tests/conftest.py) cuts them
into a temporary folder when ../shared/samples (or $TUI_DIGEST_SAMPLES) is there,
and the tests that use them skip, saying they need the real upstream samples,
when it is not. `python tests/sample_excerpts.py OUT` writes them by hand.
Tests cover the same points with the suite's own written fixtures elsewhere.

Every cut is textual: whole papers (a digest's table row and its footnote
block, a feed's `<item>`/`<entry>`) are kept byte for byte and the rest is
dropped. In a digest the kept papers are renumbered `[^1]`, `[^2]`, ... in the
order they had, as the generator numbers them; nothing else is rewritten.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# file name -> 0-based positions of the papers kept (chosen to keep each
# sample's point: old and new styles, every announce type, the `|` in a title,
# rss.arxiv.org links, the translated announce header).
DIGESTS = {
    "seed-digest.md": [0, 3, 4, 6, 7],
    "digest-cs.LG-2023-03-13-first.md": [0, 1, 2],
    "digest-cs.AI-2023-07-27-pipe-in-title.md": [0, 55, 70],
    "digest-cs.AI-2024-02-05-rss-links.md": [0, 1, 125],
    "digest-cs.LG-2024-02-06-large.md": [0, 1, 627, 633],
    "digest-cs.LG-2024-07-15-mixed.md": [0, 1, 19, 25, 26, 31, 37],
}
FEEDS = {
    "arxiv-rss2-format-sample.xml": (b"item", [0, 1, 3]),
    "arxiv-atom-format-sample.xml": (b"entry", [0, 1, 3]),
    "arxiv-rss1-old-format-sample.xml": (b"item", [0, 1, 2, 6]),
    "arxiv-atom-cs.AI-2025-08-20.xml": (b"entry", [0, 1, 5]),
    "digest-feed-cs.AI-2024-03-18.xml": (b"item", [0, 1, 4, 153, 165, 185]),
}
WHOLE = ["digest-empty.md", "papers/23/01/2301.00006.json", "papers/26/08/2608.20338.json"]
# The seed paper the digest feed also carries (its translated announce header).
FEED_ALSO = {"digest-feed-cs.AI-2024-03-18.xml": [b"https://arxiv.org/abs/2403.10056"]}

_REF = re.compile(r"\[\^(\d+)\]")


def cut_digest(text: str, keep: list[int]) -> str:
    head, detail = text.split("\n# 详细\n", 1)
    lines = head.split("\n")
    rows = [i for i, line in enumerate(lines) if line.startswith("| [^")]
    blocks = re.split(r"(?m)^(?=\[\^\d+\]: )", detail)
    intro, blocks = blocks[0], blocks[1:]
    assert len(rows) == len(blocks), "table rows and footnotes differ"
    kept_rows, kept_blocks = [], []
    for new, old in enumerate(keep, start=1):
        kept_rows.append(_REF.sub(f"[^{new}]", lines[rows[old]], count=1))
        block = blocks[old]
        if old == len(blocks) - 1:
            block = block[:-1]  # the file's closing newline is added once, below
        kept_blocks.append(_REF.sub(f"[^{new}]", block, count=1))
    table = lines[: rows[0]] + kept_rows + lines[rows[-1] + 1 :]
    return "\n".join(table) + "\n# 详细\n" + intro + "".join(kept_blocks) + "\n"


def cut_feed(data: bytes, tag: bytes, keep: list[int], also: list[bytes]) -> bytes:
    spans = [m.span() for m in re.finditer(rb"<%s[ >].*?</%s>\s*" % (tag, tag), data, re.S)]
    chosen = [spans[i] for i in keep]
    chosen += [s for s in spans if any(a in data[s[0] : s[1]] for a in also) and s not in chosen]
    chosen.sort()
    body = b"".join(data[a:b] for a, b in chosen)
    out = data[: spans[0][0]] + body + data[spans[-1][1] :]
    # RSS 1.0 lists its items again in the channel's <rdf:Seq>: keep the kept ones.
    about = {m.group(1) for a, b in chosen for m in re.finditer(rb'rdf:about="([^"]+)"', data[a:b])}
    return re.sub(
        rb'[ \t]*<rdf:li rdf:resource="([^"]+)" />\n',
        lambda m: m.group(0) if m.group(1) in about else b"",
        out,
    )


def write_excerpts(samples: Path, out: Path) -> Path:
    """Write every excerpt, under the real sample's file name, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    for name, keep in DIGESTS.items():
        text = (samples / name).read_bytes().decode("utf-8")
        (out / name).write_bytes(cut_digest(text, keep).encode("utf-8"))
    for name, (tag, keep) in FEEDS.items():
        data = (samples / name).read_bytes()
        (out / name).write_bytes(cut_feed(data, tag, keep, FEED_ALSO.get(name, [])))
    for name in WHOLE:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(samples / name, out / name)
    return out


if __name__ == "__main__":
    default = os.environ.get("TUI_DIGEST_SAMPLES") or ROOT.parent / "shared" / "samples"
    write_excerpts(Path(default), Path(sys.argv[1]))
