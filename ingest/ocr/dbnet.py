"""Text-line detection with a PP-OCR DB model on onnxruntime, and the cutting out of each line.

The computation is that of rapidocr's ``TextDetector`` (PaddleOCR's DB post-processing) with
the settings ppocr used through it: pixel threshold 0.3, box score 0.5, unclip ratio 1.6, 2x2
dilation, the "fast" box score, at most 1000 candidates, no resizing but to multiples of 32.
It is done here rather than through ``rapidocr.main`` because that module parses an 85 KB YAML
of model download addresses with OmegaConf when it is imported: 1.1-1.4 s in every process that
reads a scanned page, the largest part of the time from a volume's upload to its first page
being searchable (docs/BENCHMARKS.md). It also skipped work rapidocr did on every page and
ppocr threw away (cutting each line out of the shrunk page, then resizing it).
``tests/reading/test_dbnet.py`` checks that the quadrilaterals and crops are rapidocr's, exactly,
on rendered pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

PIXEL_THRESHOLD = 0.3  # a map pixel above it is text
BOX_THRESHOLD = 0.5  # a region whose mean probability is below it is dropped
UNCLIP_RATIO = 1.6  # the region is grown by area x ratio / perimeter: DB shrinks text when trained
MAX_CANDIDATES = 1000
MIN_SIDE = 3  # map pixels: a region thinner than this is a speck
# rapidocr pads an image this low, or this many times wider than high, top and bottom with
# black before detecting (a single line fills the detector's input badly otherwise)
MIN_HEIGHT = 30
MAX_WIDTH_RATIO = 8
MIN_INPUT_SIDE = 30  # and scales up an image whose shorter side is below this
ROW_TOLERANCE = 10  # boxes whose tops differ by less are one row, read left to right


def _byte_to_input() -> NDArray[np.float32]:
    """The network's input for each byte value: ``(v / 255 - 0.5) / 0.5``, rounded as rapidocr does.

    rapidocr scales in float32 and subtracts the mean and divides by the deviation in float64;
    a table gives the same float32 values for a fraction of the work on a whole page.
    """
    scaled = np.arange(256, dtype=np.float32) * (1 / 255.0)
    return ((scaled.astype(np.float64) - 0.5) / 0.5).astype(np.float32)


class LineDetector:
    """One onnxruntime session of a PP-OCR DB detection model; not thread-safe."""

    def __init__(self, model_path: Path, threads: int) -> None:
        from ingest.ocr.onnx import cpu_session

        # no arena, as rapidocr built it: the page sizes differ, an arena would keep the largest
        self._session = cpu_session(model_path, threads, memory_arena=False)
        self._input = self._session.get_inputs()[0].name
        self._table = _byte_to_input()

    def detect(self, image: NDArray[np.uint8]) -> NDArray[np.float32]:
        """Quadrilaterals (n x 4 x 2, clockwise from top left) of the lines in ``image`` (BGR).

        In reading order: rows top to bottom, left to right within a row.
        """
        import cv2

        height, width = image.shape[:2]
        scale_y = scale_x = 1.0
        if min(height, width) < MIN_INPUT_SIDE:
            image, scale_y, scale_x = _to_min_side(image)
        top = 0
        h, w = image.shape[:2]
        if h <= MIN_HEIGHT or w / h > MAX_WIDTH_RATIO:
            top = int(abs(max(int(w / MAX_WIDTH_RATIO), MIN_HEIGHT) * 2 - h) / 2)
            image = cast("NDArray[np.uint8]", cv2.copyMakeBorder(
                image, top, top, 0, 0, cv2.BORDER_CONSTANT, value=(0, 0, 0)
            ))
        h, w = image.shape[:2]
        size = (int(round(w / 32) * 32), int(round(h / 32) * 32))
        if min(size) <= 0:
            return np.zeros((0, 4, 2), dtype=np.float32)
        resized = cv2.resize(image, size)
        batch = self._table[resized].transpose(2, 0, 1)[np.newaxis]
        probability = self._session.run(None, {self._input: batch})[0][0, 0]
        quads = lines_from_map(probability, h, w)
        if len(quads) == 0:
            return np.zeros((0, 4, 2), dtype=np.float32)
        quads = reading_order(quads)
        quads[:, :, 1] -= top
        quads[:, :, 0] *= scale_x
        quads[:, :, 1] *= scale_y
        quads = np.where(quads < 0, 0, quads)
        quads[..., 0] = np.where(quads[..., 0] > width, width, quads[..., 0])
        quads[..., 1] = np.where(quads[..., 1] > height, height, quads[..., 1])
        return quads


def _to_min_side(image: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], float, float]:
    """``image`` scaled up so that its shorter side is about ``MIN_INPUT_SIDE``, and the factors back."""
    import cv2

    h, w = image.shape[:2]
    ratio = MIN_INPUT_SIDE / min(h, w)
    new_h = int(round(int(h * ratio) / 32) * 32)
    new_w = int(round(int(w * ratio) / 32) * 32)
    return cast("NDArray[np.uint8]", cv2.resize(image, (new_w, new_h))), h / new_h, w / new_w


def lines_from_map(probability: NDArray[np.float32], height: int, width: int) -> NDArray[np.float32]:
    """Line quadrilaterals in an image of ``height`` x ``width`` from DB's probability map."""
    import cv2

    map_h, map_w = probability.shape
    mask = cv2.dilate((probability > PIXEL_THRESHOLD).astype(np.uint8), np.ones((2, 2)))
    contours, _ = cv2.findContours(mask * 255, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    quads = []
    for contour in contours[:MAX_CANDIDATES]:
        points, short_side = _min_area_box(contour)
        if short_side < MIN_SIDE or _mean_inside(probability, points) < BOX_THRESHOLD:
            continue
        points, short_side = _min_area_box(_unclip(points))
        if short_side < MIN_SIDE + 2:
            continue
        points[:, 0] = np.clip(np.round(points[:, 0] / map_w * width), 0, width)
        points[:, 1] = np.clip(np.round(points[:, 1] / map_h * height), 0, height)
        quad = _clockwise(points.astype(np.int32))
        quad[:, 0] = np.minimum(np.maximum(quad[:, 0], 0), width - 1).astype(np.int32)
        quad[:, 1] = np.minimum(np.maximum(quad[:, 1], 0), height - 1).astype(np.int32)
        if int(np.linalg.norm(quad[0] - quad[1])) <= 3 or int(np.linalg.norm(quad[0] - quad[3])) <= 3:
            continue
        quads.append(quad)
    return np.array(quads, dtype=np.float32).reshape(-1, 4, 2)


def _min_area_box(contour: Any) -> tuple[NDArray[np.float32], float]:
    """The smallest rotated rectangle around ``contour`` (its corners) and its shorter side."""
    import cv2

    rect = cv2.minAreaRect(contour)
    corners = cv2.boxPoints(rect)
    by_x = corners[np.argsort(corners[:, 0], kind="stable")]
    left = (0, 1) if by_x[1][1] > by_x[0][1] else (1, 0)  # (top, bottom) of the two leftmost
    right = (2, 3) if by_x[3][1] > by_x[2][1] else (3, 2)
    box = np.array([by_x[left[0]], by_x[right[0]], by_x[right[1]], by_x[left[1]]])
    return box, min(rect[1])


def _mean_inside(probability: NDArray[np.float32], box: NDArray[np.float32]) -> float:
    """The mean probability of the map pixels inside ``box`` (corners in map pixels)."""
    import cv2

    h, w = probability.shape
    x0 = int(np.clip(np.floor(box[:, 0].min()), 0, w - 1))
    x1 = int(np.clip(np.ceil(box[:, 0].max()), 0, w - 1))
    y0 = int(np.clip(np.floor(box[:, 1].min()), 0, h - 1))
    y1 = int(np.clip(np.ceil(box[:, 1].max()), 0, h - 1))
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
    shifted = box - np.array([x0, y0], dtype=box.dtype)
    cv2.fillPoly(mask, shifted.reshape(1, -1, 2).astype(np.int32), 1)  # type: ignore[call-overload]
    return float(cv2.mean(probability[y0 : y1 + 1, x0 : x1 + 1], mask)[0])


def _unclip(box: NDArray[np.float32]) -> NDArray[np.int64]:
    """``box`` grown by area x ``UNCLIP_RATIO`` / perimeter, with rounded corners."""
    import pyclipper
    from shapely.geometry import Polygon

    polygon = Polygon(box)
    distance = polygon.area * UNCLIP_RATIO / polygon.length
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(box, pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    return np.array(offset.Execute(distance)).reshape((-1, 1, 2))


def _clockwise(points: NDArray[np.int32]) -> NDArray[np.float32]:
    """The four corners ordered top left, top right, bottom right, bottom left."""
    by_x = points[np.argsort(points[:, 0]), :]
    left = by_x[:2][np.argsort(by_x[:2, 1]), :]
    right = by_x[2:][np.argsort(by_x[2:, 1]), :]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)


def reading_order(quads: NDArray[np.float32]) -> NDArray[np.float32]:
    """``quads`` sorted into rows by their first corner's y (rows ``ROW_TOLERANCE`` apart), then by x."""
    by_y = quads[np.argsort(quads[:, 0, 1], kind="stable")]
    rows = np.concatenate([[0], np.cumsum(np.diff(by_y[:, 0, 1]) >= ROW_TOLERANCE)])
    return by_y[np.lexsort((by_y[:, 0, 0], rows))]


def crop_line(image: NDArray[np.uint8], quad: NDArray[np.float32]) -> NDArray[np.uint8]:
    """The line inside ``quad`` cut out of ``image`` and straightened; turned 90° when tall.

    A crop at least 1.5 times taller than wide is turned counter-clockwise (as rapidocr does,
    and ``ingest.ocr.orientation`` relies on it: a page turned by a quarter reads as tall crops).
    """
    import cv2

    width = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    crop = cv2.warpPerspective(
        image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    if crop.shape[0] / crop.shape[1] >= 1.5:
        crop = np.rot90(crop)
    return cast("NDArray[np.uint8]", crop)
