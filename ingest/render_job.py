"""A limited process that renders for the API: page images and searchable PDFs (issue #16).

``python -m ingest.render_job`` reads one job as JSON on stdin, caps its own address space and
asks to die with its parent before it imports a renderer, writes its output into the page-image
cache (``ingest.page_images``) and exits. The API never renders itself: a hostile page (a 1 GB
content stream, six 64-megapixel frames) then costs this process, under the same memory and
pixel limits as a worker reading the page, and PDFium, which is not thread-safe, never runs in a
threaded server. Jobs:

- ``{"job": "page", "numbers": [...], "prefetch": [...], ...}``: the PNG of each page not
  cached yet; then, as far as the limits allow, those of ``prefetch``.
- ``{"job": "searchable", "pages": [...], "outline": [[title, page], ...], ...}``: the page
  images it needs, then the PDF, with a bookmark per (title, page) of ``outline`` (optional).

Common fields: ``original``, ``media_type``, ``sha256``, ``pages_dir``, ``dpi``, ``max_pages``,
``max_pixels``, ``memory_mb``. Exit status 0: done. Otherwise stdout holds one JSON object
``{"code", "detail"}``: a ``CasefileError``'s code, or ``render_limit_exceeded`` when the job ran
out of its memory (``EXIT_LIMIT``).
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.lifetime import die_with_parent_from_environment, limit_address_space

if TYPE_CHECKING:
    from PIL import Image

    from ingest.reading.base import DocumentReader
    from ingest.reading.types import PageContent

EXIT_ERROR = 2  # a CasefileError: the file itself is the problem (damaged, too large)
EXIT_LIMIT = 3  # ran out of the memory it may use


def _open(job: dict[str, Any]) -> DocumentReader:
    from ingest.reading.documents import open_document

    return open_document(
        Path(job["original"]), job["media_type"],
        dpi=int(job["dpi"]), max_pages=int(job["max_pages"]), max_pixels=int(job["max_pixels"]),
    )


def render_pages(job: dict[str, Any], numbers: Sequence[int], prefetch: Sequence[int] = ()) -> None:
    """Write the cached PNG of each of ``numbers`` not there yet, then of ``prefetch``.

    ``prefetch``: pages a viewer is likely to ask for next (a child costs ~0.5 s to start),
    rendered while the limits allow; the first failure among them ends the job quietly, since
    nobody asked for them yet.
    """
    from core.errors import CasefileError
    from ingest.page_images import page_image_file, save_page_image

    pages_dir = Path(job["pages_dir"])

    def missing(wanted: Sequence[int]) -> list[int]:
        return [n for n in wanted if not page_image_file(pages_dir, job["sha256"], n).exists()]

    needed, extra = missing(numbers), missing(prefetch)
    if not needed and not extra:
        return
    with _open(job) as reader:
        for number in needed:
            image = reader.page_image(number)
            save_page_image(image, page_image_file(pages_dir, job["sha256"], number))
            del image  # one page's pixels at a time
        for number in extra:
            try:
                image = reader.page_image(number)
                save_page_image(image, page_image_file(pages_dir, job["sha256"], number))
                del image
            except (CasefileError, MemoryError):
                return  # asked for, it will be rendered alone and report its own error


def _page_content(stored: dict[str, Any]) -> PageContent:
    from ingest.reading.types import Line, PageContent

    return PageContent(
        number=int(stored["number"]), width=int(stored.get("width") or 0),
        height=int(stored.get("height") or 0), source=stored.get("source") or "ocr",
        text=stored.get("text") or "", lines=[Line(**line) for line in stored.get("lines") or []],
    )


def build_searchable(job: dict[str, Any]) -> None:
    """Write the searchable PDF: a PDF's own pages with the text grafted on, else from page images.

    An uploaded PDF is not rendered for it: its pages are kept as they are, scans included
    (``ingest.searchable_pdf.graft_text_layer``), unless qpdf cannot open a file PDFium read.
    Images (TIFF, JPEG, PNG), and such a PDF, are drawn from the cached page PNGs, rendering
    those not cached yet.
    """
    from core.errors import PDF_DAMAGED, CasefileError
    from ingest.page_images import searchable_pdf_file, write_atomically
    from ingest.reading import sniff
    from ingest.searchable_pdf import graft_text_layer

    pages = [_page_content(p) for p in job["pages"]]
    outline = [(str(title), int(page)) for title, page in job.get("outline") or []]
    path = searchable_pdf_file(Path(job["pages_dir"]), job["sha256"], outline)
    if job["media_type"] == sniff.PDF:
        try:
            write_atomically(path, lambda tmp: graft_text_layer(Path(job["original"]), pages, tmp, outline=outline))
            return
        except CasefileError as error:
            if error.code != PDF_DAMAGED.code:
                raise
            # qpdf could not open a file that PDFium read: draw it from its rendered pages
    pdf = _from_page_images(job, pages, outline)
    write_atomically(path, lambda tmp: tmp.write_bytes(pdf))


def _from_page_images(job: dict[str, Any], pages: Sequence[PageContent], outline: Sequence[tuple[str, int]]) -> bytes:
    """The searchable PDF drawn from the cached page images (rendered first where missing).

    A one-page JPEG upload whose size is that of the page as read is drawn from its own bytes
    (``ingest.searchable_pdf.jpeg_scan``), nothing rendered.
    """
    from ingest.page_images import page_image_file
    from ingest.reading import sniff
    from ingest.searchable_pdf import jpeg_scan, make_searchable_pdf

    dpi = int(job["dpi"])
    if job["media_type"] == sniff.JPEG and len(pages) == 1:
        scan = jpeg_scan(Path(job["original"]))
        if scan is not None and (scan.width, scan.height) == (pages[0].width, pages[0].height):
            return make_searchable_pdf([scan], pages, dpi=dpi, outline=outline)
    render_pages(job, [p.number for p in pages])
    pages_dir = Path(job["pages_dir"])

    def images() -> Iterator[Image.Image]:
        from PIL import Image

        # one image in memory at a time: the PDF holds each compressed once drawn
        for page in pages:
            with Image.open(page_image_file(pages_dir, job["sha256"], page.number)) as image:
                image.load()
                yield image

    return make_searchable_pdf(images(), pages, dpi=dpi, outline=outline)


def run(job: dict[str, Any]) -> None:
    """Do ``job`` (already inside the limits)."""
    if job["job"] == "page":
        render_pages(job, [int(n) for n in job["numbers"]], [int(n) for n in job.get("prefetch", [])])
    elif job["job"] == "searchable":
        build_searchable(job)
    else:
        raise ValueError(f"unknown render job {job['job']!r}")


def main() -> int:
    """Read the job, set the limits, run it; report a failure as one JSON line on stdout."""
    die_with_parent_from_environment(signal.SIGKILL)
    job = json.loads(sys.stdin.read())
    limit_address_space(int(job["memory_mb"]))
    from core.errors import CasefileError

    try:
        run(job)
    except CasefileError as error:
        print(json.dumps({"code": error.code, "detail": error.detail}, ensure_ascii=False))
        return EXIT_ERROR
    except MemoryError:
        print(json.dumps({"code": "render_limit_exceeded", "detail": f"over {job['memory_mb']} MB"}))
        return EXIT_LIMIT
    return 0


if __name__ == "__main__":
    sys.exit(main())
