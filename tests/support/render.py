r"""Render Chinese text into test documents: scans, PDFs with a text layer, broken files.

Deterministic: fixed seeds, fixed fonts, no clock.

Pages are A4. Each string in ``pages`` is one page; "\\n" separates paragraphs, each paragraph's
first line is indented by two characters and lines wrap at the right margin (mid-word, as Chinese
typesetting does).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = {
    "uming": "/usr/share/fonts/truetype/arphic/uming.ttc",
    "ukai": "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "wqy": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
}
A4_INCHES = (8.27, 11.69)
MARGIN_INCHES = 0.9
FONT_POINTS = 14.0
LINE_SPACING = 1.6
# What a poor OCR engine leaves as an invisible text layer: rare look-alike characters.
BAD_OCR_TEXT = "亍丌兀丐廿卅丕亘丞鬲孬噩丨禺丿匕乇夭爻卮氐囟胤馗毓睾鼗丶亟鼐乜乩亓芈孛啬嘏仄厍厝" * 3


def font_path(font: str) -> str:
    """Path of a named test font (``uming``, ``ukai``, ``wqy``) or a font path passed through."""
    return FONTS.get(font, font)


def wrap_paragraph(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Greedy wrap: as many characters per line as ``fits(line)`` allows."""
    lines, current = [], ""
    for ch in text:
        if current and not fits(current + ch):
            lines.append(current)
            current = ""
        current += ch
    if current:
        lines.append(current)
    return lines


def _layout(text: str, width: float, measure: Callable[[str], float]) -> list[tuple[str, bool]]:
    """(line, is_first_line_of_paragraph) pairs; first lines carry a two-character indent."""
    result: list[tuple[str, bool]] = []
    for para in text.split("\n"):
        if not para.strip():
            continue
        para = "\u3000\u3000" + para.strip()
        for i, line in enumerate(wrap_paragraph(para, lambda s: measure(s) <= width)):
            result.append((line, i == 0))
    return result


def render_page_image(
    text: str,
    *,
    font: str = "uming",
    dpi: int = 200,
    noise: float = 0.0,
    skew: float = 0.0,
    blur: float = 0.0,
    seed: int = 0,
) -> Image.Image:
    """Render one A4 page of ``text`` as a grayscale scan at ``dpi``.

    Raises ``ValueError`` when the text does not fit on the page.

    ``noise`` is the fraction of pixels flipped to random grey (0.0-0.05 is realistic), ``skew``
    a rotation in degrees (positive = counter-clockwise), ``blur`` a Gaussian radius in pixels.
    """
    width, height = (round(v * dpi) for v in A4_INCHES)
    margin = round(MARGIN_INCHES * dpi)
    size = round(FONT_POINTS * dpi / 72)
    face = ImageFont.truetype(font_path(font), size)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    y = margin
    for line, _first in _layout(text, width - 2 * margin, face.getlength):
        if y + size > height - margin:
            # never drop text silently: callers compare OCR output with what they passed in
            raise ValueError(f"text does not fit on one page (stopped before {line[:10]!r})")
        draw.text((margin, y), line, font=face, fill=0)
        y += round(size * LINE_SPACING)
    if skew:
        img = img.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = np.random.default_rng(seed)
        pixels = np.array(img)
        count = int(noise * width * height)
        ys, xs = rng.integers(0, height, count), rng.integers(0, width, count)
        pixels[ys, xs] = rng.integers(0, 256, count, dtype=np.uint8)
        img = Image.fromarray(pixels)
    return img


def render_scanned_pdf(
    pages: list[str],
    path: Path,
    font: str = "uming",
    dpi: int = 200,
    *,
    noise: float = 0.0,
    skew: float = 0.0,
    blur: float = 0.0,
) -> Path:
    """Write an image-only PDF (no text layer), one A4 scan per string in ``pages``."""
    images = [
        render_page_image(t, font=font, dpi=dpi, noise=noise, skew=skew, blur=blur, seed=i)
        for i, t in enumerate(pages)
    ]
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def _register_reportlab_font(font: str) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"casefile-{Path(font_path(font)).stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, font_path(font), subfontIndex=0))
    return name


