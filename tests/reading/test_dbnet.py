"""ingest.ocr.dbnet finds the same lines and cuts the same crops as rapidocr did, to the pixel.

ppocr detected through rapidocr's main module until importing that module was found to cost
every reading process 1.1-1.4 s (docs/BENCHMARKS.md). The detector was redone here from the
same model and settings; these tests hold it to rapidocr's output on the shapes the engine
gives it, so the OCR benchmarks measured through rapidocr still describe it.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from ingest.ocr import ppocr
from ingest.ocr.dbnet import LineDetector, crop_line, reading_order
from ingest.ocr.inkbox import ink_box
from tests.support.render import render_page_image

TEXT = (
    "被告人欧阳明远，男，1987年11月23日出生，汉族，高中文化，住江苏省南京市玄武区梧桐路18号。"
    "因涉嫌诈骗罪于2023年6月14日被南京市公安局玄武分局刑事拘留，同年7月20日经本院批准逮捕。\n"
    "经依法审查查明：2022年9月至2023年5月间，被告人欧阳明远冒充某银行工作人员，骗取被害人赵某"
    "人民币十二万三千元。"
)


@pytest.fixture(scope="module")
def engines() -> tuple[object, LineDetector]:
    """The rapidocr as ppocr used it, and the detector that replaced it.

    Not skipped without them: both are dependencies of casefile, and CI must not lose this check.
    """
    from rapidocr import RapidOCR

    models = ppocr.model_dir()
    assert models is not None
    rapid = RapidOCR(params={
        "Global.use_cls": False, "Global.log_level": "error", "Global.max_side_len": 100_000,
        "Det.limit_type": "max", "Det.limit_side_len": 100_000,
        "Det.model_path": str(models / ppocr.DET_MODEL),
        "Rec.model_path": str(models / ppocr.REC_MODEL),
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })
    return rapid, LineDetector(models / ppocr.DET_MODEL, 1)


def _shrunk(image: Image.Image) -> np.ndarray:
    """The page as the engine gives it to the detector: BGR, area-averaged to 960 px."""
    full = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
    h, w = full.shape[:2]
    ratio = ppocr.DET_MAX_SIDE / max(h, w)
    return cv2.resize(full, (round(w * ratio), round(h * ratio)), interpolation=cv2.INTER_AREA)


def _page(condition: str) -> np.ndarray:
    scan = render_page_image(
        TEXT, noise=0.03 if condition == "noise" else 0.0, skew=2.0 if condition == "skew" else 0.0,
        seed=3,
    )
    if condition == "turned":
        scan = scan.rotate(90, expand=True, fillcolor=255)
    return _shrunk(scan)


def _inputs() -> dict[str, np.ndarray]:
    clean = _page("clean")
    x0, y0, x1, y1 = ink_box(clean)  # type: ignore[misc]
    dark = clean.min(axis=2) < 128
    top, left = int(np.flatnonzero(dark.any(axis=1))[0]), int(np.flatnonzero(dark.any(axis=0))[0])
    return {
        "clean": clean,
        "noise": _page("noise"),
        "skew": _page("skew"),
        "turned": _page("turned"),
        "inked part": np.ascontiguousarray(clean[y0:y1, x0:x1]),
        # one line far wider than high: rapidocr pads it top and bottom before detecting
        "strip": np.ascontiguousarray(clean[y0 + 8 : y0 + 80, :]),
        # shorter side under 30 px, around the first line: rapidocr scales it up first
        "sliver": np.ascontiguousarray(clean[top - 2 : top + 22, left : left + 150]),
        "blank": np.full((400, 300, 3), 255, dtype=np.uint8),
    }


@pytest.mark.parametrize("name", list(_inputs()))
def test_lines_and_crops_are_rapidocrs(engines: tuple[object, LineDetector], name: str) -> None:
    rapid, detector = engines
    image = _inputs()[name]
    found = getattr(rapid(image, use_rec=False), "boxes", None)  # type: ignore[operator]
    expected = np.zeros((0, 4, 2), np.float32) if found is None else np.asarray(found, np.float32)
    quads = detector.detect(image)
    assert quads.dtype == np.float32
    np.testing.assert_array_equal(quads, expected.reshape(-1, 4, 2))
    if name == "sliver":
        assert len(quads) == 1, "the sliver's line was not found: the scale-up is not compared"
    elif name != "blank":
        assert len(quads) >= 2, f"{name}: too few lines to compare"
    theirs = rapid.crop_text_regions(image, expected)  # type: ignore[attr-defined]
    for quad, crop in zip(quads, theirs, strict=True):
        np.testing.assert_array_equal(crop_line(image, quad), crop)


def test_a_tall_crop_is_turned_to_read_left_to_right() -> None:
    column = np.zeros((200, 40, 3), dtype=np.uint8)
    column[:, :, 0] = np.arange(200)[:, None]  # darker at the top
    quad = np.array([[0, 0], [40, 0], [40, 200], [0, 200]], dtype=np.float32)
    crop = crop_line(column, quad)
    assert crop.shape[:2] == (40, 200)
    # turned counter-clockwise: the column's top is now at the left
    assert crop[:, 0, 0].mean() < crop[:, -1, 0].mean()


def test_reading_order_is_rows_then_left_to_right() -> None:
    def box(x: float, y: float) -> list[list[float]]:
        return [[x, y], [x + 50, y], [x + 50, y + 20], [x, y + 20]]

    # the second row's right box sits 6 px higher than its left one: still one row
    quads = np.array([box(300, 106), box(10, 112), box(200, 10), box(10, 14)], dtype=np.float32)
    ordered = reading_order(quads)
    assert [tuple(q[0]) for q in ordered] == [(10, 14), (200, 10), (10, 112), (300, 106)]
