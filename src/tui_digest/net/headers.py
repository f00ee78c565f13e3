"""Response headers we keep or act on, validated on the way in.

A validator (`ETag`, `Last-Modified`) is stored and sent back on the next
request; one that is not plain printable ASCII would make every later request
of that source fail before it is sent (httpx encodes header values as ASCII),
so such a value is dropped here and, defensively, again before it is sent.
"""

from __future__ import annotations

import email.utils
import math

# RFC 9110 caps nothing, but a validator longer than this is not one we want to store.
MAX_VALIDATOR = 512
# A wait longer than a day is certainly not meant for us: the request that got it
# fails at once (as for any above `retry_after_max`), but the politeness clocks do
# not keep it (`net.politeness.HostSpacing.push`, `net.shared_clock`).
MAX_RETRY_AFTER = 86_400.0


def clean_validator(value: str | None) -> str | None:
    """`value` if it is a usable ETag / Last-Modified (printable ASCII, short), else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > MAX_VALIDATOR:
        return None
    if not all(" " <= ch <= "~" for ch in value):
        return None
    return value


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or HTTP date), or None.

    Anything else (junk such as "²", a negative or non-finite number, a date that
    does not parse) is None: the caller then backs off by its own rule.
    """
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        seconds = float(value)
        return seconds if math.isfinite(seconds) else None
    if not value.isascii():
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    try:
        wait = when.timestamp() - now
    except (OverflowError, ValueError, OSError):
        return None
    return max(0.0, wait) if math.isfinite(wait) else None


def charset_of(content_type: str) -> str:
    """The `charset` parameter of a Content-Type (`text/markdown; charset=gbk`), or ""."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').strip()[:40]
    return ""
