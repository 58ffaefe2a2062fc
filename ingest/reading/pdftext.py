"""A PDF page's text layer as PDFium extracts it: characters and image coverage, as displayed.

PDFium's text page (``FPDFText_*``, C) replaced pdfplumber here (issue #19 item 4): pdfminer's
Python content-stream interpreter cost 38 CPU-ms a page of a dev judgment, PDFium 4
(``bench/textlayer/compare.py``). The output is what pdfplumber gave: characters in drawing
order, ``/Rotate`` applied (as PDFium renders the page), top-left origin, boxes in pixels of the
rendering, a character without a Unicode mapping spelled ``(cid:N)`` as pdfminer spells it.
Boxes are PDFium's loose boxes (advance width x the font's descent to ascent): within 0.1 px of
pdfminer's for the Arphic fonts, ~0.1 of a character's height apart for fonts whose ascent -
descent is not one em. Two differences: on a page turned a quarter by /Rotate, PDFium may list
text objects in another order (the layout orders lines by position: the page text is the same);
on a crop-boxed page the boxes are measured from the crop box's corner, as rendered (pdfplumber
measured them from the media box's, off the rendering).

Every function here calls PDFium: the caller holds ``PDFIUM_LOCK``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pypdfium2 as pdfium

Box = list[float]
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MAX_FORM_DEPTH = 8  # nested Form XObjects searched for images; deeper ones are not seen


@dataclass
class PageText:
    """A page's characters in rendered pixels and the share of it covered by images."""

    chars: list[tuple[str, Box]]  # text and [x0, y0, x1, y1], in drawing order
    width: float  # the page as displayed, in pixels (unrounded)
    height: float
    image_coverage: float  # 0-1


def read_page_text(page: pdfium.PdfPage, scale: float) -> PageText:
    """Characters of ``page`` (spaces drawn by the PDF kept, PDFium's inserted ones left out).

    Raises ``pypdfium2.PdfiumError`` when PDFium cannot build the page's text.
    """
    left, bottom, right, top = page.get_bbox()  # the crop box within the media box
    turn = page.get_rotation()
    to_display = _display_transform(turn, left, bottom, right, top, scale)
    textpage = page.get_textpage()
    try:
        chars = _chars(textpage.raw, to_display)
    finally:
        textpage.close()
    width, height = (top - bottom, right - left) if turn in (90, 270) else (right - left, top - bottom)
    area = width * height
    covered = _image_area(page.raw, (left, bottom, right, top))
    return PageText(
        chars, width * scale, height * scale, min(covered / area, 1.0) if area > 0 else 0.0
    )


def _display_transform(
    turn: int, left: float, bottom: float, right: float, top: float, scale: float
) -> Any:
    """Map a PDF box ``(l, b, r, t)`` to pixels on the page as shown turned ``turn``° clockwise."""

    def shown(l: float, b: float, r: float, t: float) -> Box:  # noqa: E741 - PDF's own names
        if turn == 90:
            box = [b - bottom, l - left, t - bottom, r - left]
        elif turn == 180:
            box = [right - r, b - bottom, right - l, t - bottom]
        elif turn == 270:
            box = [top - t, right - r, top - b, right - l]
        else:
            box = [l - left, top - t, r - left, top - b]
        return [v * scale for v in box]

    return shown


def _chars(textpage: Any, shown: Any) -> list[tuple[str, Box]]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    count = pdfium_c.FPDFText_CountChars(textpage)
    if count < 0:
        raise pdfium.PdfiumError("text page has no character count")
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    unmapped = pdfium_c.FPDFText_HasUnicodeMapError
    generated = pdfium_c.FPDFText_IsGenerated
    rect = pdfium_c.FS_RECTF()
    chars: list[tuple[str, Box]] = []
    for index in range(count):
        code = get_unicode(textpage, index)
        if code in (0x0D, 0x0A, 0x20) and generated(textpage, index) == 1:
            continue  # PDFium's own line breaks and word spaces: pdfminer has none
        if not get_box(textpage, index, rect):
            continue
        if unmapped(textpage, index) == 1:
            text = f"(cid:{code})"  # PDFium gives the raw character code: pdfminer's spelling
        else:
            text = chr(code) if code <= 0x10FFFF else "\ufffd"
        chars.append((text, shown(rect.left, rect.bottom, rect.right, rect.top)))
    return chars


def _image_area(page: Any, clip: tuple[float, float, float, float]) -> float:
    """Area (points²) of the page's images, each clipped to the page box, forms searched."""
    import pypdfium2.raw as pdfium_c

    total = 0.0
    # (container, its matrix to page space, depth): None is the page itself
    stack: list[tuple[Any, Matrix, int]] = [(None, _IDENTITY, 0)]
    matrix = pdfium_c.FS_MATRIX()
    while stack:
        form, to_page, depth = stack.pop()
        if form is None:
            count = pdfium_c.FPDFPage_CountObjects(page)
        else:
            count = pdfium_c.FPDFFormObj_CountObjects(form)
        for i in range(max(count, 0)):
            obj = (
                pdfium_c.FPDFPage_GetObject(page, i) if form is None
                else pdfium_c.FPDFFormObj_GetObject(form, i)
            )
            if not obj:
                continue
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                total += _clipped_area(_bounds(obj), to_page, clip)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
                # a form's objects are in its own space: its matrix maps them into the parent's
                if pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
                    inner = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
                    stack.append((obj, _compose(inner, to_page), depth + 1))
    return total


def _bounds(obj: Any) -> tuple[float, float, float, float]:
    import ctypes

    import pypdfium2.raw as pdfium_c

    l, b, r, t = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()  # noqa: E741
    if not pdfium_c.FPDFPageObj_GetBounds(obj, l, b, r, t):
        return (0.0, 0.0, 0.0, 0.0)
    return (l.value, b.value, r.value, t.value)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a1 * a2 + b1 * c2, a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2,
    )


def _clipped_area(
    box: tuple[float, float, float, float], m: Matrix, clip: tuple[float, float, float, float]
) -> float:
    l, b, r, t = box  # noqa: E741
    xs, ys = [], []
    for x, y in ((l, b), (l, t), (r, b), (r, t)):
        xs.append(x * m[0] + y * m[2] + m[4])
        ys.append(x * m[1] + y * m[3] + m[5])
    width = min(max(xs), clip[2]) - max(min(xs), clip[0])
    height = min(max(ys), clip[3]) - max(min(ys), clip[1])
    return max(width, 0.0) * max(height, 0.0)

