"""URLs as shown to people: never with a password in them."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from tui_digest.core.sanitize import without_password

MASK = "***"


def _split_userinfo(netloc: str) -> tuple[str, str | None, str]:
    """(user, password or None, host[:port]) of a netloc."""
    userinfo, at, hostport = netloc.rpartition("@")
    if not at:
        return "", None, netloc
    user, colon, password = userinfo.partition(":")
    return user, (password if colon else None), hostport


def display_url(url: str) -> str:
    """`url` with any password replaced by `***` (`https://me:***@host/x`).

    Works on text that is not a valid URL too: it never raises, and text without
    a `user:password@` part comes back unchanged.
    """
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return _mask_loose(url)
    user, password, hostport = _split_userinfo(parts.netloc)
    if password is None:
        return url
    netloc = f"{user}:{MASK}@{hostport}"
    return urlunsplit(parts._replace(netloc=netloc))


def _mask_loose(text: str) -> str:
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    netloc, slash, tail = rest.partition("/")
    user, password, hostport = _split_userinfo(netloc)
    if password is None:
        return text
    return f"{scheme}://{user}:{MASK}@{hostport}{slash}{tail}"


def has_credentials(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(parts.username or parts.password)


def strip_credentials(url: str) -> str:
    """`url` without its `user:password@` part: what may be stored outside the config file.

    The same rule as the readers' (`core.sanitize.without_password`): one place
    decides, and a URL Python cannot split loses its user info rather than
    keeping a masked copy of it.
    """
    return without_password(url)


def mask_in_text(text: str, url: str) -> str:
    """`text` (an error message, say) with `url`'s password masked wherever it occurs.

    The password alone is replaced only when it is long enough not to be an
    ordinary word of the message (a one-letter password would garble the text).
    """
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    if not password:
        return text
    text = text.replace(url, display_url(url)).replace(f":{password}@", f":{MASK}@")
    if len(password) >= 6:
        text = text.replace(password, MASK)
    return text
