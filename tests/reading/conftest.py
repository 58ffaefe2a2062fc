"""Fixtures for reading tests: fictional case-file text, fake and real OCR engines."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PIL import Image

from ingest.ocr import OcrBox, OcrEngine, get_engine
from ingest.reading.types import PageContent

# Fictional text written for these tests (no real person, case or ID number).
INDICTMENT = [
    "被告人欧阳明远，男，1987年11月23日出生，公民身份号码320102198711230519，汉族，"
    "高中文化，无业，住江苏省南京市玄武区梧桐路18号。因涉嫌诈骗罪于2023年6月14日被南京市公安局"
    "玄武分局刑事拘留，同年7月20日经本院批准逮捕。",
    "经依法审查查明：2022年9月至2023年5月间，被告人欧阳明远冒充某银行工作人员，以办理低息贷款"
    "需缴纳保证金为由，先后骗取被害人赵某、钱某、孙某人民币共计人民币十二万三千元。",
    "本院认为，被告人欧阳明远以非法占有为目的，骗取他人财物，数额巨大，其行为触犯了《中华人民"
    "共和国刑法》第二百六十六条，应当以诈骗罪追究其刑事责任。",
]
SHORT_PAGE = "被告人李秀兰，女，1990年2月5日出生，公民身份号码110101199002050028。"


def assert_offsets(page: PageContent) -> None:
    """Every line's offsets point at its own text in the page text, in order, without overlap."""
    assert page.lines, "page has no lines"
    last_end = 0
    for line in page.lines:
        assert page.text[line.start : line.end] == line.text
        assert line.start >= last_end
        last_end = line.end


@dataclass
class ScriptedEngine:
    """A real engine plugin that returns fixed boxes and records the images it was given."""

    boxes: list[OcrBox] = field(default_factory=list)
    name: str = "scripted"
    upright_only: bool = False
    seen: list[tuple[int, int]] = field(default_factory=list)

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Record the image size; return the scripted boxes."""
        self.seen.append(image.size)
        return list(self.boxes)


@pytest.fixture
def scripted() -> ScriptedEngine:
    """Provide an engine returning one line of known text."""
    return ScriptedEngine([OcrBox.from_xyxy("被 告 人 张 三", [100, 100, 400, 140], 0.9)])


@pytest.fixture(scope="session")
def ppocr():
    """Provide the real default engine (models load once for the whole session)."""
    return get_engine("ppocr", threads=2)


# Every real engine the contract tests run against; paddleocr only where Paddle is installed
# (1.5 GB, conflicts with .venv's OpenCV/NumPy: see scripts/setup.sh --paddle).
REAL_ENGINES = [
    "ppocr",
    "ppocr-small",
    pytest.param("paddleocr", marks=pytest.mark.paddle),
    "tesseract",
]


def real_engine(name: str) -> OcrEngine:
    """The named engine, built once per process; missing fails in CI and skips elsewhere."""
    from core.errors import CasefileError
    from tests.conftest import IN_CI

    try:
        return get_engine(name, threads=2)
    except CasefileError as exc:
        message = f"OCR engine {name} unavailable: {exc.detail}; {exc.hint}"
        if IN_CI:
            pytest.fail(
                message + " (CI: scripts/setup.sh --dev installs tesseract; --paddle builds"
                " .venv-paddle for paddleocr, or deselect it explicitly with -m 'not paddle')"
            )
        pytest.skip(message)
