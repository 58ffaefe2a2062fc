"""The page-turn classifier (issue #3): decision logic on made-up regions, then the real models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.errors import OCR_ENGINE_UNAVAILABLE, CasefileError
from ingest.ocr import pageturn
from ingest.ocr.pageturn import (
    MAX_PIECES,
    TextRegion,
    line_pieces,
    lines_from_regions,
    page_turn,
    turned_by_quarter,
    upside_down_votes,
)
from tests.reading.conftest import INDICTMENT
from tests.support import render


def test_regions_keep_lines_in_page_pixels_and_drop_specks_and_blobs() -> None:
    stats = [
        [10, 20, 100, 8, 600],  # a line across
        [50, 40, 8, 60, 400],  # a line down
        [0, 0, 2, 2, 4],  # a speck
        [70, 70, 12, 14, 150],  # a lone character or a stamp: no direction
    ]
    regions = lines_from_regions(stats, (2.0, 3.0))
    assert [r.box for r in regions] == [(20, 60, 220, 84), (100, 120, 116, 300)]
    assert [r.along for r in regions] == [False, True]


def test_quarter_turn_is_decided_by_line_area() -> None:
    across = TextRegion((0, 0, 500, 40), 900)
    down = [TextRegion((0, 0, 40, 300), 400), TextRegion((50, 0, 90, 300), 400)]
    assert not turned_by_quarter([across, *down])  # 900 across beats 800 down
    assert turned_by_quarter([across, *down, TextRegion((100, 0, 140, 300), 400)])


def test_turn_back_for_each_way_the_text_runs() -> None:
    assert page_turn(quarter=False, upside_down=False) == 0
    assert page_turn(quarter=False, upside_down=True) == 180
    # text running up the page reads upright once its pieces are turned clockwise; turning
    # the page 270° counter-clockwise is that same clockwise quarter
    assert page_turn(quarter=True, upside_down=False) == 270
    assert page_turn(quarter=True, upside_down=True) == 90


def test_one_confident_piece_does_not_outvote_several() -> None:
    probabilities = np.array([[0.0, 1.0], [0.99, 0.01], [0.99, 0.01], [0.99, 0.01]], np.float32)
    assert upside_down_votes(probabilities) < 0
    assert upside_down_votes(probabilities[:2]) > 0


def test_vertical_line_pieces_are_turned_clockwise_to_run_left_to_right() -> None:
    gray = np.full((1000, 200), 255, np.uint8)
    gray[100:900, 80:120] = 0  # a line running down, 40 px thick, 800 long
    gray[880:900, 80:120] = 7  # its bottom end: where text running up starts
    pieces = line_pieces(gray, [TextRegion((80.0, 100.0, 120.0, 900.0), 500.0)], quarter=True)
    first = pieces[0]
    assert first.shape[0] < first.shape[1]  # lying down, about four times as long as thick
    assert (first[:, :40] == 7).any() and not (pieces[-1] == 7).any()
    assert line_pieces(gray, [TextRegion((80.0, 100.0, 120.0, 900.0), 500.0)], quarter=False) == []


def test_pieces_are_capped_and_spread_over_the_lines() -> None:
    gray = np.full((2000, 2000), 255, np.uint8)
    regions = [TextRegion((100.0, y, 1900.0, y + 40.0), 1000.0) for y in range(100, 1900, 100)]
    for region in regions:
        gray[int(region.box[1]) : int(region.box[3]), 100:1900] = 0
    pieces = line_pieces(gray, regions, quarter=False)
    assert len(pieces) == MAX_PIECES


@pytest.fixture(scope="module")
def classifier() -> pageturn.PageTurnClassifier:
    """The real classifier (two small ONNX models from the rapidocr wheel, ~1 s to load)."""
    return pageturn.get_classifier()


@pytest.mark.parametrize("text", ["\n".join(INDICTMENT), "2024年5月6日"], ids=["dense", "lone-date"])
@pytest.mark.parametrize("font", ["uming", "ukai"])
def test_real_pages_are_turned_back_upright(
    classifier: pageturn.PageTurnClassifier, text: str, font: str
) -> None:
    upright = render.render_page_image(text, font=font, noise=0.01)
    found = {turn: classifier.turn(upright.rotate(turn, expand=True)) for turn in (0, 90, 180, 270)}
    assert found == {0: 0, 90: 270, 180: 180, 270: 90}


def test_blank_page_is_left_as_it_is(classifier: pageturn.PageTurnClassifier) -> None:
    assert classifier.turn(Image.new("L", (1654, 2339), 255)) == 0


def test_missing_models_name_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pageturn, "model_paths", lambda: (tmp_path / "det.onnx", tmp_path / "c.onnx"))
    monkeypatch.setattr(pageturn, "_CLASSIFIER", None)
    with pytest.raises(CasefileError) as info:
        pageturn.get_classifier()
    assert info.value.code == OCR_ENGINE_UNAVAILABLE.code
    assert "det.onnx" in info.value.detail and "pip install" in info.value.hint
