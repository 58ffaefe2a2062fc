"""OCR engines behind one Protocol, chosen by name through the registry.

Each engine is one module here declaring ``ENGINES`` (``ingest.ocr.registry`` finds them). This
face re-exports the registry; modules of the package import from their siblings, never from it.
"""

from ingest.ocr.base import EngineSpec, EngineStatus, OcrBox, OcrEngine
from ingest.ocr.registry import engine_status, get_engine, register_engine, reset_engines

__all__ = [
    "EngineSpec",
    "EngineStatus",
    "OcrBox",
    "OcrEngine",
    "engine_status",
    "get_engine",
    "register_engine",
    "reset_engines",
]
