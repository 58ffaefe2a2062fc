"""Searchable PDF: each page is the original scan with an invisible text layer over its lines.

Two ways to build it, one result for a reader:

- ``graft_text_layer(original, pages, destination, *, outline=())`` for an uploaded PDF: the original's pages
  as they are (their images are copied byte for byte, never decoded or re-encoded), each page
  read by OCR given a Form XObject of invisible text, as OCRmyPDF grafts its text layer (with
  pikepdf). A page with a text layer of its own keeps it and gets none: a second copy would
  double every search hit and every copied line. The other way took 238 s and 556 MB for a
  300-page scanned volume of 170 MB (every page rendered at 200 DPI and stored again); this one
  2-3 s and 171 MB (docs/BENCHMARKS.md).
- ``make_searchable_pdf(page_images, pages, *, dpi, outline=())`` for an image upload (TIFF,
  JPEG, PNG): ``page_images`` yields, in order, the image the boxes of each of ``pages`` refer
  to (an iterator that opens one at a time keeps one page's pixels in memory, not the
  document's); each is drawn full page under its text. A ``JpegScan`` (``jpeg_scan(path)``)
  instead of an image puts the uploaded JPEG's own bytes on the page, turned as its EXIF
  orientation says: a phone's photo stays its 2-4 MB instead of five times that redrawn.

``PageContent.bbox`` is in the pixels of the page as read (origin top-left). The text is drawn in
render mode 3 (invisible), as OCRmyPDF does, with a CJK TrueType font embedded as a subset (with
its ToUnicode map, so copying yields the characters), each line's font size set to its box's
thickness and its horizontal scaling to its box's length, so that a viewer's selection covers the
words on the scan. A line runs the way its text runs on the scan (``Line.angle``): up, down or
upside down on a page scanned turned. Such a page is shown upright: its /Rotate turns it by the
angle most of its text runs at, as OCRmyPDF's --rotate-pages does. The scan itself is stored as it
came; only the display turns. Readers also take the order of the lines from the upright page:
without /Rotate, pdfminer read every turned page's lines in the wrong order, and pdfium a page
turned by 270°, so a phrase that wrapped from one line to the next was not found by a viewer's
search.
``outline`` gives the PDF its bookmarks: one (title, page number) per document the file holds
(issue #17, the 卷内目录), in order, each opening the page of ``pages`` with that ``number``;
the viewer opens with the bookmarks shown.

Raises ``CasefileError(FONT_MISSING)`` when no CJK font is installed (the hint names the package)
and ``ValueError`` when the images and pages do not pair up, a line's angle is not a multiple
of 90 degrees or a bookmark points at a page not among ``pages``; ``graft_text_layer`` raises
``CasefileError(PDF_DAMAGED)`` when the original cannot be opened as a PDF.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from core.errors import FONT_MISSING, PDF_DAMAGED, CasefileError

if TYPE_CHECKING:
    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    from ingest.reading.types import Line, PageContent

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
_FONT_NAME = "CasefileOcrLayer"


@dataclass(frozen=True)
class JpegScan:
    """A JPEG file to draw as it is: its size as shown and the clockwise turn that shows it."""

    path: Path
    width: int  # pixels, as shown (after the turn)
    height: int
    turn: int  # 0, 90, 180 or 270: how far clockwise the stored pixels are turned to be shown


# EXIF orientation -> clockwise turn; the mirrored ones (2, 4, 5, 7) are not drawn as they are
_EXIF_TURNS = {1: 0, 3: 180, 6: 90, 8: 270}
_EXIF_ORIENTATION = 0x0112


def jpeg_scan(path: Path) -> JpegScan | None:
    """``path`` as a ``JpegScan``, or ``None`` when its bytes cannot be put on a page as they are.

    ``None`` for a file that is not a baseline or progressive JPEG in grey or RGB (CMYK JPEGs are
    stored inverted by some writers), or whose EXIF orientation mirrors it.
    """
    from PIL import Image

    try:
        with Image.open(path) as image:
            if image.format != "JPEG" or image.mode not in ("L", "RGB"):
                return None
            turn = _EXIF_TURNS.get(int(image.getexif().get(_EXIF_ORIENTATION, 1)))
            width, height = image.size
    except (OSError, SyntaxError, ValueError):
        return None
    if turn is None:
        return None
    return JpegScan(path, *((height, width) if turn in (90, 270) else (width, height)), turn)


def _draw_jpeg(canvas: Canvas, scan: JpegScan, page_w: float, page_h: float) -> None:
    """Put ``scan``'s own bytes on the page, turned so that it shows upright and fills it."""
    canvas.saveState()
    # the stored image's size in points: as shown, or the other way round for a quarter turn
    stored_w, stored_h = (page_h, page_w) if scan.turn in (90, 270) else (page_w, page_h)
    origin, angle = {0: ((0.0, 0.0), 0), 90: ((0.0, page_h), -90), 180: ((page_w, page_h), 180),
                     270: ((page_w, 0.0), 90)}[scan.turn]
    canvas.translate(*origin)
    canvas.rotate(angle)  # counter-clockwise in PDF terms
    canvas.drawImage(str(scan.path), 0, 0, width=stored_w, height=stored_h)
    canvas.restoreState()


