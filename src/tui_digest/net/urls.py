"""URLs as shown to people: never with a password, or a token given as the user name, in them."""

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


def _masked_userinfo(user: str, password: str | None) -> str:
    """`user:***` for a user and a password; `***` for a user name alone. Our
    assumption, not a documented rule: a user name given alone may be a token
    (`https://TOKEN@host/…`, a form guides for git hosts show), so the name is
    treated as the secret; hiding a plain user name costs little."""
    return f"{user}:{MASK}" if password is not None else MASK


def display_url(url: str) -> str:
    """`url` with any password replaced by `***` (`https://me:***@host/x`), and a
    user name given alone (a token) replaced whole (`https://***@host/x`).

    Works on text that is not a valid URL too: it never raises, and text without
    a `userinfo@` part before its host comes back unchanged.
    """
    if "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return _mask_loose(url)
    if "@" not in parts.netloc:
        return url
    user, password, hostport = _split_userinfo(parts.netloc)
    netloc = f"{_masked_userinfo(user, password)}@{hostport}"
    return urlunsplit(parts._replace(netloc=netloc))


def _mask_loose(text: str) -> str:
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    netloc, slash, tail = rest.partition("/")
    if "@" not in netloc:
        return text
    user, password, hostport = _split_userinfo(netloc)
    return f"{scheme}://{_masked_userinfo(user, password)}@{hostport}{slash}{tail}"


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
    """`text` (an error message, say) with `url`'s secret masked wherever it occurs:
    its password, or its user name when that comes alone (a token).

    The secret alone is replaced only when it is long enough not to be an
    ordinary word of the message (a one-letter password would garble the text).
    """
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        user = password = None
    if password:
        text = text.replace(url, display_url(url)).replace(f":{password}@", f":{MASK}@")
        secret = password
    elif user and password is None:
        text = text.replace(url, display_url(url)).replace(f"//{user}@", f"//{MASK}@")
        secret = user
    else:
        return text
    if len(secret) >= 6:
        text = text.replace(secret, MASK)
    return text
