"""Turned and skewed pages: read upright, boxes still in the original image's pixels."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ingest.ocr import OcrBox, pageturn
from ingest.ocr.orientation import read_upright, skew_degrees, suspected_turns, to_original
from ingest.reading.ocrpage import ocr_page
from ingest.reading.textlayer import turn_box
from tests.reading.conftest import INDICTMENT, assert_offsets
from tests.support import render
from tests.support.textmetrics import cer


def _ink_box(img: Image.Image) -> list[int]:
    ys, xs = np.nonzero(np.asarray(img.convert("L")) < 128)
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_to_original_inverts_pil_rotate(turn: int) -> None:
    original = Image.new("L", (300, 200), 255)
    ImageDraw.Draw(original).rectangle([40, 30, 119, 59], fill=0)  # pixels 40..119 x 30..59
    turned = original.rotate(turn, expand=True)
    x0, y0, x1, y1 = _ink_box(turned)
    corners = [to_original(p, turn, 300, 200) for p in [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert [min(xs), min(ys), max(xs), max(ys)] == pytest.approx([40, 30, 120, 60], abs=1)


def _box(text: str, box: list[float], conf: float = 0.99) -> OcrBox:
    return OcrBox.from_xyxy(text, box, conf)


def test_turn_suspicion() -> None:
    upright = [_box("被告人欧阳明远", [100, 100, 900, 140])]
    assert suspected_turns(upright) == []
    assert suspected_turns([]) == []
    sideways_readable = [_box("被告人欧阳明远", [100, 100, 140, 900])]
    assert suspected_turns(sideways_readable) == [90, 270]
    sideways_garbled = [_box("采柔热采", [100, 100, 140, 900], 0.5)]
    assert suspected_turns(sideways_garbled) == [270, 90]
    upside_down = [_box("采《》热热", [100, 100, 900, 140], 0.55)]
    assert suspected_turns(upside_down) == [180]


def test_skew_is_measured_from_quadrilaterals() -> None:
    def quad(y: float, angle: float) -> OcrBox:
        t = math.tan(math.radians(angle))
        pts = ((100, y), (1100, y + 1000 * t), (1100, y + 1000 * t + 40), (100, y + 40))
        return OcrBox("被告人欧阳明远", pts, 0.99)

    assert skew_degrees([quad(100, 3), quad(200, 3), quad(300, 3.2)]) == pytest.approx(3, abs=0.1)
    assert skew_degrees([quad(100, -2), quad(200, -2)]) == pytest.approx(-2, abs=0.1)
    assert skew_degrees([quad(100, 0.05), quad(200, 0.05)]) == 0.0  # noise, not skew
    assert skew_degrees([quad(100, 3)]) == 0.0  # one line is not enough to tell


@dataclass
class PortraitOnlyEngine:
    """Reads text only when the page is portrait; on a landscape page, finds tall boxes."""

    name: str = "portrait-only"
    upright_only: bool = False  # its boxes show the turn, as ppocr's do
    seen: list[tuple[int, int]] = field(default_factory=list)

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Two text lines near the top-left of the upright page, or their garbled sideways form."""
        self.seen.append(image.size)
        w, h = image.size
        if w > h:
            return [_box("采柔热", [100, 100, 140, 800], 0.5), _box("热采", [160, 100, 200, 700], 0.5)]
        return [_box("第一行文字", [100, 100, 800, 140]), _box("第二行", [100, 160, 700, 200])]


def test_sideways_page_is_read_upright_and_boxes_map_back() -> None:
    engine = PortraitOnlyEngine()
    sideways = Image.new("RGB", (2338, 1654), "white")
    page = ocr_page(sideways, engine, number=1)
    assert engine.seen == [(2338, 1654), (1654, 2338)]  # one extra pass, turned upright
    assert page.text == "第一行文字第二行"
    assert (page.width, page.height) == (2338, 1654)
    for line in page.lines:
        x0, y0, x1, y1 = line.bbox
        assert 0 <= x0 < x1 <= 2338 and 0 <= y0 < y1 <= 1654
        assert (y1 - y0) > (x1 - x0)  # the line runs vertically in the sideways image
        assert line.angle == 90  # turned upright by 270° counter-clockwise: it runs up
    assert_offsets(page)


def test_issue20_the_engine_side_says_how_the_page_was_turned() -> None:
    """Orientation is decided in ``ingest.ocr``: upright boxes and the turn, in no reader's terms."""
    engine = PortraitOnlyEngine()
    upright = read_upright(Image.new("RGB", (2338, 1654), "white"), engine)
    assert upright.turn == 270 and upright.skew == 0.0
    assert [b.text for b in upright.boxes] == ["第一行文字", "第二行"]  # in the upright page's pixels
    as_is = read_upright(Image.new("RGB", (2338, 1654), "white"), engine, detect_orientation=False)
    assert as_is.turn == 0 and [b.text for b in as_is.boxes] == ["采柔热", "热采"]


def test_orientation_detection_can_be_turned_off() -> None:
    engine = PortraitOnlyEngine()
    page = ocr_page(Image.new("RGB", (2338, 1654), "white"), engine, number=1, detect_orientation=False)
    assert engine.seen == [(2338, 1654)]
    assert page.text != "第一行文字第二行"


