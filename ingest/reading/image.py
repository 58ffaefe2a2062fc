"""Scanned images: PNG, JPEG (EXIF orientation applied) and multi-page TIFF (a page a frame).

The pixel count is checked from the header, before any pixel is decoded, so a small file that
decodes to gigabytes (a decompression bomb) is refused instead of exhausting the worker.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import IMAGE_DAMAGED, IMAGE_TOO_LARGE, TOO_MANY_PAGES, CasefileError
from ingest.reading.base import ReaderBase, ReaderSpec
from ingest.reading.sniff import JPEG, PNG, TIFF

if TYPE_CHECKING:
    from PIL import Image


# What a decoder raises on a truncated or corrupt file (Pillow uses all three).
# Pillow reports a broken header or IFD as any of these (a TIFF missing its size: TypeError).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, IndexError)


class ImageReader(ReaderBase):
    """Reads PNG, JPEG and TIFF scans; boxes are in pixels of the (upright) image."""

    def __init__(self, path: Path, *, max_pages: int, max_pixels: int) -> None:
        from PIL import Image

        self.path = path
        self.max_pixels = max_pixels
        try:
            with warnings.catch_warnings():
                # our own limit (max_pixels) is checked below; Pillow's warning would only be noise
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                self._img: Image.Image | None = Image.open(path)
                # counting frames walks every TIFF directory: a cut-off file fails here
                self.page_count = int(getattr(self._img, "n_frames", 1))
        except Image.DecompressionBombError as exc:
            raise CasefileError(IMAGE_TOO_LARGE, f"{path.name}: {exc}") from exc
        except _DECODE_ERRORS as exc:  # header unreadable (Pillow's UnidentifiedImageError too)
            raise CasefileError(IMAGE_DAMAGED, f"{path.name}: {exc}") from exc
        if self.page_count > max_pages:
            self.close()
            raise CasefileError(TOO_MANY_PAGES, f"{path.name}: {self.page_count} > {max_pages}")

    def close(self) -> None:
        """Close the image file."""
        if self._img is not None:
            self._img.close()
            self._img = None

    def page_image(self, number: int) -> Image.Image:
        """Frame ``number`` decoded, EXIF orientation applied, as RGB or L."""
        from PIL import Image, ImageOps

        index = self._check_number(number)
        img = self._img
        assert img is not None, "reader is closed"
        try:
            img.seek(index)
        except _DECODE_ERRORS as exc:
            raise CasefileError(IMAGE_DAMAGED, f"{self.path.name} frame {number}: {exc}") from exc
        w, h = img.size
        if w * h > self.max_pixels:
            raise CasefileError(IMAGE_TOO_LARGE, f"{self.path.name} frame {number}: {w}x{h} px")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                img.load()
                frame = ImageOps.exif_transpose(img)
        except Image.DecompressionBombError as exc:
            raise CasefileError(IMAGE_TOO_LARGE, f"{self.path.name}: {exc}") from exc
        except _DECODE_ERRORS as exc:
            raise CasefileError(IMAGE_DAMAGED, f"{self.path.name} frame {number}: {exc}") from exc
        if frame.mode not in ("RGB", "L"):
            frame = frame.convert("RGB")
        return frame


READERS = (
    ReaderSpec(
        "image", (PNG, JPEG, TIFF),
        lambda p, dpi, pages, px: ImageReader(p, max_pages=pages, max_pixels=px),
    ),
)
