"""Start the real `casefile serve` on a free loopback port and wait until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx

from tests.support.cli import REPO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the developer's CASEFILE_* settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"PYTHONPATH": str(REPO), **extra})
    return env


def start_serve(
    data_dir: Path, port: int, env: dict[str, str], *args: str,
    log: IO[bytes] | int = subprocess.DEVNULL, timeout: float = 120,
) -> subprocess.Popen[bytes]:
    """`casefile --data-dir DATA serve --port PORT ARGS…`, returned once /healthz answers 200."""
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), "serve", "--port", str(port), *args],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise AssertionError(f"casefile serve exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop(process)
            raise AssertionError(f"casefile serve did not answer within {timeout:.0f} s")
        time.sleep(0.3)


def bearer(client: httpx.Client, username: str, password: str) -> dict[str, str]:
    """Headers that authenticate as ``username`` (through the real token route)."""
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def stop(process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Graceful shutdown (which stops the embedded worker too), then a kill if it hangs."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
