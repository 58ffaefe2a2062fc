"""Registry of OCR engines: found by name, built lazily once per process, declining with a hint.

An engine is one module in ``ingest/ocr/`` that declares ``ENGINES = (EngineSpec(...),)``
(``ingest.ocr.base.EngineSpec``: name, build, a cheap ``unavailable_reason()``, install hint); the
registry finds it by importing the package's modules (``core.plugins``). ``register_engine`` adds
one without a module (tests).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import OCR_ENGINE_UNAVAILABLE, CasefileError
from core.plugins import PluginRegistry
from ingest.ocr.base import EngineSpec, EngineStatus, OcrBox, OcrEngine

if TYPE_CHECKING:
    from PIL import Image

DEFAULT_ENGINE = "ppocr"
SETTING = "CASEFILE_OCR_ENGINE"

EngineEntry = EngineSpec  # the name engines were registered under before they declared themselves

ENGINE_REGISTRY: PluginRegistry[EngineSpec] = PluginRegistry("ingest.ocr", "ENGINES")
_BUILT: dict[tuple[str, int], OcrEngine] = {}


def _forget_built(name: str) -> None:
    for key in [k for k in _BUILT if k[0] == name]:
        del _BUILT[key]


def register_engine(entry: EngineSpec) -> None:
    """Add (or replace) an engine; replacing drops any instance already built under that name."""
    ENGINE_REGISTRY.register(entry)
    _forget_built(entry.name)


def unregister_engine(name: str) -> None:
    """Remove an engine and any instance built from it (plugins unloading; tests)."""
    ENGINE_REGISTRY.unregister(name)
    _forget_built(name)


def engine_names() -> list[str]:
    """Return the known engine names, default first."""
    return sorted(ENGINE_REGISTRY.names(), key=lambda n: (n != DEFAULT_ENGINE, n))


def unknown_engine(name: str) -> CasefileError:
    """The error for an engine name no module declares, listing the known ones."""
    return CasefileError(
        OCR_ENGINE_UNAVAILABLE,
        f"unknown OCR engine {name!r}",
        message=f"没有名为 {name!r} 的文字识别引擎。",
        hint=f"请将 {SETTING} 设置为可用的识别引擎之一：{', '.join(engine_names())}。",
    )


def check_engine_name(name: str) -> None:
    """Raise ``unknown_engine(name)`` unless an engine is called ``name`` (builds nothing)."""
    if ENGINE_REGISTRY.get(name) is None:
        raise unknown_engine(name)


def get_engine(name: str = DEFAULT_ENGINE, *, threads: int = 1) -> OcrEngine:
    """Return engine ``name`` with ``threads`` intra-op threads, built on first use, then reused.

    Raises ``CasefileError(OCR_ENGINE_UNAVAILABLE)`` for an unknown engine or one that cannot run
    here; the hint names the known engines or the install command.
    """
    entry = ENGINE_REGISTRY.get(name)
    if entry is None:
        raise unknown_engine(name)
    key = (name, threads)
    engine = _BUILT.get(key)
    if engine is None:
        reason = entry.unavailable_reason()
        if reason:
            raise CasefileError(
                OCR_ENGINE_UNAVAILABLE, f"{name}: {reason}", hint=f"请安装：{entry.install_hint}"
            )
        engine = entry.build(threads)
        _BUILT[key] = engine
    return engine


class LazyEngine:
    """Engine ``name`` as ``get_engine`` gives it, built only when a page needs OCR.

    Readers are handed an engine for every page (``DocumentReader.read_page``), but a page with a
    usable text layer never calls it: a process reading digital pages this way loads no model
    (~1.4 CPU-s and ~450 MB a process for ppocr). The name is known without building; an unknown
    name is refused at once.
    """

    def __init__(self, name: str = DEFAULT_ENGINE, *, threads: int = 1) -> None:
        check_engine_name(name)
        self._name = name
        self._threads = threads
        self._built: OcrEngine | None = None

    def _engine(self) -> OcrEngine:
        if self._built is None:
            self._built = get_engine(self._name, threads=self._threads)
        return self._built

    @property
    def name(self) -> str:
        """The built engine's name, or the name it was asked for under until it is built."""
        return self._name if self._built is None else self._built.name

    @property
    def upright_only(self) -> bool:
        """The engine's ``upright_only`` (building it)."""
        return self._engine().upright_only

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """The engine's ``recognize`` (building it on the first call)."""
        return self._engine().recognize(image)


def engine_status() -> list[EngineStatus]:
    """Availability of every known engine, for start-up checks (builds nothing)."""
    specs = ENGINE_REGISTRY.specs()
    result = []
    for name in engine_names():
        reason = specs[name].unavailable_reason()
        result.append(EngineStatus(name, reason is None, reason or ""))
    return result


def reset_engines() -> None:
    """Forget built engines (tests only; the next ``get_engine`` builds afresh)."""
    _BUILT.clear()
