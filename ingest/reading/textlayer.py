"""A PDF page's text layer: is it trustworthy, and its characters as fragments in image pixels.

A text layer is only used when it reads as real text. Scanned dossiers often carry a layer that
is not: mojibake from a converter without a ToUnicode map, private-use glyph codes, ``(cid:NN)``
placeholders, or the output of an earlier bad OCR (a scatter of rare characters). Such pages are
OCRed instead.
"""

from __future__ import annotations

from core.cjk import is_cjk, is_ideograph
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


def turn_box(box: list[float], turn: int, width: float, height: float) -> list[float]:
    """Map ``[x0, y0, x1, y1]`` on a ``width`` x ``height`` page into the turned page.

    The turned page is ``turn`` degrees counter-clockwise (PIL's ``rotate(turn, expand=True)``).
    """
    x0, y0, x1, y1 = box
    if turn == 90:
        return [y0, width - x1, y1, width - x0]
    if turn == 180:
        return [width - x1, height - y1, width - x0, height - y0]
    if turn == 270:
        return [height - y1, x0, height - y0, x1]
    return list(box)


def reading_turn(boxes: list[list[float]]) -> int:
    """Counter-clockwise turn (0/90/180/270) that makes text run left to right.

    Decided by the direction from each character to the next one drawn, where they are
    neighbours: a page printed sideways has its text running down (90) or up (270).
    """
    votes = {0: 0, 90: 0, 180: 0, 270: 0}
    for a, b in zip(boxes, boxes[1:], strict=False):
        size = max(a[2] - a[0], a[3] - a[1], 1e-6)
        dx = (b[0] + b[2] - a[0] - a[2]) / 2
        dy = (b[1] + b[3] - a[1] - a[3]) / 2
        if max(abs(dx), abs(dy)) > 2 * size or dx == dy == 0:
            continue  # not neighbours: a line break or a jump
        if abs(dx) >= abs(dy):
            votes[0 if dx > 0 else 180] += 1
        else:
            votes[90 if dy > 0 else 270] += 1
    best = max(votes, key=lambda t: (votes[t], t == 0))
    return best if votes[best] > 0 else 0


def char_fragments(
    chars: list[tuple[str, list[float]]], width: float, height: float
) -> tuple[list[Fragment], int]:
    """Return a page's characters as fragments in rendered-image pixels.

    ``chars`` are the page's characters in drawing order with their boxes on the page as
    displayed (``/Rotate`` applied, top-left origin, pixels), on a ``width`` x ``height`` page
    (``ingest.reading.pdftext``). Text printed sideways is laid out in a turned frame
    (``Fragment.bbox``) while keeping its image box (``image_bbox``); the turn of that frame
    (``reading_turn``) is returned with the fragments.
    Characters drawn one after another on one line are merged into runs first, which keeps
    line grouping fast on dense pages.
    """
    turn = reading_turn([box for text, box in chars if text and not text.isspace()])
    runs: list[Fragment] = []
    space_pending = False
    for text, image_box in chars:
        if not text or text.isspace():
            space_pending = True
            continue
        box = turn_box(image_box, turn, width, height)
        if runs and _continues(runs[-1], box):
            last = runs[-1]
            latin_pair = not is_cjk(last.text[-1]) and not is_cjk(text[0])
            if latin_pair and (space_pending or box[0] - last.bbox[2] > WORD_GAP * last.height):
                last.text += " "
            last.text += text
            last.bbox = _union(last.bbox, box)
            last.image_bbox = _union(last.out_bbox, image_box)
        else:
            runs.append(Fragment(text, box, 1.0, image_box))
        space_pending = False
    return runs, turn


def _union(a: list[float], b: list[float]) -> list[float]:
    return [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]


def _continues(run: Fragment, box: list[float]) -> bool:
    """Whether a character box follows ``run`` on the same line, within a character's width."""
    h = run.height
    same_line = abs((box[1] + box[3]) / 2 - run.cy) < 0.3 * h
    gap = box[0] - run.bbox[2]
    return same_line and -0.3 * h <= gap <= 0.6 * h
