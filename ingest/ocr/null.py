"""The null engine: recognises nothing. For tests and for text-only deployments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ingest.ocr.base import OcrBox

if TYPE_CHECKING:
    from PIL import Image


class NullEngine:
    """Returns no text for any image (so image pages read as empty, never as an error)."""

    name = "null"

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Always ``[]``."""
        return []


def build(threads: int = 1) -> NullEngine:
    """Factory for the registry (``threads`` has no effect on this engine)."""
    return NullEngine()


def unavailable_reason() -> str | None:
    """Always usable."""
    return None
