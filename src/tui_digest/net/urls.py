"""URLs as shown to people: never with a password, or a token given as the user name, in them.

Nor with the value of a query parameter whose name says it is a credential
(`?token=***`, `?api_key=***`, `?sig=***`; `credential_name`): a feed's other
values stay shown (`?format=rss`), they say which feed. With `query=True` (the
LLM endpoint: the name a provider gives its key is its own, `?key=`, `?code=`…,
and the net layer's wait line, said for any URL), no query value at all:
`?api-version=***&key=***`.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote_plus, urlsplit

from tui_digest.core.sanitize import (
    at_after_password,
    has_unencoded_userinfo,
    userinfo_span,
    without_password,
)

MASK = "***"

# Words of a query parameter's name that mark its value as a credential: the
# names providers document for keys and signed URLs are made of them (`key`,
# `api_key`, `apiKey`, `access_token`, `client_secret`, `sig`, `X-Amz-Signature`,
# `X-Amz-Credential`, `subscription-key`, Azure Functions' `code`). Our list,
# not a standard: a name outside it keeps its value shown; hiding a harmless
# value costs little.
_SECRET_WORDS = frozenset(
    {
        "key",
        "apikey",
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "pass",
        "auth",
        "authorization",
        "sig",
        "signature",
        "credential",
        "credentials",
        "code",
        "jwt",
    }
)
# ... and a name run together ending in one of these (`apikey`, `authtoken`).
_SECRET_ENDINGS = ("key", "token", "secret", "password", "signature")
_NAME_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def _credentials(url: str) -> tuple[str, str | None] | None:
    """(user, password or None) of `url`'s user info, as written; None when it has
    none. Where it ends is `core.sanitize.userinfo_span`'s rule, not `urlsplit`'s:
    a password holding an unencoded `/`, `?` or `#` is a password here too."""
    span = userinfo_span(url)
    if span is None:
        return None
    user, colon, password = url[span[0] : span[1]].partition(":")
    return user, (password if colon else None)


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
    span = userinfo_span(url)
    if span is not None:  # (first: a `?` in a password is no query)
        user, password = _credentials(url) or ("", None)
        url = f"{url[: span[0]]}{_masked_userinfo(user, password)}{url[span[1] :]}"
    if "?" in url:
        head, _, tail = url.partition("?")
        query_part, hash_, fragment = tail.partition("#")
        url = f"{head}?{_masked_query(query_part, every=query)}{hash_}{fragment}"
    return url


def credential_name(name: str) -> bool:
    """Whether a query parameter called `name` (as written, or decoded) carries a
    credential: one of its words (split at `_`, `-`, `.` and case changes) is one of
    `_SECRET_WORDS`, or it ends in one of `_SECRET_ENDINGS` (`keywords` does not)."""
    words = [w.lower() for w in _NAME_WORDS.findall(unquote_plus(name))]
    return not _SECRET_WORDS.isdisjoint(words) or "".join(words).endswith(_SECRET_ENDINGS)


def _masked_query(query: str, *, every: bool) -> str:
    """`a=1&key=SECRET` -> `a=***&key=***` (`every`; a bare `flag`, no `=`, is a
    value too), or `a=1&key=***` (only credentials' values)."""
    masked = []
    for item in query.split("&"):
        name, eq, _value = item.partition("=")
        if not every and not (eq and credential_name(name)):
            masked.append(item)
        else:
            masked.append(f"{name}={MASK}" if eq else (MASK if item else item))
    return "&".join(masked)


def query_values(url: str, *, every: bool = True) -> list[str]:
    """The values of `url`'s query (decoded, and as written), for masking them in
    text; without `every`, only those of credentials (`credential_name`)."""
    try:
        query = urlsplit(url).query
    except ValueError:
        query = url.partition("?")[2].partition("#")[0]
    values: set[str] = set()
    for item in query.split("&"):
        name, eq, raw = item.partition("=")
        if every or (eq and credential_name(name)):
            values.add(raw if eq else name)
    pairs = parse_qsl(query, keep_blank_values=True)
    values.update(v for n, v in pairs if every or credential_name(n))
    return sorted((v for v in values if v), key=len, reverse=True)


def has_credentials(url: str) -> bool:
    found = _credentials(url)
    return found is not None and bool(found[0] or found[1])


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

    Without `query`, the values of its credentials' query parameters (`?token=…`).
    A secret alone is replaced only when it is long enough not to be an
    ordinary word of the message (a one-letter password would garble the text).
    """
    if "?" in url:
        text = text.replace(url, display_url(url, query=query))
        for value in query_values(url, every=query):
            if len(value) >= 6:
                text = text.replace(value, MASK)
    user, password = _credentials(url) or ("", None)
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


# Said without the URL: its password would show (`display_url` masks it).
UNENCODED_PASSWORD = (
    "the url's password holds an unencoded '/', '?' or '#', which ends a URL's host "
    "part (RFC 3986); percent-encode it ('/' as %2F, '?' as %3F, '#' as %23, '@' as %40)"
)


def _port_problem(url: str) -> str:
    """Why the port of http(s) `url` is none a connection can go to, or ""
    (`:99999` once failed each fetch as an "internal error": found by a bug hunt)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""  # (not a URL Python reads: the caller says so)
    try:
        if parts.port != 0:
            return ""
    except ValueError:
        pass
    hostport = parts.netloc.rpartition("@")[2]
    port = hostport.rpartition("]")[2].partition(":")[2]
    return f"the url's port {port[:20]!r} is not a number from 1 to 65535"


# Said of `https://me:tok3n@host/rss?email=a@b` too: the password was blamed
# for a `/`, `?` or `#` it did not hold (bug hunt `regnet2` #4).
AT_AFTER_PASSWORD = (
    "an '@' after the password's end (in the path or query) cannot be told from "
    "one inside the password; percent-encode it: write it %40 (and a '/', '?' or "
    "'#' inside the password as %2F, %3F, %23)"
)


def unsendable(url: str) -> str:
    """Why no request can go to http(s) `url` as written, or "": said by the
    config check, `sources add` and the client before any request (none is made)."""
    if at_after_password(url):
        return AT_AFTER_PASSWORD
    if has_unencoded_userinfo(url):
        return UNENCODED_PASSWORD
    return _port_problem(url) or _host_problem(url)


def _host_problem(url: str) -> str:
    """ "the url has no host" for `http:///x.md` or `https://`: the client sent
    it to httpx, which said "Request URL is missing an 'http://' or 'https://'
    protocol", a "connection error", of a URL that has one."""
    try:
        hostname = urlsplit(url).hostname
    except ValueError:
        return ""  # (not a URL Python reads: the caller says so)
    return "" if hostname else "the url has no host"


def refused_url(url: str) -> str:
    """How an input refused for an `@` after its password is named: by the host
    a client reads (`http://me:***@127.0.0.1:8793…`) when that is a host name
    with a dot, an IP address or localhost, the rest left out; `display_url`
    showed `http://me:***@b` for `…?u=a@b`, hiding which input failed. A host
    like `ss` of `me:p@ss/word@host` may be the password's: masked as before."""
    if not at_after_password(url):
        return display_url(url)
    scheme, _, rest = url.partition("://")
    authority = rest[: min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))]
    userinfo, _, host = authority.rpartition("@")
    user = userinfo.partition(":")[0].partition("@")[0]
    if not _PLAUSIBLE_HOST.fullmatch(host):
        return display_url(url)
    return f"{scheme}://{user}:{MASK}@{host}…"


_PLAUSIBLE_HOST = re.compile(
    r"(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{0,5})?"
)
