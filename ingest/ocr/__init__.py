"""OCR engines behind one Protocol, chosen by name through the registry."""

from ingest.ocr.base import EngineStatus, OcrBox, OcrEngine
from ingest.ocr.registry import engine_status, get_engine, register_engine, reset_engines

__all__ = [
    "EngineStatus",
    "OcrBox",
    "OcrEngine",
    "engine_status",
    "get_engine",
    "register_engine",
    "reset_engines",
]