def test_engine_whose_boxes_show_the_turn_never_waits_for_the_classifier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The ppocr path stays as it was: no page-turn models, nothing added to an upright page."""

    def refuse() -> None:
        raise AssertionError("the page-turn classifier ran for an engine that shows the turn")

    monkeypatch.setattr(pageturn, "get_classifier", refuse)
    page = ocr_page(Image.new("RGB", (2338, 1654), "white"), PortraitOnlyEngine(), number=1)
    assert page.text == "第一行文字第二行"


@dataclass
class UprightOnlyEngine:
    """Reads a fixed line wherever it is given a page; records the pages it was given."""

    name: str = "upright-only"
    upright_only: bool = True
    seen: list[Image.Image] = field(default_factory=list)

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """The page's first printed line, as an upright page has it (the render's margins)."""
        self.seen.append(image)
        return [_box("被告人欧阳明远", [180, 180, 1470, 230])]


@pytest.fixture(scope="module")
def upright_scan() -> Image.Image:
    """A dense upright A4 page at 200 DPI, 1654 x 2339 px."""
    return render.render_page_image("\n".join(INDICTMENT), noise=0.01)


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_upright_only_engine_is_given_the_page_upright(upright_scan: Image.Image, turn: int) -> None:
    """Issue #3: tesseract and paddleocr cannot read a turned page, so they never see one."""
    engine = UprightOnlyEngine()
    scan = upright_scan.rotate(turn, expand=True)
    page = ocr_page(scan, engine, number=1)
    (given,) = engine.seen
    assert np.array_equal(np.asarray(given), np.asarray(upright_scan))
    (line,) = page.lines
    # the box is mapped onto the scan as given: where the line is printed on it
    want = turn_box([180, 180, 1470, 230], turn, *upright_scan.size)
    assert line.bbox == pytest.approx(want)
    assert line.angle == turn  # turned counter-clockwise by 90, the text runs up the scan
    assert (page.width, page.height) == scan.size


@dataclass
class UprightReaderEngine:
    """Reads nothing unless given the upright scan.

    As ppocr on a page whose tall crops come out upside down: every line falls below its minimum
    confidence and is dropped.
    """

    upright: Image.Image
    name: str = "upright-reader"
    upright_only: bool = False
    seen: list[tuple[int, int]] = field(default_factory=list)

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        self.seen.append(image.size)
        if not np.array_equal(np.asarray(image), np.asarray(self.upright)):
            return []
        return [_box("被告人欧阳明远", [180, 180, 1470, 230])]


@pytest.mark.parametrize("turn", [90, 270])
def test_turned_page_read_as_nothing_is_turned_by_the_classifier(
    upright_scan: Image.Image, turn: int
) -> None:
    """Regression #3: known-item pages turned 90° came back empty from ppocr, with no retry."""
    engine = UprightReaderEngine(upright_scan)
    page = ocr_page(upright_scan.rotate(turn, expand=True), engine, number=1)
    assert page.text == "被告人欧阳明远"
    assert page.lines[0].angle == turn
    assert len(engine.seen) == 2  # the turned page, then the page turned upright


def test_blank_page_is_not_turned(upright_scan: Image.Image) -> None:
    engine = UprightReaderEngine(upright_scan)
    blank = Image.new("RGB", upright_scan.size, "white")
    assert ocr_page(blank, engine, number=1).text == ""
    assert engine.seen == [blank.size]


def test_upright_only_engine_gets_the_page_as_is_without_detection(upright_scan: Image.Image) -> None:
    engine = UprightOnlyEngine()
    scan = upright_scan.rotate(90, expand=True)
    page = ocr_page(scan, engine, number=1, detect_orientation=False)
    assert engine.seen[0].size == scan.size
    assert page.lines[0].angle == 0


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_turned_scan_is_read(ppocr, turn: int) -> None:  # noqa: ANN001
    reference = INDICTMENT[0]
    upright = render.render_page_image(reference)
    page = ocr_page(upright.rotate(turn, expand=True), ppocr, number=1)
    assert cer(reference, page.text) < 0.02, page.text
    assert_offsets(page)


@pytest.mark.slow
@pytest.mark.parametrize("skew", [-4.0, 4.0])
def test_skewed_scan_keeps_reading_order(ppocr, skew: float) -> None:  # noqa: ANN001
    reference = "\n".join(INDICTMENT)
    page = ocr_page(render.render_page_image(reference, skew=skew), ppocr, number=1)
    assert cer(reference, page.text) < 0.02, page.text
    assert page.text.count("\n") == 2


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_turn_box_is_the_inverse_of_to_original(turn: int) -> None:
    box = [40.0, 30.0, 120.0, 60.0]
    turned = turn_box(box, turn, 300, 200)
    x0, y0, x1, y1 = turned
    corners = [to_original(p, turn, 300, 200) for p in [(x0, y0), (x1, y1)]]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert [min(xs), min(ys), max(xs), max(ys)] == pytest.approx(box)
