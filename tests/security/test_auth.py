"""Identity: tokens, sign-in waits, web sessions with CSRF, production refuses placeholder secrets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.sessions import API, TokenClaims, issue_token, read_token
from api.state import AppState
from core.errors import CasefileError
from core.settings import DEMO_POLICE_AGENCY, FALLBACK_AGENCY, Settings
from tests.conftest import bearer


def test_every_api_route_needs_a_signed_in_user(anonymous: TestClient) -> None:
    for path in ("/api/cases", "/api/search?q=张三", "/api/documents/1", "/api/admin/users"):
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"
    assert anonymous.get("/healthz").status_code == 200


def test_token_round_trip_and_tampering() -> None:
    claims = TokenClaims(user_id=7, session_id="s1", kind=API)
    soon = datetime.now(UTC) + timedelta(minutes=5)
    token = issue_token("k" * 40, claims, soon)
    assert read_token("k" * 40, token) == claims
    with pytest.raises(CasefileError) as wrong_key:
        read_token("x" * 40, token)
    assert wrong_key.value.code == "not_authenticated"
    header, payload, signature = token.split(".")
    forged = ".".join((header, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"), signature))
    with pytest.raises(CasefileError):
        read_token("k" * 40, forged)
    with pytest.raises(CasefileError) as unsigned:  # "alg": "none" is never accepted
        read_token("k" * 40, jwt.encode({"sub": "7", "sid": "s1", "knd": API, "exp": soon}, None, algorithm="none"))
    assert unsigned.value.code == "not_authenticated"
    with pytest.raises(CasefileError) as expired:
        read_token("k" * 40, issue_token("k" * 40, claims, datetime.now(UTC) - timedelta(minutes=1)))
    assert expired.value.code == "session_expired"


def test_wrong_passwords_then_a_wait(anonymous: TestClient, state: AppState) -> None:
    bad = {"username": "admin", "password": "not-the-password"}
    for _ in range(state.settings.lockout_failures):
        response = anonymous.post("/api/auth/token", data=bad)
        assert response.status_code == 401
        assert response.json()["message"] == "用户名或密码不正确。"
    waiting = anonymous.post(
        "/api/auth/token", data={"username": "admin", "password": state.settings.admin_password}
    )
    assert waiting.status_code == 429 and waiting.json()["code"] == "sign_in_throttled"
    assert int(waiting.headers["retry-after"]) > 0
    # an unknown user gets the same answer as a wrong password: no user enumeration
    unknown = anonymous.post("/api/auth/token", data={"username": "nobody", "password": "x"})
    assert unknown.status_code == 401 and unknown.json()["code"] == "bad_credentials"


def test_cookie_session_needs_csrf_header_for_changes(anonymous: TestClient, state: AppState) -> None:
    login = anonymous.post(
        "/api/auth/login", data={"username": "admin", "password": state.settings.admin_password}
    )
    assert login.status_code == 200 and login.json()["role"] == "admin"
    assert anonymous.get("/api/cases").status_code == 200  # reading with the cookie alone
    refused = anonymous.post("/api/cases", json={"case_number": "（2026）测1号"})
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    csrf = anonymous.cookies.get("casefile_csrf")
    assert csrf
    accepted = anonymous.post(
        "/api/cases", json={"case_number": "（2026）测1号"}, headers={"X-CSRF-Token": csrf}
    )
    assert accepted.status_code == 201
    forged = anonymous.post(
        "/api/cases", json={"case_number": "（2026）测2号"}, headers={"X-CSRF-Token": "guess"}
    )
    assert forged.status_code == 403


def test_role_without_the_action_gets_403(client: TestClient, anonymous: TestClient) -> None:
    created = client.post("/api/admin/users", json={
        "username": "judge1", "password": "a-long-password", "role": "judge",  # of the admin's agency
    })
    assert created.status_code == 201, created.text
    judge = bearer(anonymous, "judge1", "a-long-password")
    response = anonymous.post("/api/cases", json={"case_number": "（2026）测3号"}, headers=judge)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert anonymous.get("/api/admin/users", headers=judge).status_code == 403


@pytest.mark.parametrize(
    ("kwargs", "complaint"),
    [
        ({}, "CASEFILE_SECRET_KEY"),
        ({"secret_key": "s" * 48}, "CASEFILE_ADMIN_PASSWORD"),
        ({"secret_key": "short", "admin_password": "a-strong-password-1"}, "CASEFILE_SECRET_KEY"),
    ],
)
def test_production_refuses_placeholders(kwargs: dict[str, str], complaint: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(environment="production", **kwargs)
    assert complaint in str(caught.value)
    Settings(environment="production", secret_key="s" * 48, admin_password="a-strong-password-1")


def test_the_default_agency_names_an_agency_a_receiver_can_recognise() -> None:
    # issue 18: the receiver saw the sender as "本机构"; the demo's agency has a real-looking name
    assert Settings(environment="development").default_agency == DEMO_POLICE_AGENCY
    production = Settings(environment="production", secret_key="s" * 48,
                          admin_password="a-strong-password-1")
    assert production.default_agency == FALLBACK_AGENCY  # the start-up warns about it
    assert Settings(default_agency="  ").default_agency == DEMO_POLICE_AGENCY
    assert Settings(default_agency="某县公安局").default_agency == "某县公安局"
