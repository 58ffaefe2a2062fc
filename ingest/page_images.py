"""Page images for the viewer: rendered from the original once, then served from a cache."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ingest.context import PipelineContext
from ingest.reading.documents import open_document
from models.tables import Document


def page_image_path(ctx: PipelineContext, document: Document, number: int) -> Path:
    """Path of the PNG of page ``number`` (the image that line boxes refer to)."""
    cache = ctx.pages_dir / str(document.id) / f"{number}.png"
    if cache.exists():
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    with open_document(
        ctx.store.path_for(document.sha256), document.media_type,
        dpi=ctx.dpi, max_pages=ctx.max_pages, max_pixels=ctx.max_pixels,
    ) as reader:
        image = reader.page_image(number)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".png")
    os.close(fd)
    image.save(tmp, format="PNG")
    os.replace(tmp, cache)
    return cache
