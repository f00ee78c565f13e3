"""Name resolution with its own short timeout, before a request is sent.

Without a network the resolver often does not fail: it waits for a name
server that never answers, and httpx reports that as a connect *timeout*,
which looks like a slow server and is retried. Resolving first, under
`HttpOptions.resolve_timeout`, turns both a failure and a wait into a "dns"
FetchError at once, which is not retried and tells the run it may be offline
(`fetch/offline.py` asks whether other hosts resolve before it says so).

The lookup runs in a daemon thread: `getaddrinfo` cannot be cancelled, and a
thread of the event loop's default executor would hold the program open
until the name server gave up.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable

from tui_digest.core.daemon_thread import run_in_daemon_thread
from tui_digest.net.errors import FetchError

# resolver(host, port): returns when the host resolves, raises OSError when it cannot.
Resolver = Callable[[str, int], Awaitable[None]]


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


async def system_resolver(host: str, port: int) -> None:
    """getaddrinfo in a daemon thread; OSError (socket.gaierror) when the name is unknown."""
    await run_in_daemon_thread(
        socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM, name=f"resolve {host}"
    )


async def check_resolves(
    url: str, host: str, port: int, resolver: Resolver, timeout: float
) -> None:
    """FetchError(kind="dns") unless `host` resolves within `timeout` seconds."""
    try:
        async with asyncio.timeout(timeout):
            await resolver(host, port)
    except TimeoutError:
        raise FetchError(
            url, f"could not resolve host {host} (no answer within {timeout:g} s)", kind="dns"
        ) from None
    except OSError:
        raise FetchError(url, f"could not resolve host {host}", kind="dns") from None
