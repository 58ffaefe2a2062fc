"""Issue 16, items 4-7 and 11 (sign-in): sessions, CSRF binding, sign-in waits, the dev secret.

Probes of the red-team pass, each against the application as a client sees it: revoked sessions,
web cookies replayed as bearer tokens, CSRF pairs of the attacker's choosing, concurrent wrong
passwords, user enumeration through the waits, one person locking out another, and the
development secret served beyond this machine.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api.app import create_app
from api.services.users import create_user
from api.state import AppState
from core.settings import Settings
from tests.support.cli import REPO
from tests.support.server import clean_env, free_port, start_serve, stop

PASSWORD = "session-password-1"
WAIT_MESSAGE = re.compile(r"^尝试次数过多，请于 \d\d:\d\d 后再试。$")


def _web_login(client: TestClient, username: str, password: str) -> tuple[str, str]:
    """Sign in as the page does; the session cookie's token and the CSRF token."""
    response = client.post("/api/auth/login", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    session, csrf = client.cookies.get("casefile_session"), client.cookies.get("casefile_csrf")
    assert session and csrf
    return session, csrf


def _api_token(client: TestClient, username: str, password: str) -> str:
    response = client.post("/api/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _fresh(state: AppState) -> TestClient:
    """A second browser: a client with its own cookie jar."""
    return TestClient(create_app(state=state))


@pytest.fixture
def clerk(state: AppState) -> str:
    with state.ctx.db.session() as session:
        create_user(session, "session-clerk", PASSWORD, agency=state.settings.default_agency, role="clerk")
    return "session-clerk"


# item 4: a session survives logout


def test_issue16_signing_out_ends_the_web_session(anonymous: TestClient, clerk: str) -> None:
    token, csrf = _web_login(anonymous, clerk, PASSWORD)
    assert anonymous.get("/api/auth/me").status_code == 200
    assert anonymous.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    # the old cookie, sent again as an attacker who kept it would
    anonymous.cookies.set("casefile_session", token)
    anonymous.cookies.set("casefile_csrf", csrf)
    me = anonymous.get("/api/auth/me")
    assert me.status_code == 401 and me.json()["code"] == "not_authenticated"
    created = anonymous.post("/api/cases", json={"case_number": "（2026）登出1号"}, headers={"X-CSRF-Token": csrf})
    assert created.status_code == 401
    anonymous.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    assert anonymous.get("/api/auth/me", headers=bearer).status_code == 401
    assert anonymous.post("/api/cases", json={"case_number": "（2026）登出2号"}, headers=bearer).status_code == 401


def test_issue16_signing_out_ends_an_api_token(anonymous: TestClient, clerk: str) -> None:
    bearer = {"Authorization": f"Bearer {_api_token(anonymous, clerk, PASSWORD)}"}
    other = {"Authorization": f"Bearer {_api_token(anonymous, clerk, PASSWORD)}"}
    assert anonymous.get("/api/auth/me", headers=bearer).status_code == 200
    assert anonymous.post("/api/auth/logout", headers=bearer).status_code == 200
    assert anonymous.get("/api/auth/me", headers=bearer).status_code == 401
    assert anonymous.get("/api/auth/me", headers=other).status_code == 200  # only that session ends


def test_issue16_web_session_is_not_a_bearer_token(anonymous: TestClient, state: AppState, clerk: str) -> None:
    token, _csrf = _web_login(anonymous, clerk, PASSWORD)
    with _fresh(state) as elsewhere:  # no cookies: the token alone, which would skip the CSRF check
        bearer = {"Authorization": f"Bearer {token}"}
        created = elsewhere.post("/api/cases", json={"case_number": "（2026）持票1号"}, headers=bearer)
        assert created.status_code == 401, created.text
        assert elsewhere.get("/api/auth/me", headers=bearer).status_code == 401
        # nor is an API token a session cookie
        elsewhere.cookies.set("casefile_session", _api_token(elsewhere, clerk, PASSWORD))
        assert elsewhere.get("/api/auth/me").status_code == 401


def test_issue16_password_change_ends_every_session(anonymous: TestClient, state: AppState, clerk: str) -> None:
    web_token, _csrf = _web_login(anonymous, clerk, PASSWORD)
    first = {"Authorization": f"Bearer {_api_token(anonymous, clerk, PASSWORD)}"}
    second = {"Authorization": f"Bearer {_api_token(anonymous, clerk, PASSWORD)}"}
    wrong = anonymous.post("/api/auth/password", headers=first,
                           json={"current_password": "not-it-at-all", "new_password": "a-new-password-2"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_credentials"
    weak = anonymous.post("/api/auth/password", headers=first,
                          json={"current_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 422 and weak.json()["code"] == "weak_password"
    changed = anonymous.post("/api/auth/password", headers=first,
                             json={"current_password": PASSWORD, "new_password": "a-new-password-2"})
    assert changed.status_code == 200, changed.text
    assert anonymous.get("/api/auth/me", headers=first).status_code == 401
    assert anonymous.get("/api/auth/me", headers=second).status_code == 401
    with _fresh(state) as browser:
        browser.cookies.set("casefile_session", web_token)
        assert browser.get("/api/auth/me").status_code == 401
        assert browser.post("/api/auth/token", data={"username": clerk, "password": PASSWORD}).status_code == 401
        assert _api_token(browser, clerk, "a-new-password-2")


def test_issue16_deactivating_a_user_ends_their_sessions(anonymous: TestClient, state: AppState, clerk: str) -> None:
    from sqlalchemy import select

    from api.services.users import deactivate_user
    from models.tables import SignInSession, User

    bearer = {"Authorization": f"Bearer {_api_token(anonymous, clerk, PASSWORD)}"}
    with state.ctx.db.session() as session:
        user = session.scalar(select(User).where(User.username == clerk))
        assert user is not None
        assert deactivate_user(session, user.id) == 1
    assert anonymous.get("/api/auth/me", headers=bearer).status_code == 401
    with state.ctx.db.session() as session:
        assert all(s.revoked_at is not None for s in session.scalars(select(SignInSession)) if s.user_id == user.id)


def test_issue16_cli_password_reset_and_deactivation_end_sessions(
    anonymous: TestClient, state: AppState, clerk: str
) -> None:
    from tests.support.cli import casefile

    data = state.settings.data_dir
    bearer = {"Authorization": f"Bearer {_api_token(anonymous, clerk, PASSWORD)}"}
    reset = casefile("users", "password", clerk, "--password", "a-new-password-3", data_dir=data)
    assert reset.returncode == 0, reset.stderr
    assert anonymous.get("/api/auth/me", headers=bearer).status_code == 401
    bearer = {"Authorization": f"Bearer {_api_token(anonymous, clerk, 'a-new-password-3')}"}
    stopped = casefile("users", "deactivate", clerk, data_dir=data)
    assert stopped.returncode == 0, stopped.stderr
    assert anonymous.get("/api/auth/me", headers=bearer).status_code == 401
    refused = anonymous.post("/api/auth/token", data={"username": clerk, "password": "a-new-password-3"})
    assert refused.status_code == 401 and refused.json()["code"] == "bad_credentials"
    unknown = casefile("users", "deactivate", "no-such-user", data_dir=data)
    assert unknown.returncode == 1 and "找不到该用户" in unknown.stderr


# item 5: CSRF double submit not bound to the session


def test_issue16_csrf_pair_of_the_attackers_choice_is_refused(
    anonymous: TestClient, state: AppState, clerk: str
) -> None:
    _token, csrf = _web_login(anonymous, clerk, PASSWORD)
    anonymous.cookies.set("casefile_csrf", "chosen-by-attacker")
    forged = anonymous.post("/api/cases", json={"case_number": "（2026）跨站1号"},
                            headers={"X-CSRF-Token": "chosen-by-attacker"})
    assert forged.status_code == 403 and forged.json()["code"] == "csrf_failed"
    # another session's CSRF token (the attacker's own, from signing in themselves) fails too
    with _fresh(state) as attacker:
        _other, their_csrf = _web_login(attacker, "admin", state.settings.admin_password)
    anonymous.cookies.set("casefile_csrf", their_csrf)
    stolen = anonymous.post("/api/cases", json={"case_number": "（2026）跨站2号"},
                            headers={"X-CSRF-Token": their_csrf})
    assert stolen.status_code == 403 and stolen.json()["code"] == "csrf_failed"
    anonymous.cookies.set("casefile_csrf", csrf)
    own = anonymous.post("/api/cases", json={"case_number": "（2026）跨站3号"}, headers={"X-CSRF-Token": csrf})
    assert own.status_code == 201, own.text


# item 6 and item 11 (sign-in): lockout, enumeration, waits, hashing


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many passwords were checked with argon2 (the slow part a flood must not reach)."""
    counts: Counter[str] = Counter()
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, stored: str | bytes, password: str | bytes) -> bool:
        counts["verify"] += 1
        return real(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return counts


def _concurrent_sign_ins(state: AppState, attempts: list[tuple[str, str]], client: str = "10.1.1.1") -> list[httpx.Response]:
    """Send every (name, password) at once, from ``client``, through the ASGI app itself."""
    app = create_app(state=state)

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, client=(client, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://casefile") as http:
            return await asyncio.gather(*(
                http.post("/api/auth/token", data={"username": name, "password": password})
                for name, password in attempts
            ))

    return asyncio.run(run())


def _answers(responses: list[httpx.Response]) -> Counter[tuple[int, str]]:
    return Counter((r.status_code, r.json()["code"]) for r in responses)


def test_issue16_twenty_concurrent_wrong_passwords_are_counted_atomically(
    state: AppState, verifications: Counter[str]
) -> None:
    limit = state.settings.lockout_failures
    responses = _concurrent_sign_ins(state, [("admin", f"wrong-{n}") for n in range(20)])
    assert _answers(responses) == {(401, "bad_credentials"): limit, (429, "sign_in_throttled"): 20 - limit}
    assert verifications["verify"] == limit  # the refused ones were never hashed
    refused = [r for r in responses if r.status_code == 429]
    assert all(WAIT_MESSAGE.match(r.json()["message"]) for r in refused), refused[0].json()
    # (a refused attempt may have read the clock a moment before the one that began the wait)
    assert all(0 < int(r.headers["retry-after"]) <= 61 for r in refused), [r.headers["retry-after"] for r in refused]


def _one_by_one(state: AppState, name: str, count: int, client: str) -> list[httpx.Response]:
    return [_concurrent_sign_ins(state, [(name, f"wrong-{n}")], client=client)[0] for n in range(count)]


def test_issue16_unknown_names_wait_exactly_like_known_ones(state: AppState) -> None:
    limit = state.settings.lockout_failures
    known = _one_by_one(state, "admin", limit + 2, client="10.2.2.2")
    unknown = _one_by_one(state, "no-such-user", limit + 2, client="10.3.3.3")
    assert [r.json()["code"] for r in known] == [r.json()["code"] for r in unknown]
    assert [r.status_code for r in known] == [401] * limit + [429, 429]
    assert {r.json()["message"] for r in known} == {r.json()["message"] for r in unknown}
    assert {r.json()["hint"] for r in known} == {r.json()["hint"] for r in unknown}


def test_issue16_no_one_locks_the_administrator_out(state: AppState) -> None:
    attacker = _one_by_one(state, "admin", state.settings.lockout_failures + 3, client="10.6.6.6")
    assert attacker[-1].status_code == 429
    own_desk = _concurrent_sign_ins(state, [("admin", state.settings.admin_password)], client="10.9.9.9")
    assert own_desk[0].status_code == 200, own_desk[0].text


def test_issue16_guesses_from_many_addresses_do_not_keep_a_person_from_their_desk(
    state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state.settings, "sign_in_account_failures", 4)  # (each check takes a while)
    password = state.settings.admin_password
    assert _concurrent_sign_ins(state, [("admin", password)], client="10.9.9.9")[0].status_code == 200
    for n in range(4):  # one guess each from many machines: the name's own limit
        assert _concurrent_sign_ins(state, [("admin", "guess")], client=f"10.5.{n}.1")[0].status_code == 401
    elsewhere = _concurrent_sign_ins(state, [("admin", password)], client="10.5.99.1")[0]
    assert elsewhere.status_code == 429 and elsewhere.json()["code"] == "sign_in_throttled"
    desk = _concurrent_sign_ins(state, [("admin", password)], client="10.9.9.9")[0]
    assert desk.status_code == 200, desk.text


def test_issue16_waits_grow_with_failures_and_end(state: AppState, monkeypatch: pytest.MonkeyPatch) -> None:
    import api.throttle

    clock = [time.time()]
    monkeypatch.setattr(api.throttle, "time", type("Clock", (), {"time": staticmethod(lambda: clock[0])}))
    limit = state.settings.lockout_failures
    first = _concurrent_sign_ins(state, [("admin", "wrong")] * (limit + 1))
    assert _answers(first) == {(401, "bad_credentials"): limit, (429, "sign_in_throttled"): 1}
    assert [int(r.headers["retry-after"]) for r in first if r.status_code == 429] == [60]
    clock[0] += 61  # one try after the first minute…
    again = _concurrent_sign_ins(state, [("admin", "wrong"), ("admin", "wrong")])
    assert [r.status_code for r in again] in ([401, 429], [429, 401])
    waited = next(r for r in again if r.status_code == 429)
    assert int(waited.headers["retry-after"]) == 120  # … and then two minutes
    clock[0] += 121
    right = _concurrent_sign_ins(state, [("admin", state.settings.admin_password)])
    assert right[0].status_code == 200  # the right password, once the wait is over, and the count starts again
    assert _answers(_concurrent_sign_ins(state, [("admin", "wrong")])) == {(401, "bad_credentials"): 1}


def test_issue16_one_address_trying_many_names_waits(
    state: AppState, verifications: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state.settings, "sign_in_address_failures", 8)  # (each check takes a while)
    many = 8
    responses = _concurrent_sign_ins(state, [(f"name-{n}", "guess") for n in range(many + 10)], client="10.4.4.4")
    assert _answers(responses)[(429, "sign_in_throttled")] == 10
    assert verifications["verify"] == many


def test_issue16_password_checks_run_beside_not_in_the_request_threads(
    state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flood of sign-ins from many addresses: at most ``sign_in_threads`` hashes at once."""
    import threading

    running, most = [0], [0]
    lock = threading.Lock()
    real = PasswordHasher.verify

    def slow(self: PasswordHasher, stored: str | bytes, password: str | bytes) -> bool:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.05)
            return real(self, stored, password)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(PasswordHasher, "verify", slow)
    token = _api_token(TestClient(create_app(state=state)), "admin", state.settings.admin_password)
    app = create_app(state=state)

    async def run() -> tuple[list[httpx.Response], float]:
        async def attempt(n: int) -> httpx.Response:
            transport = httpx.ASGITransport(app=app, client=(f"10.7.{n}.1", 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://casefile") as http:
                return await http.post("/api/auth/token", data={"username": "admin", "password": f"w{n}"})

        flood = [asyncio.create_task(attempt(n)) for n in range(12)]
        await asyncio.sleep(0.05)
        transport = httpx.ASGITransport(app=app, client=("10.8.8.8", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://casefile") as http:
            started = time.monotonic()
            me = await http.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
            took = time.monotonic() - started
        assert me.status_code == 200
        return list(await asyncio.gather(*flood)), took

    responses, took = asyncio.run(run())
    assert most[0] <= 2  # sign_in_threads, by default
    assert {r.status_code for r in responses} <= {401, 429}
    assert took < 2.0, f"a signed-in request waited {took:.2f} s behind the sign-in flood"


# item 7: the development secret


def test_issue16_development_secret_is_served_on_loopback_only(tmp_path: Path) -> None:
    from api.startup import check_bind

    development = Settings(data_dir=tmp_path)
    for host in ("127.0.0.1", "localhost", "::1"):
        notice = check_bind(development, host)
        assert notice and "公开的开发密钥" in notice
    for host in ("0.0.0.0", "192.168.1.20", "::", "casefile.example"):
        with pytest.raises(ValueError, match="CASEFILE_SECRET_KEY"):
            check_bind(development, host)
    assert check_bind(Settings(data_dir=tmp_path, secret_key="s" * 48), "0.0.0.0") is None


def test_issue16_serve_refuses_the_development_secret_beyond_loopback(tmp_path: Path) -> None:
    try:
        result = subprocess.run(
            [sys.executable, "-m", "api.cli", "--data-dir", str(tmp_path / "data"), "serve",
             "--host", "0.0.0.0", "--port", str(free_port()), "--no-worker"],
            cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("casefile serve started on 0.0.0.0 with the published development secret")
    assert result.returncode == 2
    assert "CASEFILE_SECRET_KEY" in result.stderr and "127.0.0.1" in result.stderr


# the probes against a live `casefile serve`


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = start_serve(tmp_path / "data", port, clean_env(CASEFILE_LOAD_DEMO="false"), "--no-worker", log=sink)
        try:
            yield f"http://127.0.0.1:{port}", log
        finally:
            stop(server)


@pytest.mark.integration
def test_issue16_live_server_counts_concurrent_wrong_passwords(live: tuple[str, Path]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    base, log = live
    assert "公开的开发密钥" in log.read_text(encoding="utf-8")  # said at start-up

    def attempt(n: int) -> Any:
        response = httpx.post(f"{base}/api/auth/token", data={"username": "admin", "password": f"w{n}"}, timeout=60)
        return response.status_code, response.json()["code"]

    with ThreadPoolExecutor(20) as pool:
        answers = Counter(pool.map(attempt, range(20)))
    assert answers == {(401, "bad_credentials"): 5, (429, "sign_in_throttled"): 15}
    token = httpx.post(f"{base}/api/auth/login", data={"username": "admin", "password": "casefile-demo"})
    assert token.status_code == 429  # this address must wait for the name admin now


@pytest.mark.integration
@pytest.mark.postgres
def test_issue16_sessions_and_counting_on_postgres(tmp_path: Path, verifications: Counter[str]) -> None:
    from api.state import build_state
    from tests.support.services import fresh_postgres

    with fresh_postgres() as url:
        state = build_state(Settings(data_dir=tmp_path / "data", database_url=url, load_demo=False), eager_jobs=True)
        try:
            responses = _concurrent_sign_ins(state, [("admin", f"wrong-{n}") for n in range(20)])
            limit = state.settings.lockout_failures
            assert _answers(responses) == {(401, "bad_credentials"): limit, (429, "sign_in_throttled"): 20 - limit}
            assert verifications["verify"] == limit
            with TestClient(create_app(state=state)) as client:
                bearer = {"Authorization": f"Bearer {_api_token(client, 'admin', state.settings.admin_password)}"}
                assert client.get("/api/auth/me", headers=bearer).json()["username"] == "admin"
                assert client.post("/api/auth/logout", headers=bearer).status_code == 200
                assert client.get("/api/auth/me", headers=bearer).status_code == 401
        finally:
            state.ctx.db.dispose()