def _register_font(candidates: Sequence[Path]) -> str:
    """Register the first existing candidate with reportlab (once per process); return its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in candidates:
        if path.is_file():
            name = f"{_FONT_NAME}-{path.stem}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            return name
    raise CasefileError(FONT_MISSING, "searchable PDF: tried " + ", ".join(map(str, candidates)))


# Per line direction (``Line.angle``): the cosine and sine of the turn, and which corner of the
# axis-aligned box (image pixels, y down: left or right, top or bottom) the text starts from on
# its baseline side.
_DIRECTIONS = {
    0: (1, 0, "x0", "y1"),  # left to right, glyphs standing on the box's bottom edge
    90: (0, 1, "x1", "y1"),  # bottom to top, glyphs standing on the right edge
    180: (-1, 0, "x1", "y0"),  # upside down, standing on the top edge
    270: (0, -1, "x0", "y0"),  # top to bottom, standing on the left edge
}


def _draw_line(canvas: Canvas, line: Line, font: str, scale: float, page_h: float) -> None:
    """Draw one line invisibly so that its glyph boxes fill ``line.bbox`` (pixels → points).

    The text runs the way ``line.angle`` says, so on a page scanned turned a viewer's selection
    follows the text on the image. Raises ``ValueError`` for an angle not a multiple of 90.
    """
    from reportlab.pdfbase.pdfmetrics import getDescent, stringWidth

    if line.angle % 360 not in _DIRECTIONS:
        raise ValueError(f"line angle must be 0, 90, 180 or 270, got {line.angle}")
    cos, sin, start_x, start_y = _DIRECTIONS[line.angle % 360]
    text = line.text.strip()
    box = dict(zip(("x0", "y0", "x1", "y1"), (v * scale for v in line.bbox), strict=True))
    width, height = box["x1"] - box["x0"], box["y1"] - box["y0"]
    length, thickness = (width, height) if cos else (height, width)
    if not text or length <= 0 or thickness <= 0:
        return  # text sources carry no box: nothing to place
    size = thickness
    natural = stringWidth(text, font, size)
    if natural <= 0:
        return
    # PDF readers place a glyph from baseline + descent to that + font size; putting the baseline
    # one descent inside the box's bottom edge (as the text stands) makes each glyph's box span
    # the line box exactly. The offset turns with the text: "up" for the glyphs is (-sin, cos).
    rise = -getDescent(font, size)
    x = box[start_x] - sin * rise
    y = page_h - box[start_y] + cos * rise
    obj = canvas.beginText()
    obj.setTextRenderMode(3)
    obj.setFont(font, size)
    obj.setHorizScale(100.0 * length / natural)
    obj.setTextTransform(cos, sin, -sin, cos, x, y)
    obj.textOut(text)
    canvas.drawText(obj)


def shown_turn(page: PageContent) -> int:
    """The /Rotate that shows ``page`` upright: the angle its lines run at (0 without lines).

    ``lay_out_page`` gives every line of a page the same angle; the most common one is taken
    all the same, for a page put together otherwise.
    """
    angles = Counter(line.angle % 360 for line in page.lines).most_common(1)
    return angles[0][0] if angles else 0


def make_searchable_pdf(
    page_images: Iterable[Image.Image | JpegScan],
    pages: Sequence[PageContent],
    *,
    dpi: int,
    outline: Sequence[tuple[str, int]] = (),
    font_paths: Sequence[Path] = FONT_CANDIDATES,
) -> bytes:
    """Build a PDF of ``page_images`` (at ``dpi``) with the lines of ``pages`` as invisible text.

    ``outline``: bookmarks, (title, page number) each, in the order they are listed.
    """
    from reportlab.pdfgen import canvas as pdfcanvas

    if dpi <= 0:
        raise ValueError(f"dpi must be positive, got {dpi}")
    starting = _bookmarked_pages(pages, outline)
    font = _register_font(font_paths)
    out = io.BytesIO()
    with _binary_streams():
        _draw_pages(pdfcanvas.Canvas(out, invariant=1), iter(page_images), pages, dpi, font, outline, starting)
    return out.getvalue()


def _bookmarked_pages(pages: Sequence[PageContent], outline: Sequence[tuple[str, int]]) -> dict[int, list[int]]:
    """Page number -> indexes of the bookmarks opening it; refuses a bookmark to a page not in ``pages``."""
    numbers = {page.number for page in pages}
    strays = [number for _, number in outline if number not in numbers]
    if strays:
        raise ValueError(f"bookmarks point at pages {strays} not among the {len(pages)} pages")
    starting: dict[int, list[int]] = {}
    for index, (_, number) in enumerate(outline):
        starting.setdefault(number, []).append(index)
    return starting


def graft_text_layer(
    original: Path,
    pages: Sequence[PageContent],
    destination: Path | BinaryIO,
    *,
    outline: Sequence[tuple[str, int]] = (),
    font_paths: Sequence[Path] = FONT_CANDIDATES,
) -> None:
    """Write to ``destination`` the pages of PDF ``original`` numbered as ``pages`` are, with their OCR lines as invisible text.

    Each line's box is in the pixels of the page as rendered (its crop box, turned by its
    /Rotate, as pdfium renders it), whatever the DPI: the scale is the page's size in points over
    ``PageContent.width``. ``outline``: bookmarks, (title, page number) each, in order. Written
    as it is made (a volume's scans are not held in memory twice).
    """
    import pikepdf

    _bookmarked_pages(pages, outline)
    font = _register_font(font_paths)
    try:
        source = pikepdf.open(original)
    except pikepdf.PdfError as error:
        raise CasefileError(PDF_DAMAGED, f"{original.name}: {error}") from error
    with source, pikepdf.new() as out:
        for page in pages:
            if not 1 <= page.number <= len(source.pages):
                raise ValueError(f"page {page.number} is not in {original.name} ({len(source.pages)} pages)")
            out.pages.append(source.pages[page.number - 1])
        shown = [_shown_size(out_page) for out_page in out.pages]
        with pikepdf.open(io.BytesIO(_text_pages(pages, shown, font))) as layer:
            for out_page, layer_page, page in zip(out.pages, layer.pages, pages, strict=True):
                if page.source != "ocr" or not page.lines:
                    continue
                form = out.copy_foreign(layer_page.as_form_xobject())
                out_page.add_overlay(form, pikepdf.Rectangle(out_page.cropbox))
                turn = shown_turn(page)
                if turn:
                    out_page.obj.Rotate = (_rotation(out_page) + turn) % 360
        _add_outline(out, pages, outline)
        out.save(destination)


def _rotation(page: Any) -> int:
    """A pikepdf page's /Rotate (on the page itself once it is in a new file), 0-270."""
    return int(page.obj.get("/Rotate", 0)) % 360


def _shown_size(page: Any) -> tuple[float, float]:
    """Width and height in points of a pikepdf page as shown: its crop box, turned by its /Rotate."""
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    width, height = abs(x1 - x0), abs(y1 - y0)
    return (height, width) if _rotation(page) in (90, 270) else (width, height)


def _text_pages(pages: Sequence[PageContent], shown: Sequence[tuple[float, float]], font: str) -> bytes:
    """A PDF of one page per ``pages`` of size ``shown``, holding only its OCR lines, invisible."""
    from reportlab.pdfgen import canvas as pdfcanvas

    out = io.BytesIO()
    pdf = pdfcanvas.Canvas(out, invariant=1)
    for page, (width, height) in zip(pages, shown, strict=True):
        pdf.setPageSize((width, height))
        if page.source == "ocr" and page.width:
            for line in page.lines:
                _draw_line(pdf, line, font, width / page.width, height)
        pdf.showPage()
    with _binary_streams():
        pdf.save()
    return out.getvalue()


def _add_outline(pdf: Any, pages: Sequence[PageContent], outline: Sequence[tuple[str, int]]) -> None:
    """Bookmarks of ``outline`` in ``pdf`` (pikepdf), the viewer opening with them shown."""
    import pikepdf

    if not outline:
        return
    index = {page.number: i for i, page in enumerate(pages)}
    with pdf.open_outline() as tree:
        tree.root.clear()
        tree.root.extend(pikepdf.OutlineItem(title, index[number]) for title, number in outline)
    pdf.Root.PageMode = pikepdf.Name.UseOutlines


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Meanwhile reportlab writes streams Flate-compressed only, not also ASCII85-encoded.

    Its ASCII85 encoder is pure Python unless the optional ``rl_accel`` C extension is installed
    (it is not here): it took over half of the build (1.9 → 0.9 s a noisy 200 DPI scanned page on
    the shared 2-core machine), which put the searchable PDF of a 300-page scanned volume near the
    render child's 900 s (issue #17, ``bench.volumes.run --through-api``). Binary streams are plain
    PDF, and a fifth smaller. The setting is reportlab's module-wide one: this runs in the render child, which
    does one job; a PDF that another thread of a test process writes meanwhile is as valid.
    """
    from reportlab import rl_config

    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def _draw_pages(
    pdf: Canvas, images: Iterator[Image.Image | JpegScan], pages: Sequence[PageContent], dpi: int, font: str,
    outline: Sequence[tuple[str, int]], starting: dict[int, list[int]],
) -> None:
    """Draw every page with its invisible lines and bookmarks, then the outline; save ``pdf``."""
    from reportlab.lib.utils import ImageReader

    for page in pages:
        image = next(images, None)
        if image is None:
            raise ValueError(f"fewer page images than the {len(pages)} pages")
        page_w, page_h = image.width * 72.0 / dpi, image.height * 72.0 / dpi
        pdf.setPageSize((page_w, page_h))
        if isinstance(image, JpegScan):
            _draw_jpeg(pdf, image, page_w, page_h)
        else:
            pdf.drawImage(ImageReader(image), 0, 0, width=page_w, height=page_h)
        # boxes are in pixels of the image the page was read from; scale if it was resized since
        scale = 72.0 / dpi * (image.width / page.width if page.width else 1.0)
        for line in page.lines:
            _draw_line(pdf, line, font, scale, page_h)
        for index in starting.get(page.number, []):
            pdf.bookmarkPage(f"document-{index}")
        turn = shown_turn(page)
        pdf.setPageRotation(turn)
        if turn in (90, 270):
            # reportlab takes the page size of a page turned a quarter as the size shown and
            # swaps it for the MediaBox: give it swapped, so the MediaBox is the scan's
            pdf.setPageSize((page_h, page_w))
        pdf.showPage()
    if next(images, None) is not None:
        raise ValueError(f"more page images than the {len(pages)} pages")
    # entries are added once every page is bookmarked, so they keep the catalogue's order even
    # where two documents start on one page
    for index, (title, _) in enumerate(outline):
        pdf.addOutlineEntry(title, f"document-{index}", level=0)
    if outline:
        pdf.showOutline()
    pdf.save()
