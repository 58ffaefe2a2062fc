"""PP-OCR (det + rec, PP-OCRv6 small) through rapidocr and onnxruntime.

The models ship inside the rapidocr wheel; they are passed by explicit path so that rapidocr never
tries to download anything. The text-line direction classifier is off: on upright scans it was
measured turning an upright line upside down, after which the line vanished from the output.
Rotated pages are the reader's problem, not the line classifier's.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import OCR_ENGINE_UNAVAILABLE, OCR_FAILED, CasefileError
from ingest.ocr.base import OcrBox

if TYPE_CHECKING:
    from PIL import Image

INSTALL_HINT = "pip install 'rapidocr>=3.10' onnxruntime"
DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
# Detection runs on the page shrunk with area averaging to this longest side; recognition reads
# crops of the full-resolution page. Measured on A4 pages at 200 DPI (2 cores, PP-OCRv6 small):
# - detection at full resolution ~10 s/page, at 960 px ~0.7 s, same CER on 9-14 pt text;
# - at 1280 px and above the detector MISSES a short word alone on a page ("此致", a date at the
#   foot of a page: its probability map stays near 0);
# - rapidocr's own shrinking (bilinear, no averaging) keeps salt-and-pepper noise at full
#   strength and the detector then drops half-lines of a noisy scan; area averaging does not.
DET_MAX_SIDE = 960
MIN_SCORE = 0.5  # rapidocr's default text_score: below it a "line" is mostly noise


def model_dir() -> Path | None:
    """Folder holding the bundled ONNX models, or ``None`` when rapidocr is not installed."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "models"


def unavailable_reason() -> str | None:
    """Why this engine cannot run here, or ``None`` when it can (cheap: imports nothing heavy)."""
    if importlib.util.find_spec("onnxruntime") is None:
        return f"onnxruntime 未安装：{INSTALL_HINT}"
    models = model_dir()
    if models is None:
        return f"rapidocr 未安装：{INSTALL_HINT}"
    missing = [m for m in (DET_MODEL, REC_MODEL) if not (models / m).is_file()]
    if missing:
        return f"缺少模型文件 {', '.join(missing)}（{models}）：{INSTALL_HINT}"
    return None


class PpOcrEngine:
    """rapidocr's RapidOCR with explicit model paths, no line classifier, fixed thread count."""

    name = "ppocr"

    def __init__(self, threads: int = 1) -> None:
        from rapidocr import RapidOCR  # heavy: onnxruntime and OpenCV load here, not at import

        models = model_dir()
        assert models is not None  # checked by unavailable_reason() before building
        params: dict[str, Any] = {
            "Global.use_cls": False,
            "Global.log_level": "error",  # a blank page is not worth a warning
            # the shrinking for detection is done here (area averaging); rapidocr must not
            # resize again, neither the page nor the detector input
            "Global.max_side_len": 100_000,
            "Det.limit_type": "max",
            "Det.limit_side_len": 100_000,
            "Det.model_path": str(models / DET_MODEL),
            "Rec.model_path": str(models / REC_MODEL),
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self.threads = threads
        self._ocr = RapidOCR(params=params)

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Recognised fragments with their quadrilaterals in ``image`` pixels."""
        import cv2
        import numpy as np
        from rapidocr.main import RapidOCRError

        # rapidocr takes ndarrays in OpenCV's BGR order
        full = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        h, w = full.shape[:2]
        ratio = min(1.0, DET_MAX_SIDE / max(h, w))
        small = full
        if ratio < 1.0:
            small_size = (max(1, round(w * ratio)), max(1, round(h * ratio)))
            small = cv2.resize(full, small_size, interpolation=cv2.INTER_AREA)
        # per-axis factors: the rounded small size is not exactly ratio x the page
        back = np.array([w / small.shape[1], h / small.shape[0]], dtype=np.float32)
        try:
            det = self._ocr(small, use_rec=False)
            quads = getattr(det, "boxes", None)
            if quads is None or len(quads) == 0:
                return []
            quads = np.asarray(quads, dtype=np.float32) * back
            rec = self._ocr.recognize_txt(self._ocr.crop_text_regions(full, quads))
        except (RapidOCRError, RuntimeError, ValueError, OSError, cv2.error) as exc:
            raise CasefileError(OCR_FAILED, f"rapidocr: {exc!r}") from exc
        result = []
        for quad, text, score in zip(quads, rec.txts or (), rec.scores or (), strict=True):
            if score < MIN_SCORE or not str(text).strip():
                continue
            pts = tuple((float(x), float(y)) for x, y in quad)
            result.append(OcrBox(str(text), pts, float(score)))  # type: ignore[arg-type]
        return result


def build(threads: int = 1) -> PpOcrEngine:
    """Build the engine for the registry, loading the models (once per process via its cache)."""
    reason = unavailable_reason()
    if reason:
        raise CasefileError(OCR_ENGINE_UNAVAILABLE, reason, hint=f"请安装：{INSTALL_HINT}")
    return PpOcrEngine(threads)
