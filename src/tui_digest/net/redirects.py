"""Which redirects we follow: http(s) only, never from https down to http, always to a host."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from tui_digest.net.errors import FetchError
from tui_digest.net.urls import display_url, unsendable

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


def check_redirect(from_url: str, location: str) -> str:
    """Resolve a redirect target, or raise FetchError if the policy forbids following it."""
    target = urljoin(from_url, location.strip())
    shown = display_url(target)[:200]
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(from_url, f"refused redirect to a non-http(s) URL: {shown}")
    if urlsplit(from_url).scheme.lower() == "https" and scheme == "http":
        raise FetchError(from_url, f"refused redirect from https to http: {shown}")
    if not urlsplit(target).hostname:
        raise FetchError(from_url, f"refused redirect to a URL without a host: {shown}")
    if problem := unsendable(target):
        raise FetchError(from_url, f"refused a redirect to an invalid URL ({problem}): {shown}")
    return target