def render_text_pdf(
    pages: list[str],
    path: Path,
    font: str = "uming",
    *,
    encrypt_password: str | None = None,
    scanned_pages: set[int] | None = None,
    garbage_layer_pages: set[int] | None = None,
    bad_ocr_layer_pages: set[int] | None = None,
    page_rotation: int = 0,
) -> Path:
    """Write a PDF with a real text layer (the CJK font embedded), one A4 page per string.

    ``scanned_pages`` (0-based) are drawn as images instead (a mixed PDF);
    ``garbage_layer_pages`` get a scan plus an invisible mojibake text layer, as produced by a
    broken PDF converter; ``bad_ocr_layer_pages`` get a scan plus an invisible layer of rare
    characters, as left by an earlier bad OCR; ``encrypt_password`` sets a user password (RC4); ``page_rotation``
    sets every page's ``/Rotate`` (the text is drawn unrotated, so it displays turned).
    """
    from reportlab.lib.units import inch
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    scanned_pages = scanned_pages or set()
    garbage_layer_pages = garbage_layer_pages or set()
    bad_ocr_layer_pages = bad_ocr_layer_pages or set()
    page_w, page_h = A4_INCHES[0] * 72, A4_INCHES[1] * 72
    if page_rotation in (90, 270):
        # reportlab swaps the MediaBox of a page turned by a quarter: draw on a landscape sheet
        page_w, page_h = page_h, page_w
    encrypt = None
    if encrypt_password is not None:
        from reportlab.lib import pdfencrypt

        encrypt = pdfencrypt.StandardEncryption(encrypt_password, strength=40)
    c = canvas.Canvas(str(path), pagesize=(page_w, page_h), encrypt=encrypt, invariant=1)
    name = _register_reportlab_font(font)
    for i, text in enumerate(pages):
        if i in scanned_pages or i in garbage_layer_pages or i in bad_ocr_layer_pages:
            scan = render_page_image(text, font=font, dpi=150, seed=i)
            c.drawImage(ImageReader(scan), 0, 0, width=page_w, height=page_h)
            if i in garbage_layer_pages:
                # What a converter without a ToUnicode map leaves behind: UTF-8 read as Latin-1.
                mojibake = text.encode("utf-8").decode("latin-1")
                t = c.beginText(MARGIN_INCHES * inch, page_h - MARGIN_INCHES * inch)
                t.setTextRenderMode(3)
                t.setFont("Helvetica", 10)
                for k in range(0, len(mojibake), 90):
                    t.textLine(mojibake[k : k + 90])
                c.drawText(t)
            if i in bad_ocr_layer_pages:
                t = c.beginText(MARGIN_INCHES * inch, page_h - MARGIN_INCHES * inch)
                t.setTextRenderMode(3)
                t.setFont(name, FONT_POINTS)
                for k in range(0, len(BAD_OCR_TEXT), 30):
                    t.textLine(BAD_OCR_TEXT[k : k + 30])
                c.drawText(t)
        else:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            margin = MARGIN_INCHES * 72
            y = page_h - margin - FONT_POINTS
            c.setFont(name, FONT_POINTS)
            for line, _first in _layout(
                text, page_w - 2 * margin, lambda s: stringWidth(s, name, FONT_POINTS)
            ):
                c.drawString(margin, y, line)
                y -= FONT_POINTS * LINE_SPACING
        if page_rotation:
            c.setPageRotation(page_rotation)
        c.showPage()
    c.save()
    return path


def render_image(
    text: str, path: Path, *, fmt: str = "PNG", dpi: int = 200, font: str = "uming", **kw: float
) -> Path:
    """One scanned page saved as PNG or JPEG (``fmt``), with its DPI recorded."""
    img = render_page_image(text, font=font, dpi=dpi, **kw)  # type: ignore[arg-type]
    img.save(path, fmt, dpi=(dpi, dpi), **({"quality": 90} if fmt == "JPEG" else {}))
    return path


def render_tiff(pages: list[str], path: Path, *, dpi: int = 200, font: str = "uming") -> Path:
    """Write a multi-page TIFF (a frame per string), Group 4 compressed as scanners do."""
    images = [render_page_image(t, font=font, dpi=dpi, seed=i).convert("1") for i, t in enumerate(pages)]
    images[0].save(
        path, "TIFF", save_all=True, append_images=images[1:], compression="group4", dpi=(dpi, dpi)
    )
    return path


def render_exif_rotated_jpeg(text: str, path: Path, *, orientation: int = 6, dpi: int = 200) -> Path:
    """Write a JPEG stored sideways with an EXIF Orientation tag that makes it upright.

    Orientation 6 means "rotate 90° clockwise to display", so the pixels are stored rotated 90°
    counter-clockwise.
    """
    upright = render_page_image(text, dpi=dpi)
    stored = {
        3: upright.rotate(180, expand=True),
        6: upright.rotate(90, expand=True),
        8: upright.rotate(270, expand=True),
    }[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(path, "JPEG", quality=90, exif=exif.tobytes(), dpi=(dpi, dpi))
    return path


def truncate_file(src: Path, dst: Path, *, keep: float = 0.5) -> Path:
    """Copy the first ``keep`` fraction of ``src`` to ``dst`` (an interrupted upload)."""
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


def png_bomb(path: Path, *, side: int = 30000) -> Path:
    """Write a valid 1-bit PNG of ``side`` x ``side`` white pixels, a few hundred KB on disk."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


def break_page_tree(src: Path, dst: Path) -> Path:
    """Copy ``src`` with the catalog's ``/Pages`` pointing at an object that does not exist.

    The byte length is kept (the object number is padded) so the xref table stays valid: only
    the page tree is broken.
    """
    import re

    data = src.read_bytes()
    broken, n = re.subn(rb"/Pages (\d+) 0 R", lambda m: b"/Pages " + b"9" * len(m[1]) + b" 0 R", data)
    if n != 1:
        raise ValueError(f"{src}: expected one /Pages reference in the catalog, found {n}")
    dst.write_bytes(broken)
    return dst
