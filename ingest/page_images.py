"""The page-image cache: the PNG each page's line boxes refer to, and the searchable PDF.

Both are derived from the original and kept under ``pages_dir/<sha256>/``: by content, as the
originals are, so a document deleted and a later one given the same database id can never be
shown each other's pages. They are written by the render child (``ingest.render_job``) when a
viewer first asks (the worker does not keep the image it read: docs/ARCHITECTURE.md, issue #20
step 5); the API only serves them (issue #16).
Every file is written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image


def document_cache_dir(pages_dir: Path, sha256: str) -> Path:
    """The folder of one original's derived files."""
    return pages_dir / sha256


def page_image_file(pages_dir: Path, sha256: str, number: int) -> Path:
    """Where the PNG of page ``number`` is (or will be) kept."""
    return document_cache_dir(pages_dir, sha256) / f"{number}.png"


def searchable_pdf_file(pages_dir: Path, sha256: str, outline: Sequence[Sequence[Any]] = ()) -> Path:
    """Where the searchable PDF of a scanned document is (or will be) kept.

    With bookmarks (``outline``: (title, page) pairs), the name carries a digest of them: a
    clerk's correction of the catalogue gives a new file, never the old bookmarks.
    """
    if not outline:
        return document_cache_dir(pages_dir, sha256) / "searchable.pdf"
    listed = json.dumps([[str(title), int(page)] for title, page in outline], ensure_ascii=False)
    digest = hashlib.sha256(listed.encode()).hexdigest()[:16]
    return document_cache_dir(pages_dir, sha256) / f"searchable-{digest}.pdf"


def write_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_page_image(image: Image.Image, path: Path) -> Path:
    """Store ``image`` as the cached PNG at ``path`` (fast compression: it is a cache)."""
    return write_atomically(path, lambda tmp: image.save(tmp, format="PNG", compress_level=1))
