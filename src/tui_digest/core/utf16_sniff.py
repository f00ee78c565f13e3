"""UTF-16 text without a byte order mark, told from binary data.

Such a file was called "binary data", or, read as a digest, "no summary table
and no [^N]: footnotes found", which sent the user looking for a corrupt file
or a wrong format (bug hunts; `enc` #4). ASCII text in UTF-16 has a NUL byte
every other byte (the high byte of each character: the table's bars, the
footnote labels, English); binary data has NULs in runs, or at both parities.
"""

from __future__ import annotations

ADVICE = (
    "looks like UTF-16 without a byte order mark (a NUL byte every other byte): "
    "save it as UTF-8 (or UTF-16 with a BOM, which is read)"
)


def looks_utf16(head: bytes) -> bool:
    """UTF-16 without a BOM: NUL bytes at one parity, almost none at the other."""
    head = head[:1024] if len(head) % 2 == 0 else head[: min(len(head), 1024) - 1]
    if len(head) < 32:
        return False
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    return max(even, odd) >= 0.3 * half and min(even, odd) <= 0.02 * half


def looks_utf16_text(text: str) -> bool:
    """The same of bytes already decoded (as UTF-8 or GB18030, each NUL a
    character): many NULs, almost none of them next to another."""
    sample = text[:2048]
    if len(sample) < 32:
        return False
    nuls = sample.count("\x00")
    return nuls >= 0.2 * len(sample) and sample.count("\x00\x00") <= 0.02 * len(sample)
