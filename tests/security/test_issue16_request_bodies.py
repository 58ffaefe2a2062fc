"""Issue 16, item 11 (uploads and slow clients), against a live `casefile serve`.

Identity and declared size are checked on the headers, before one byte of the body is read; a
chunked body is cut off at the upload limit; a body that trickles is cut off after the body
timeout; only so many large bodies are received at once, and /healthz answers meanwhile.
Raw sockets: an HTTP client library would send the whole body before reading the answer.
"""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.testclient import TestClient

from core.settings import PLACEHOLDER_PASSWORD
from tests.support.server import clean_env, free_port, start_serve, stop

CASE = "（2026）上传限制1号"
MAX_UPLOAD = 1_000_000
BODY_TIMEOUT = 3.0
MAX_UPLOADS = 3
MAX_CONNECTIONS = 16
BOUNDARY = "casefileboundary"


@dataclass
class Live:
    port: int
    token: str
    data_dir: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data_dir = tmp_path_factory.mktemp("bodies") / "data"
    port = free_port()
    env = clean_env(
        CASEFILE_LOAD_DEMO="false", CASEFILE_OCR_ENGINE="null",
        CASEFILE_MAX_UPLOAD_BYTES=str(MAX_UPLOAD), CASEFILE_BODY_TIMEOUT_SECONDS=str(BODY_TIMEOUT),
        CASEFILE_API_MAX_UPLOADS=str(MAX_UPLOADS), CASEFILE_API_MAX_CONNECTIONS=str(MAX_CONNECTIONS),
    )
    process = start_serve(data_dir, port, env, "--no-worker", timeout=90)
    try:
        base = f"http://127.0.0.1:{port}"
        token = httpx.post(f"{base}/api/auth/token",
                           data={"username": "admin", "password": PLACEHOLDER_PASSWORD}).json()["access_token"]
        created = httpx.post(f"{base}/api/cases", json={"case_number": CASE},
                             headers={"Authorization": f"Bearer {token}"})
        assert created.status_code == 201, created.text
        yield Live(port=port, token=token, data_dir=data_dir)
    finally:
        stop(process)


def _upload_head(live: Live, *, length: int | None, token: str | None) -> bytes:
    """The request line and headers of an upload into CASE (the body is the caller's to send)."""
    lines = [
        f"POST /api/cases/{quote(CASE)}/documents HTTP/1.1",
        f"Host: 127.0.0.1:{live.port}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        "Content-Length: " + str(length) if length is not None else "Transfer-Encoding: chunked",
    ]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _part_head(name: str = "big.txt") -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()


def _connect(live: Live) -> socket.socket:
    return socket.create_connection(("127.0.0.1", live.port), timeout=10)


def _read_response(sock: socket.socket, timeout: float) -> tuple[int, dict[str, str], dict]:
    """Status, headers and JSON body of the one response on ``sock``; fails after ``timeout``."""
    sock.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    except TimeoutError:
        pytest.fail(f"no answer within {timeout} s (got {data[:200]!r})")
    assert lines[0].startswith("HTTP/1.1 "), data[:200]
    return int(lines[0].split()[1]), headers, json.loads(body) if body else {}


def test_issue16_a_large_upload_without_credentials_is_refused_before_its_body(live: Live) -> None:
    """512 MiB declared, nothing sent: the answer is 401 at once, and the connection closes."""
    for token in (None, "forged.token"):
        with _connect(live) as sock:
            sock.sendall(_upload_head(live, length=512 * 1024 * 1024, token=token))
            started = time.monotonic()
            status, headers, body = _read_response(sock, timeout=5)
            assert status == 401 and body["code"] == "not_authenticated"
            assert time.monotonic() - started < 2
            assert headers.get("connection") == "close"


def test_issue16_a_declared_length_over_the_limit_is_refused_at_once(live: Live) -> None:
    with _connect(live) as sock:
        sock.sendall(_upload_head(live, length=MAX_UPLOAD + 10 * 1024 * 1024, token=live.token))
        status, _, body = _read_response(sock, timeout=5)
    assert status == 413 and body["code"] == "file_too_large"


