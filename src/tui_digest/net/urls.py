"""URLs as shown to people: never with a password, or a token given as the user name, in them.

With `query=True` (the LLM endpoint: some providers take the key as a query
parameter, `?key=…`), no query value either: `?api-version=***&key=***`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit, urlunsplit

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


def display_url(url: str, *, query: bool = False) -> str:
    """`url` with any password replaced by `***` (`https://me:***@host/x`), and a
    user name given alone (a token) replaced whole (`https://***@host/x`); with
    `query`, every query value too (`?key=***`), the names kept to say what was set.

    Works on text that is not a valid URL too: it never raises, and text without
    a `userinfo@` part before its host (nor, with `query`, a `?`) comes back unchanged.
    """
    if query and "?" in url:
        head, _, tail = url.partition("?")
        query_part, hash_, fragment = tail.partition("#")
        url = f"{head}?{_masked_query(query_part)}{hash_}{fragment}"
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


def _masked_query(query: str) -> str:
    """`a=1&key=SECRET` -> `a=***&key=***`; a bare `flag` (no `=`) is a value too."""
    masked = []
    for item in query.split("&"):
        name, eq, _value = item.partition("=")
        masked.append(f"{name}={MASK}" if eq else (MASK if item else item))
    return "&".join(masked)


def query_values(url: str) -> list[str]:
    """The values of `url`'s query (decoded, and as written), for masking them in text."""
    try:
        query = urlsplit(url).query
    except ValueError:
        query = url.partition("?")[2].partition("#")[0]
    values: set[str] = set()
    for item in query.split("&"):
        name, eq, raw = item.partition("=")
        values.add(raw if eq else name)
    values.update(v for _, v in parse_qsl(query, keep_blank_values=True))
    return sorted((v for v in values if v), key=len, reverse=True)


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


def mask_in_text(text: str, url: str, *, query: bool = False) -> str:
    """`text` (an error message, say) with `url`'s secret masked wherever it occurs:
    its password, or its user name when that comes alone (a token); with `query`,
    each of its query values too (see `display_url`).

    A secret alone is replaced only when it is long enough not to be an
    ordinary word of the message (a one-letter password would garble the text).
    """
    if query and "?" in url:
        text = text.replace(url, display_url(url, query=True))
        for value in query_values(url):
            if len(value) >= 6:
                text = text.replace(value, MASK)
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
