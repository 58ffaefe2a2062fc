"""Registry of OCR engines: built lazily, once per process, declining with an install hint.

An engine is registered as a factory plus a cheap ``unavailable_reason()`` check, the same way
for built-in engines and ones added later (``register_engine``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.errors import OCR_ENGINE_UNAVAILABLE, CasefileError
from ingest.ocr import null, paddleocr, ppocr, tesseract
from ingest.ocr.base import EngineStatus, OcrEngine

DEFAULT_ENGINE = "ppocr"


@dataclass(frozen=True)
class EngineEntry:
    """How to check and build one engine."""

    name: str
    build: Callable[[int], OcrEngine]
    unavailable_reason: Callable[[], str | None]
    install_hint: str


_ENTRIES: dict[str, EngineEntry] = {}
_BUILT: dict[tuple[str, int], OcrEngine] = {}


def register_engine(entry: EngineEntry) -> None:
    """Add (or replace) an engine; replacing drops any instance already built under that name."""
    _ENTRIES[entry.name] = entry
    for key in [k for k in _BUILT if k[0] == entry.name]:
        del _BUILT[key]


def unregister_engine(name: str) -> None:
    """Remove an engine and any instance built from it (plugins unloading; tests)."""
    _ENTRIES.pop(name, None)
    for key in [k for k in _BUILT if k[0] == name]:
        del _BUILT[key]


def engine_names() -> list[str]:
    """Return the registered engine names, default first."""
    return sorted(_ENTRIES, key=lambda n: (n != DEFAULT_ENGINE, n))


def get_engine(name: str = DEFAULT_ENGINE, *, threads: int = 1) -> OcrEngine:
    """Return engine ``name`` with ``threads`` intra-op threads, built on first use, then reused.

    Raises ``CasefileError(OCR_ENGINE_UNAVAILABLE)`` for an unknown engine or one that cannot run
    here; the hint names the install command.
    """
    entry = _ENTRIES.get(name)
    if entry is None:
        raise CasefileError(
            OCR_ENGINE_UNAVAILABLE,
            f"unknown OCR engine {name!r}",
            hint=f"可用的识别引擎：{', '.join(engine_names())}。",
        )
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


def engine_status() -> list[EngineStatus]:
    """Availability of every registered engine, for start-up checks (builds nothing)."""
    result = []
    for name in engine_names():
        entry = _ENTRIES[name]
        reason = entry.unavailable_reason()
        result.append(EngineStatus(name, reason is None, reason or ""))
    return result


def reset_engines() -> None:
    """Forget built engines (tests only; the next ``get_engine`` builds afresh)."""
    _BUILT.clear()


register_engine(EngineEntry("ppocr", ppocr.build, ppocr.unavailable_reason, ppocr.INSTALL_HINT))
register_engine(
    EngineEntry(
        "ppocr-small", ppocr.build_small, ppocr.small_unavailable_reason, ppocr.INSTALL_HINT
    )
)
register_engine(EngineEntry("null", null.build, null.unavailable_reason, ""))
register_engine(
    EngineEntry("tesseract", tesseract.build, tesseract.unavailable_reason, tesseract.INSTALL_HINT)
)
register_engine(
    EngineEntry("paddleocr", paddleocr.build, paddleocr.unavailable_reason, paddleocr.INSTALL_HINT)
)
