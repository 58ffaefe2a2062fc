"""Property-based requests generated from the OpenAPI schema: no input may cause a 5xx."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.app import create_app
from api.state import build_state
from core.settings import Settings

_DATA = Path(tempfile.mkdtemp(prefix="casefile-schemathesis-"))
_SETTINGS = Settings(data_dir=_DATA / "data", load_demo=False, ocr_engine="null")
APP = create_app(state=build_state(_SETTINGS, eager_jobs=True))
with TestClient(APP) as _client:
    _TOKEN = _client.post(
        "/api/auth/token", data={"username": "admin", "password": _SETTINGS.admin_password}
    ).json()["access_token"]
    _client.post("/api/cases", json={"case_number": "（2026）模糊测试1号"},
                 headers={"Authorization": f"Bearer {_TOKEN}"})

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    # the login routes are exercised too, but with the admin's token on everything else
    response = case.call(headers={"Authorization": f"Bearer {_TOKEN}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
