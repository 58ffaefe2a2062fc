"""Request bodies before any route reads them: who may send one, how large, how slow, how many.

A pure ASGI middleware, so it acts before FastAPI parses a form (which spools every file to a
temporary file first, and only then resolves the route's dependencies, identity among them):

- a body over ``SMALL_BODY`` (or of unknown length: chunked) is read only from a signed-in user:
  the identity check runs on the headers, and a refusal is answered before one byte is read;
- a declared length over the route's limit is answered 413 at once; a chunked body is cut off
  where it passes the limit;
- a body that sends nothing for ``timeout_seconds``, or that averages less than ``min_rate`` bytes
  a second once ``timeout_seconds`` have been spent waiting for it, is cut off (408);
- at most ``max_uploads`` large bodies are received at once per process; more are answered 503.

Every refusal closes the connection (``Connection: close``): the rest of the body is never read.
Runs on the event loop of each server process; the counters are per process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import (
    FILE_TOO_LARGE,
    REQUEST_TOO_LARGE,
    SERVER_BUSY,
    UPLOAD_TOO_SLOW,
    CasefileError,
)
from core.settings import Settings

# A sign-in, a form, a search: what anyone may send before the server knows who they are.
SMALL_BODY = 64 * 1024
# Every body that is not an upload (JSON forms, transfers, users).
MAX_FORM_BODY = 1024 * 1024
# Boundaries and part headers around an upload's file.
MULTIPART_SLACK = 64 * 1024
_DISCONNECT: Message = {"type": "http.disconnect"}
RETRY_AFTER_SECONDS = 5

Authenticate = Callable[[Request], Awaitable[object]]


@dataclass(frozen=True)
class BodyLimits:
    """The limits of one server process, from its settings."""

    max_upload_bytes: int
    timeout_seconds: float
    min_rate: int
    max_uploads: int

    @classmethod
    def of(cls, settings: Settings) -> BodyLimits:
        return cls(
            max_upload_bytes=settings.max_upload_bytes,
            timeout_seconds=settings.body_timeout_seconds,
            min_rate=settings.body_min_rate,
            max_uploads=settings.api_max_uploads,
        )


class RequestBodyGuard:
    """Pure ASGI middleware enforcing ``BodyLimits`` (see the module's docstring).

    ``is_upload(scope)`` tells the upload route (limit: ``max_upload_bytes`` plus multipart
    framing) from the others (``MAX_FORM_BODY``); ``authenticate(request)`` raises
    ``CasefileError`` for a request without a valid identity, reading headers and cookies only.
    """

    def __init__(
        self, app: ASGIApp, *, limits: BodyLimits,
        is_upload: Callable[[Scope], bool], authenticate: Authenticate,
    ) -> None:
        self.app = app
        self.limits = limits
        self.is_upload = is_upload
        self.authenticate = authenticate
        self.receiving = 0  # large bodies being received now, in this process

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = _content_length(headers)
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if not chunked and not declared:  # no body: nothing to guard
            await self.app(scope, receive, send)
            return
        upload = self.is_upload(scope)
        limit = self.limits.max_upload_bytes + MULTIPART_SLACK if upload else MAX_FORM_BODY
        too_large = _too_large(limit, upload)
        large = chunked or declared > SMALL_BODY
        if large:
            try:
                await self.authenticate(Request(scope))
            except CasefileError as error:
                await refuse(send, error)
                return
        if declared > limit:
            await refuse(send, too_large)
            return
        if large and self.receiving >= self.limits.max_uploads:
            await refuse(send, CasefileError(SERVER_BUSY, f"{self.receiving} bodies being received"),
                         retry_after=RETRY_AFTER_SECONDS)
            return
        body = _GuardedBody(receive, send, self.limits, limit, too_large)
        if large:
            self.receiving += 1
            body.on_done = self._release
        try:
            await self.app(scope, body.receive, body.send)
        finally:
            body.finish()

    def _release(self) -> None:
        self.receiving -= 1


class _GuardedBody:
    """One request's ``receive`` and ``send``, with the body's size and pace checked."""

    def __init__(
        self, receive: Receive, send: Send, limits: BodyLimits, limit: int, too_large: CasefileError
    ) -> None:
        self._receive = receive
        self._send = send
        self.limits = limits
        self.limit = limit
        self.too_large = too_large
        self.received = 0
        self.waited = 0.0
        self.complete = False
        self.response_started = False
        self.refused = False
        self.on_done: Callable[[], None] | None = None

    async def receive(self) -> Message:
        if self.refused:
            return _DISCONNECT
        if self.complete:  # later calls only wait for a disconnect: no deadline
            return await self._receive()
        started = time.monotonic()
        with anyio.move_on_after(self._budget()) as deadline:
            message = await self._receive()
        self.waited += time.monotonic() - started
        if deadline.cancelled_caught:
            return await self._refuse(CasefileError(
                UPLOAD_TOO_SLOW, f"{self.received} bytes in {self.waited:.0f} s of waiting"
            ))
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                return await self._refuse(self.too_large)
            if not message.get("more_body", False):
                self.finish()
        else:
            self.finish()
        return message

    def _budget(self) -> float:
        """Seconds the next piece of the body may take: the idle limit, or less when too slow."""
        timeout = self.limits.timeout_seconds
        if not self.limits.min_rate:
            return timeout
        # waited <= timeout + received / min_rate: the average, after the grace, stays above it
        return max(0.0, min(timeout, timeout + self.received / self.limits.min_rate - self.waited))

    async def send(self, message: Message) -> None:
        if self.refused:  # the answer is given; what the route makes of the cut body is dropped
            return
        if message["type"] == "http.response.start":
            self.response_started = True
        await self._send(message)

    async def _refuse(self, error: CasefileError) -> Message:
        self.refused = True
        self.finish()
        if not self.response_started:
            await refuse(self._send, error)
        return _DISCONNECT

    def finish(self) -> None:
        """The body is read, or will not be: give back its place among those being received."""
        self.complete = True
        if self.on_done is not None:
            on_done, self.on_done = self.on_done, None
            on_done()


async def refuse(send: Send, error: CasefileError, *, retry_after: int | None = None) -> None:
    """Answer ``error`` as the API's JSON and close the connection (the body stays unread)."""
    payload = json.dumps(error.to_dict(), ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"connection", b"close"),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": error.status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def _content_length(headers: Headers) -> int:
    try:
        return max(0, int(headers.get("content-length", "0")))
    except ValueError:
        return 0


def _too_large(limit: int, upload: bool) -> CasefileError:
    return CasefileError(FILE_TOO_LARGE if upload else REQUEST_TOO_LARGE, f"more than {limit} bytes")
