"""Issue #16, item 9: the work one search may cause is bounded, and it never holds up the server.

One search term of 500 Chinese characters held the event loop for 1.7-2.6 s (its ~1,500
OCR-tolerant variants of ~500 tokens each); four users repeating it took /healthz to 18 s.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.services.users import create_user
from api.state import AppState, build_state
from core.errors import CasefileError
from core.settings import DEMO_POLICE_AGENCY, Settings
from search.query_parser import parse_query
from tests.conftest import bearer
from tests.support.server import clean_env, free_port, start_serve, stop

CASE = "（2026）京公朝刑立字第916号"


def chinese(count: int, seed: int = 16) -> str:
    """``count`` common CJK characters, the same for the same seed."""
    rng = random.Random(seed)
    return "".join(chr(rng.randrange(0x4E00, 0x4E00 + 3000)) for _ in range(count))


def test_issue16_a_500_character_term_is_refused_in_chinese(client: TestClient) -> None:
    started = time.perf_counter()
    response = client.get("/api/search", params={"q": chinese(500)})
    assert time.perf_counter() - started < 2
    assert response.status_code == 422, response.text[:200]
    body = response.json()
    assert body["code"] == "invalid_query"
    assert "检索词过长" in body["message"] and body["hint"]


def test_issue16_expansions_are_bounded() -> None:
    # a term over 32 units is matched exactly: no variants to multiply its cost
    assert parse_query(chinese(40)).positive_terms()[0].variants == ()
    assert parse_query(chinese(32)).positive_terms()[0].variants != ()
    # three 32-unit terms would need ~8,700 tokens of variants: refused, with the way out
    with pytest.raises(CasefileError) as info:
        parse_query(" ".join(chinese(32, seed) for seed in range(3)))
    assert info.value.code == "invalid_query"
    assert "过于复杂" in info.value.message and "引号" in info.value.hint
    parse_query(" ".join(f'"{chinese(32, seed)}"' for seed in range(3)))  # quoted: exact, cheap
    started = time.perf_counter()
    parse_query(" ".join(chinese(32, seed) for seed in range(2)) + " " + chinese(99))
    assert time.perf_counter() - started < 0.5


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[tuple[TestClient, AppState]]:
    state = build_state(Settings(data_dir=tmp_path / "data", load_demo=False, searches_per_user=1),
                        eager_jobs=True)
    with state.ctx.db.session() as session:
        create_user(session, "other", "other-password-16", agency=state.settings.default_agency,
                    role="prosecutor")
    with TestClient(create_app(state=state)) as client:
        yield client, state
    state.ctx.db.dispose()


def test_issue16_each_users_concurrent_searches_are_limited(
    limited: tuple[TestClient, AppState], monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.routes import search as search_route

    client, state = limited
    admin = bearer(client, "admin", state.settings.admin_password)
    other = bearer(client, "other", "other-password-16")
    held, release = threading.Event(), threading.Event()
    real = search_route._search

    def slow(state: AppState, index: Any, query: Any) -> dict[str, Any]:
        if query.text.startswith("甲"):
            held.set()
            release.wait(5)  # on the old code this held the event loop itself
        return real(state, index, query)

    monkeypatch.setattr(search_route, "_search", slow)
    long_query = "甲" + chinese(40)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(client.get, "/api/search", params={"q": long_query}, headers=admin)
        assert held.wait(10)
        second = client.get("/api/search", params={"q": long_query}, headers=admin)
        others = client.get("/api/search", params={"q": "乙" + chinese(40)}, headers=other)
        release.set()
        assert first.result(timeout=30).status_code == 200
    assert second.status_code == 429, second.text[:200]
    assert second.json()["code"] == "too_many_searches" and second.json()["hint"]
    assert others.status_code == 200  # the limit is each user's own
    assert client.get("/api/search", params={"q": long_query}, headers=admin).status_code == 200


@pytest.mark.slow
def test_issue16_healthz_stays_fast_while_long_searches_run(tmp_path: Path) -> None:
    """Four users send long queries back to back (the red team's probe) while /healthz is timed."""
    port = free_port()
    server = start_serve(tmp_path / "data", port, clean_env(
        CASEFILE_LOAD_DEMO="false", CASEFILE_OCR_ENGINE="null"))
    base = f"http://127.0.0.1:{port}"
    try:
        def sign_in(username: str, password: str) -> dict[str, str]:
            token = httpx.post(f"{base}/api/auth/token", data={
                "username": username, "password": password}).json()["access_token"]
            return {"Authorization": f"Bearer {token}"}

        admin = sign_in("admin", "casefile-demo")
        assert httpx.post(f"{base}/api/cases", json={"case_number": CASE}, headers=admin).status_code == 201
        # forty pages hold the terms, so that every variant finds postings to walk
        blocks = [chinese(100, seed) for seed in range(6)]
        text = "\f".join("\n".join(random.Random(n).sample(blocks, len(blocks))) for n in range(40)).encode()
        uploaded = httpx.post(f"{base}/api/cases/{CASE}/documents", headers=admin,
                              files=[("file", ("长文.txt", text))], timeout=60)
        assert uploaded.status_code == 201, uploaded.text
        document = uploaded.json()["documents"][0]["id"]
        deadline = time.monotonic() + 120
        while httpx.get(f"{base}/api/documents/{document}", headers=admin).json()["status"] != "done":
            assert time.monotonic() < deadline, "document not processed"
            time.sleep(0.5)
        users = [admin]
        for n in range(3):
            created = httpx.post(f"{base}/api/admin/users", headers=admin, json={
                "username": f"searcher{n}", "password": "searcher-password", "role": "prosecutor",
                "agency": DEMO_POLICE_AGENCY})
            assert created.status_code == 201, created.text
            users.append(sign_in(f"searcher{n}", "searcher-password"))
        queries = [
            "".join(chinese(100, seed) for seed in range(5)),  # the probe: one 500-character term
            " ".join(chinese(100, seed)[:32] for seed in range(2)) + " " + chinese(99, 2),  # within bounds
        ]
        stop_at = time.monotonic() + 8
        statuses: list[int] = []

        def hammer(headers: dict[str, str]) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=60) as session:
                while time.monotonic() < stop_at:
                    for q in queries:
                        statuses.append(session.get("/api/search", params={"q": q}).status_code)

        with ThreadPoolExecutor(len(users) * 2) as pool:
            for headers in users * 2:
                pool.submit(hammer, headers)
            time.sleep(1)
            lags = []
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                assert httpx.get(f"{base}/healthz", timeout=30).status_code == 200
                lags.append(time.perf_counter() - started)
                time.sleep(0.2)
        assert server.poll() is None
        assert set(statuses) <= {200, 422, 429}, sorted(set(statuses))
        assert 200 in statuses  # the query within bounds is answered
        assert max(lags) < 1.0, f"/healthz took up to {max(lags):.2f} s (median {sorted(lags)[len(lags) // 2]:.2f})"
    finally:
        stop(server)
