r"""Reading order and paragraphs: fragments with boxes in, ``PageContent`` text and lines out.

Shared by OCR pages and PDF text layers so both read the same way:
- fragments are grouped into visual lines by vertical overlap (robust to a slight skew, since a
  fragment is compared with its horizontal neighbour in a line, not with the line's first one);
- lines are ordered top to bottom, fragments left to right;
- the lines of one paragraph are joined with no separator, because Chinese prose wraps mid-word
  ("被告人王" / "志勤") and names and ID numbers must survive the wrap;
- a new paragraph (separated by "\\n") starts at an indented line, after a line that ends well
  short of the right margin, or after a large vertical gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from core.cjk import is_cjk, needs_space_between, remove_cjk_spaces
from ingest.reading.types import Line, PageContent, PageSource

# Thresholds in multiples of the page's median line height (≈ one character's size).
INDENT_CHARS = 1.0  # a paragraph's first line is indented by two characters in Chinese usage
SHORT_LINE_CHARS = 1.5  # a line ending this far before the right margin ends its paragraph
GAP_LINE_HEIGHTS = 1.0  # blank space taller than a line separates paragraphs
WORD_GAP = 0.2  # a gap this wide between two Latin fragments is a space


@dataclass
class Fragment:
    """A piece of text on one line.

    ``bbox`` (``[x0, y0, x1, y1]``) is where the fragment sits in the upright, deskewed frame
    used to find reading order; ``image_bbox`` is its box in page-image pixels, which lines
    report. They are the same unless the page was turned or skewed.
    """

    text: str
    bbox: list[float]
    confidence: float = 1.0
    image_bbox: list[float] | None = None

    @property
    def out_bbox(self) -> list[float]:
        """The box to report: ``image_bbox`` when set, else ``bbox``."""
        return self.image_bbox if self.image_bbox is not None else self.bbox

    @property
    def height(self) -> float:
        """Box height (at least one pixel)."""
        return max(self.bbox[3] - self.bbox[1], 1.0)

    @property
    def cy(self) -> float:
        """Vertical centre."""
        return (self.bbox[1] + self.bbox[3]) / 2


def _union(boxes: list[list[float]]) -> list[float]:
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


@dataclass
class _VisualLine:
    fragments: list[Fragment]

    @property
    def bbox(self) -> list[float]:
        return _union([f.bbox for f in self.fragments])

    @property
    def cy(self) -> float:
        return median(f.cy for f in self.fragments)


def _vertical_overlap(a: Fragment, b: Fragment) -> float:
    """Overlap of the two boxes' vertical extents, relative to the shorter one."""
    inter = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
    return inter / min(a.height, b.height)


def _nearest_in_x(line: _VisualLine, frag: Fragment) -> Fragment:
    def distance(f: Fragment) -> float:
        return max(f.bbox[0] - frag.bbox[2], frag.bbox[0] - f.bbox[2], 0.0)

    return min(line.fragments, key=distance)


def group_lines(fragments: list[Fragment]) -> list[list[Fragment]]:
    """Fragments grouped into visual lines, lines top to bottom, fragments left to right."""
    lines: list[_VisualLine] = []
    for frag in sorted(fragments, key=lambda f: (f.cy, f.bbox[0])):
        best, best_overlap = None, 0.5
        for line in lines:
            overlap = _vertical_overlap(_nearest_in_x(line, frag), frag)
            if overlap > best_overlap:
                best, best_overlap = line, overlap
        if best is None:
            lines.append(_VisualLine([frag]))
        else:
            best.fragments.append(frag)
    lines.sort(key=lambda ln: (ln.cy, ln.bbox[0]))
    return [sorted(ln.fragments, key=lambda f: f.bbox[0]) for ln in lines]


def _join_fragments(frags: list[Fragment]) -> str:
    height = median(f.height for f in frags)
    text = frags[0].text
    for prev, frag in zip(frags, frags[1:], strict=False):
        gap = frag.bbox[0] - prev.bbox[2]
        latin_pair = not is_cjk(text[-1]) and not is_cjk(frag.text[0])
        text += (" " if latin_pair and gap > WORD_GAP * height else "") + frag.text
    return remove_cjk_spaces(text)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)]


def _paragraph_starts(boxes: list[list[float]]) -> list[bool]:
    """For each line, whether it starts a new paragraph (the first line always does)."""
    if not boxes:
        return []
    height = median(b[3] - b[1] for b in boxes)
    left = _percentile([b[0] for b in boxes], 0.2)
    right = _percentile([b[2] for b in boxes], 0.8)
    gaps = [cur[1] - prev[3] for prev, cur in zip(boxes, boxes[1:], strict=False)]
    usual_gap = median(gaps) if gaps else 0.0
    starts = [True]
    for prev, cur in zip(boxes, boxes[1:], strict=False):
        indented = cur[0] - left > INDENT_CHARS * height
        prev_short = right - prev[2] > SHORT_LINE_CHARS * height
        gap = cur[1] - prev[3]
        big_gap = gap > max(GAP_LINE_HEIGHTS * height, 1.8 * usual_gap)
        starts.append(indented or prev_short or big_gap)
    return starts


def lay_out_page(
    fragments: list[Fragment],
    *,
    number: int,
    width: int,
    height: int,
    source: PageSource,
    angle: int = 0,
) -> PageContent:
    """Order ``fragments`` into lines and paragraphs and build the page with line offsets.

    ``angle`` is the direction every line's text runs in on the page image (``Line.angle``).
    """
    cleaned = [
        Fragment(t, f.bbox, f.confidence, f.image_bbox)
        for f in fragments
        if (t := remove_cjk_spaces(f.text).strip())
    ]
    groups = group_lines(cleaned)
    texts = [_join_fragments(g) for g in groups]
    boxes = [_VisualLine(g).bbox for g in groups]
    starts = _paragraph_starts(boxes)
    page_text = ""
    lines: list[Line] = []
    for group, text, starts_paragraph in zip(groups, texts, starts, strict=True):
        box = _union([f.out_bbox for f in group])
        if lines:
            if starts_paragraph:
                page_text += "\n"
            elif needs_space_between(page_text, text):
                page_text += " "
        n_chars = sum(len(f.text) for f in group)
        confidence = sum(f.confidence * len(f.text) for f in group) / n_chars
        start = len(page_text)
        page_text += text
        lines.append(
            Line(
                text, [round(v, 1) for v in box], round(confidence, 4), start, len(page_text), angle
            )
        )
    return PageContent(number, width, height, source, page_text, lines)


def plain_text_page(text: str, *, number: int) -> PageContent:
    """Build a page of known text (TXT, DOCX): a ``Line`` per text line, no boxes, exact offsets."""
    lines: list[Line] = []
    offset = 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append(Line(raw, [0.0, 0.0, 0.0, 0.0], 1.0, offset, offset + len(raw)))
        offset += len(raw) + 1
    return PageContent(number, 0, 0, "text-layer", text, lines)