def test_issue16_a_chunked_upload_is_cut_off_at_the_limit(live: Live) -> None:
    """No Content-Length: the body is cut off where it passes the limit, not spooled whole."""
    chunk = b"x" * 65536
    sent = 0
    answered = False
    with _connect(live) as sock:
        sock.sendall(_upload_head(live, length=None, token=live.token))
        sock.sendall(b"%x\r\n%s\r\n" % (len(_part_head()), _part_head()))
        try:
            while sent < 40 * MAX_UPLOAD:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
                if select.select([sock], [], [], 0)[0]:
                    answered = True
                    break
        except (BrokenPipeError, ConnectionResetError):
            answered = True
        assert answered, f"{sent} bytes sent and no answer: the body was being spooled whole"
        try:
            status, _, body = _read_response(sock, timeout=5)
        except (ConnectionResetError, BrokenPipeError):
            return  # the server closed first; the point is that it stopped reading
    assert status == 413 and body["code"] == "file_too_large"


def test_issue16_a_trickling_body_is_cut_off_after_the_body_timeout(live: Live) -> None:
    """A byte every half second (the red team's was every 5 s): cut off, 408, connection closed."""
    with _connect(live) as sock:
        sock.sendall(_upload_head(live, length=5000, token=None) + _part_head())
        started = time.monotonic()
        cut = False
        while time.monotonic() - started < 6 * BODY_TIMEOUT:
            try:
                sock.sendall(b"x")
            except (BrokenPipeError, ConnectionResetError):
                cut = True
                break
            if select.select([sock], [], [], 0.5)[0]:
                cut = True
                break
        assert cut, "the trickling body was still held"
        elapsed = time.monotonic() - started
        assert elapsed < 3 * BODY_TIMEOUT
        status, _, body = _read_response(sock, timeout=5)
    assert status == 408 and body["code"] == "upload_too_slow"


def test_issue16_only_so_many_large_bodies_at_once_and_healthz_still_answers(live: Live) -> None:
    held = [_connect(live) for _ in range(MAX_UPLOADS)]
    try:
        for sock in held:
            sock.sendall(_upload_head(live, length=MAX_UPLOAD // 2, token=live.token) + _part_head())
        time.sleep(0.3)  # the server has taken the headers of each
        with _connect(live) as extra:
            extra.sendall(_upload_head(live, length=MAX_UPLOAD // 2, token=live.token))
            status, headers, body = _read_response(extra, timeout=BODY_TIMEOUT - 1)
        assert status == 503 and body["code"] == "server_busy"
        assert headers.get("retry-after")
        started = time.monotonic()
        assert httpx.get(f"{live.base}/healthz", timeout=5).status_code == 200
        assert time.monotonic() - started < 2
    finally:
        for sock in held:
            sock.close()
    # once they are gone (cut off or closed) the places are free again
    deadline = time.monotonic() + 3 * BODY_TIMEOUT
    while True:
        response = httpx.post(
            f"{live.base}/api/cases/{CASE}/documents",
            files=[("file", ("笔录.txt", "讯问笔录".encode() * 30000))],
            headers={"Authorization": f"Bearer {live.token}"}, timeout=30,
        )
        if response.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert response.status_code == 201, response.text


def test_issue16_connections_past_the_limit_are_answered_not_held(live: Live) -> None:
    """Idle connections fill a process's limit: the next request gets 503, not a wait.

    (The red team's 20,000 held connections ran the process out of file descriptors.)
    """
    idle = [_connect(live) for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.3)
        response = httpx.get(f"{live.base}/healthz", timeout=5)
        assert response.status_code == 503
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 5
    while httpx.get(f"{live.base}/healthz", timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "the connections closed, but the limit was not given back"
        time.sleep(0.1)


def test_issue16_other_bodies_are_bounded_too(client: TestClient) -> None:
    """A JSON body is small: more than 1 MiB is refused before it is parsed."""
    response = client.post("/api/cases", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
