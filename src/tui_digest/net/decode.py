"""Reading a response body under a cap, undoing Content-Encoding with a cap on the output.

httpx's own decoders inflate a whole network chunk at once; a 64 KiB chunk of
a gzip bomb is ~64 MiB, so we read the raw bytes and inflate with
`max_length` ourselves.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from tui_digest.net.errors import FetchError, TooLarge

if TYPE_CHECKING:
    import httpx

ENCODINGS = ("identity", "gzip", "x-gzip", "deflate")


class CappedDecoder:
    """Decode a Content-Encoding stream without ever holding more than `cap` + 1 bytes."""

    def __init__(self, encoding: str, url: str, cap: int) -> None:
        self.encoding = encoding
        self.url = url
        self.cap = cap
        self.total = 0
        self._parts: list[bytes] = []
        self._z: zlib._Decompress | None = None
        self._pending = b""

    def _new_decompressor(self, first: bytes) -> zlib._Decompress:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        zlib_header = (first[0] & 0x0F) == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)

    def _keep(self, data: bytes) -> None:
        self.total += len(data)
        if self.total > self.cap:
            raise TooLarge(self.url, f"response body exceeds the cap of {self.cap} bytes")
        if data:
            self._parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.encoding == "identity":
            self._keep(chunk)
            return
        data = self._pending + chunk
        self._pending = b""
        try:
            while data:
                if self._z is None:
                    if len(data) < 2:
                        self._pending = data
                        return
                    self._z = self._new_decompressor(data)
                out = self._z.decompress(data, self.cap - self.total + 1)
                self._keep(out)
                if self._z.unconsumed_tail:
                    data = self._z.unconsumed_tail
                elif self._z.eof:  # gzip allows several members one after another
                    data = self._z.unused_data
                    self._z = None
                else:
                    data = b""
        except zlib.error as exc:
            raise FetchError(self.url, f"corrupt {self.encoding} body: {exc}") from None

    def finish(self) -> bytes:
        if self._pending:
            raise FetchError(self.url, f"corrupt {self.encoding} body: too short")
        if self.encoding != "identity" and self._z is not None and not self._z.eof:
            try:
                self._keep(self._z.flush())
            except zlib.error as exc:
                raise FetchError(self.url, f"corrupt {self.encoding} body: {exc}") from None
            if self.encoding in ("gzip", "x-gzip"):
                raise FetchError(self.url, "truncated gzip body")
        return b"".join(self._parts)


async def read_body(url: str, response: httpx.Response, cap: int) -> bytes:
    """The decoded body of `response`, or FetchError past `cap` bytes (decompressed)."""
    encoding = response.headers.get("Content-Encoding", "").strip().lower() or "identity"
    if encoding not in ENCODINGS:
        raise FetchError(url, f"unsupported Content-Encoding {encoding[:40]!r}")
    length = response.headers.get("Content-Length", "")
    if encoding == "identity" and length.isascii() and length.isdigit() and int(length) > cap:
        raise TooLarge(url, f"response body of {length} bytes exceeds the cap of {cap} bytes")
    if response.is_stream_consumed:
        # A response built in memory (httpx.MockTransport) is already read and decoded.
        decoder = CappedDecoder("identity", url, cap)
        decoder.feed(response.content)
        return decoder.finish()
    decoder = CappedDecoder(encoding, url, cap)
    # aiter_raw: the bytes as sent; CappedDecoder undoes the Content-Encoding itself.
    async for chunk in response.aiter_raw():
        decoder.feed(chunk)
    return decoder.finish()
