"""The null engine: recognises nothing. For tests and for text-only deployments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.ocr.base import EngineSpec, OcrBox

if TYPE_CHECKING:
    from PIL import Image


class NullEngine:
    """Returns no text for any image (so image pages read as empty, never as an error)."""

    name = "null"
    upright_only = False  # it reads nothing, turned or not: no page needs turning for it

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Return ``[]`` whatever the image."""
        return []


def build(threads: int = 1) -> NullEngine:
    """Build the engine for the registry (``threads`` has no effect on it)."""
    return NullEngine()


def unavailable_reason() -> str | None:
    """Return ``None``: the null engine is always usable."""
    return None


ENGINES = (EngineSpec("null", build, unavailable_reason, ""),)
