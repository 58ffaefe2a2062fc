"""Search backends by name: one module each in ``search/backends/``, found on first use.

A backend module declares ``BACKENDS = (BackendSpec(name, options, open),)`` (``search.base``); the
registry finds it by importing the package's modules (``core.plugins``), so a new backend is one
new module. Its options are its own settings class, read from its own environment prefix
(``CASEFILE_ES_URL``...) and overridable by keyword. An unknown name raises
``CasefileError(SEARCH_BACKEND_UNKNOWN)`` listing the known ones; options a backend refuses raise
``SEARCH_MISCONFIGURED``. An index built with an older schema is refused
(``search.base.outdated_index``) unless opened ``for_rebuild``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from core.errors import SEARCH_BACKEND_UNKNOWN, SEARCH_MISCONFIGURED, CasefileError
from core.plugins import PluginRegistry
from search.base import BackendSpec, SearchIndex

SETTING = "CASEFILE_SEARCH_BACKEND"

BACKEND_REGISTRY: PluginRegistry[BackendSpec] = PluginRegistry("search.backends", "BACKENDS")


def register_backend(spec: BackendSpec) -> None:
    """Add (or replace) a backend without a module of its own (tests)."""
    BACKEND_REGISTRY.register(spec)


def backend_names() -> list[str]:
    """Return the known backend names, sorted."""
    return BACKEND_REGISTRY.names()


def backend_spec(name: str) -> BackendSpec:
    """The spec of backend ``name``; ``SEARCH_BACKEND_UNKNOWN`` listing the known names if none."""
    spec = BACKEND_REGISTRY.get(name)
    if spec is None:
        known = ", ".join(backend_names())
        raise CasefileError(
            SEARCH_BACKEND_UNKNOWN,
            f"unknown search backend {name!r}; known: {known}",
            message=f"没有名为 {name!r} 的检索后端。",
            hint=f"请将 {SETTING} 设置为已有的检索后端之一：{known}。",
        )
    return spec


def backend_options(name: str, values: Mapping[str, Any] | None = None) -> BaseSettings:
    """Backend ``name``'s options: ``values`` over its environment variables, checked.

    Raises ``SEARCH_BACKEND_UNKNOWN`` or ``SEARCH_MISCONFIGURED`` (the hint names the variables).
    """
    spec = backend_spec(name)
    try:
        return spec.options(**dict(values or {}))
    except ValidationError as error:
        prefix = str(spec.options.model_config.get("env_prefix", ""))
        wrong = ", ".join(
            f"{prefix}{str(e['loc'][0]).upper()}" if e["loc"] else prefix for e in error.errors()
        )
        raise CasefileError(
            SEARCH_MISCONFIGURED, f"{name}: {error}",
            hint=f"检索后端 {name} 的设置缺失或有误：{wrong}；请修正后重新启动。",
        ) from error


def open_index(
    backend: str,
    *,
    index_dir: Path | None = None,
    options: BaseSettings | Mapping[str, Any] | None = None,
    for_rebuild: bool = False,
) -> SearchIndex:
    """Open (creating if needed) the index of ``backend``.

    ``options``: the backend's options as read by ``backend_options`` (a context carries them), or
    values over its environment variables. ``for_rebuild``: an index of an older schema is accepted
    instead of refused; only its ``rebuild`` works until that has run (``casefile reindex``).
    """
    spec = backend_spec(backend)
    if isinstance(options, BaseSettings) and not isinstance(options, spec.options):
        raise TypeError(f"{type(options).__name__} are not the options of backend {backend!r}")
    if not isinstance(options, BaseSettings):
        options = backend_options(backend, options)
    return spec.open(index_dir, options, for_rebuild)
