"""The FastAPI application: API routes, web pages and error handlers."""

from __future__ import annotations

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import cases, documents, health, search, web
from api.state import AppState, build_state
from core.settings import Settings


def create_app(settings: Settings | None = None, *, state: AppState | None = None) -> FastAPI:
    """Build the app for ``settings`` (migrating the database), or around a prepared ``state``."""
    state = state or build_state(settings or Settings())
    app = FastAPI(title="casefile 电子卷宗", version="0.1.0")
    app.state.casefile = state
    install_error_handlers(app)
    for module in (health, cases, documents, search, web):
        app.include_router(module.router)
    return app
