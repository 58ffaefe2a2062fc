"""Shared fixtures: isolated settings and data folders, the app with inline jobs, test clients."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.state import AppState, build_state
from core.settings import Settings
from tests.support.server import bearer

__all__ = ["bearer"]  # tests import it from here

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
IN_CI = os.environ.get("CI") == "true"


def shared_data(name: str) -> Path:
    """A file of ../shared/data; missing data fails in CI and skips (with the reason) elsewhere."""
    path = SHARED_DATA / name
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing: CI must run beside ../shared")
        pytest.skip(f"{path} is missing (tests read ../shared/data where it lies)")
    return path


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own CASEFILE_* settings must not leak into the tests.
    for key in list(os.environ):
        if key.startswith("CASEFILE_") and key != "CASEFILE_ES_URL":
            monkeypatch.delenv(key)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", load_demo=False)


@pytest.fixture
def state(settings: Settings) -> Iterator[AppState]:
    state = build_state(settings, eager_jobs=True)
    yield state
    state.ctx.db.dispose()


@pytest.fixture
def anonymous(state: AppState) -> Iterator[TestClient]:
    with TestClient(create_app(state=state)) as client:
        yield client


@pytest.fixture
def client(state: AppState, anonymous: TestClient) -> TestClient:
    """A client signed in as the first administrator (of the default agency)."""
    anonymous.headers.update(bearer(anonymous, "admin", state.settings.admin_password))
    return anonymous
