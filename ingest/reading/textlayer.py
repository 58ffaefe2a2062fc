"""A PDF page's text layer: is it trustworthy, and its characters as fragments in image pixels.

A text layer is only used when it reads as real text. Scanned dossiers often carry a layer that
is not: mojibake from a converter without a ToUnicode map, private-use glyph codes, ``(cid:NN)``
placeholders, or the output of an earlier bad OCR (a scatter of rare characters). Such pages are
OCRed instead.
"""

from __future__ import annotations

from typing import Any

from ingest.reading.cjk import is_cjk, is_ideograph
from ingest.reading.layout import WORD_GAP, Fragment

MIN_GOOD_RATIO = 0.9  # share of characters that are CJK, CJK punctuation or printable ASCII
# Share of ideographs among GB2312's 3,755 level-1 (most common) characters: real judgments in
# shared/data/dev measure 0.99 overall and >= 0.92 for every text of 200+ ideographs; a layer
# of rare characters is the signature of a bad OCR or a wrong code page.
MIN_COMMON_RATIO = 0.75
MIN_IDEOGRAPHS_FOR_RARITY = 40
MIN_CHARS_OVER_IMAGE = 30  # fewer characters over a full-page image: a stamp, not the text
_OK_SYMBOLS = set("·×°±§¥€£№①②③④⑤⑥⑦⑧⑨⑩ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ√→←↑↓■□●○◆◇★☆※")


def _is_common_ideograph(ch: str) -> bool:
    """Tell whether ``ch`` is a GB2312 level-1 character (rows 16-55: the 3,755 most common)."""
    try:
        encoded = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(encoded) == 2 and 0xB0 <= encoded[0] <= 0xD7


def text_layer_problem(text: str, *, image_coverage: float = 0.0) -> str | None:
    """Why ``text`` (a page's text layer) should not be trusted, or ``None`` when it reads well.

    ``image_coverage`` is the share of the page covered by images (0-1); a scan with a few
    characters on top (a stamp, a page number) is treated as a scan.
    """
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return "no text layer"
    if "(cid:" in text:
        return "unmapped glyphs (cid:NN)"
    if image_coverage >= 0.5 and len(chars) < MIN_CHARS_OVER_IMAGE:
        return f"only {len(chars)} characters over a page image"
    good = sum(1 for ch in chars if is_cjk(ch) or "!" <= ch <= "~" or ch in _OK_SYMBOLS)
    if good / len(chars) < MIN_GOOD_RATIO:
        return f"mostly unreadable characters ({good}/{len(chars)} readable)"
    ideographs = [ch for ch in chars if is_ideograph(ch)]
    if len(ideographs) >= MIN_IDEOGRAPHS_FOR_RARITY:
        common = sum(1 for ch in ideographs if _is_common_ideograph(ch))
        if common / len(ideographs) < MIN_COMMON_RATIO:
            return f"mostly rare characters ({common}/{len(ideographs)} common)"
    return None


def _displayed_box(
    x0: float, top: float, x1: float, bottom: float, width: float, height: float, rotation: int
) -> tuple[float, float, float, float]:
    """Map a box from the unrotated page (pdfplumber's) to the displayed page (pdfium's).

    ``rotation`` is the page's ``/Rotate``: 0, 90, 180 or 270 degrees clockwise.
    """
    if rotation == 90:
        return height - bottom, x0, height - top, x1
    if rotation == 180:
        return width - x1, height - bottom, width - x0, height - top
    if rotation == 270:
        return top, width - x1, bottom, width - x0
    return x0, top, x1, bottom


def char_fragments(page: Any, scale: float) -> list[Fragment]:
    """Return the page's characters as fragments in rendered-image pixels (points × ``scale``).

    ``page`` is a ``pdfplumber.page.Page``. Characters drawn one after another on one baseline
    are merged into a run first: that keeps line grouping fast on dense pages.
    """
    rotation = int(page.rotation or 0) % 360
    width, height = float(page.width), float(page.height)
    if rotation in (90, 270):  # pdfplumber reports the displayed size; boxes are unrotated
        width, height = height, width
    x_off, y_off = float(page.bbox[0]), float(page.bbox[1])
    runs: list[Fragment] = []
    space_pending = False
    for ch in page.chars:
        text = ch["text"]
        if not text or text.isspace():
            space_pending = True
            continue
        x0, top, x1, bottom = _displayed_box(
            ch["x0"] - x_off, ch["top"] - y_off, ch["x1"] - x_off, ch["bottom"] - y_off,
            width, height, rotation,
        )
        box = [x0 * scale, top * scale, x1 * scale, bottom * scale]
        if runs and _continues(runs[-1], box):
            last = runs[-1]
            latin_pair = not is_cjk(last.text[-1]) and not is_cjk(text[0])
            if latin_pair and (space_pending or box[0] - last.bbox[2] > WORD_GAP * last.height):
                last.text += " "
            last.text += text
            last.bbox = [min(last.bbox[0], box[0]), min(last.bbox[1], box[1]),
                         max(last.bbox[2], box[2]), max(last.bbox[3], box[3])]
        else:
            runs.append(Fragment(text, box, 1.0))
        space_pending = False
    return runs


def _continues(run: Fragment, box: list[float]) -> bool:
    """Whether a character box follows ``run`` on the same line, within a character's width."""
    h = run.height
    same_line = abs((box[1] + box[3]) / 2 - run.cy) < 0.3 * h
    gap = box[0] - run.bbox[2]
    return same_line and -0.3 * h <= gap <= 0.6 * h
