"""A lean HTTP/1.1 keep-alive client on asyncio, for the load generator.

The load generator shares the server's two cores. httpx's client in 70 threads cost 0.8–1.0
CPU-ms per request, and each thread queued on the generator's interpreter lock between a
response arriving and its time being taken, which counted generator delay as server latency.
One event loop with plain sockets costs a fraction of that and notes a response's time as soon
as its last byte is read. It speaks just what ``casefile serve`` answers: a status line,
headers, and a body by Content-Length or chunked.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode


class ClosedByServer(ConnectionError):
    """The server closed the connection before a whole response arrived."""


class Connection:
    """One keep-alive connection; reconnects when the server closed the previous one."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self._host, self._port = host, port
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in {"Host": f"{host}:{port}", **headers}.items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict[str, str]) -> tuple[int, bytes]:
        return await self._request(f"GET {path}?{urlencode(params)} HTTP/1.1\r\n{self._fixed}\r\n".encode())

    async def post_file(self, path: str, filename: str, content: bytes, content_type: str) -> tuple[int, bytes]:
        """POST one multipart/form-data field ``file``, as a browser's upload form sends it."""
        boundary = "casefile-load-boundary-7f3a"
        body = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + content + f"\r\n--{boundary}--\r\n".encode()
        )
        head = (f"POST {path} HTTP/1.1\r\n{self._fixed}Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n")
        return await self._request(head.encode() + body)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._reader = self._writer = None

    async def _request(self, raw: bytes) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        assert self._reader is not None
        try:
            self._writer.write(raw)
            status, body, keep = await self._response(self._reader)
        except BaseException:
            # a broken connection, or a request given up (a timeout cancels it midway): what is
            # left of its response must not be read as the next request's
            await self.close()
            raise
        if not keep:
            await self.close()
        return status, body

    @staticmethod
    async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as e:
            raise ClosedByServer("connection closed before a response") from e
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                parts.append(await reader.readexactly(size + 2))
            await reader.readuntil(b"\r\n")  # no trailers are sent
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await reader.readexactly(int(fields.get("content-length", "0")))
        return status, body, fields.get("connection", "").lower() != "close"
