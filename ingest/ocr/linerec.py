"""Text-line recognition with a PP-OCR CTC model on onnxruntime, preferring simplified forms.

Takes the line crops that detection cut out (BGR, any size) and returns one ``(text, confidence)``
per crop. Preprocessing is PP-OCR's: each crop is resized to the model's height (48 px) keeping
its aspect ratio, scaled to ``[-1, 1]`` and right-padded to the widest crop of its batch; crops are
batched by similar width so that little padding is read.

Case files are written in simplified Chinese, but a glyph such as 盗 differs from its traditional
form 盜 by a few pixels. Measured on the OCR benchmark, PP-OCRv6 tiny read 盗窃 as 盜窃 on clean
pages of both typefaces (盜 0.53-0.83, 盗 as runner-up 0.17-0.47), the largest part of its clean
CER (0.28% → 0.08% with the preference). So where the most probable character is a traditional
form outside GB2312 and its simplified form is the runner-up with some probability, the
simplified form is read. A traditional character the model is sure of (a name written 禕) stays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from onnxruntime import InferenceSession

HEIGHT = 48  # input height of every PP-OCR rec model since v3
MIN_WIDTH_RATIO = 320 / 48  # PP-OCR pads a batch to at least this width-to-height ratio
# One crop per run: a batch is padded to its widest crop and the padding is read too. Measured on
# 12 known-item pages (quiet machine, 1 thread): tiny 0.121 CPU-s/page with rapidocr's and
# PaddleOCR's default of 6 per batch vs 0.102 one by one; small 0.622 vs 0.523.
BATCH = 1
# The simplified form wins when it has at least this probability at a step whose best character
# is its traditional form (the runner-up of a true 盗 was ≥ 0.17 in the benchmark). Distinct
# glyphs (著/着) never come near: the preference only resolves look-alike pairs.
SIMPLIFIED_MIN_PROBABILITY = 0.1


def read_charset(session: InferenceSession, charset_path: Path | None) -> list[str]:
    """Characters of the model's classes, without CTC's blank and the trailing space.

    From ``charset_path`` where given, else from the model's metadata (read off its session: a
    session built only for that cost 0.15 s of every process's start).
    """
    if charset_path is not None:
        return charset_path.read_text("utf-8").splitlines()
    return session.get_modelmeta().custom_metadata_map["character"].splitlines()


def simplified_of(charset: Sequence[str]) -> dict[int, int]:
    """Class index of each traditional-only character → that of its simplified form.

    Traditional-only means outside GB2312 (the simplified character set; it also holds forms
    such as 乾 and 著 that simplified text uses, which are therefore never replaced) with an
    OpenCC ``t2s`` conversion that is another single character of the charset.
    """
    import opencc  # lazy: loads its conversion tables

    convert = opencc.OpenCC("t2s").convert
    index = {ch: i for i, ch in enumerate(charset)}
    pairs = {}
    for i, ch in enumerate(charset):
        if len(ch) != 1 or _in_gb2312(ch):
            continue
        simple = convert(ch)
        if simple != ch and simple in index:
            pairs[i] = index[simple]
    return pairs


def simplified_table(classes: Sequence[str]) -> NDArray[np.int64]:
    """``simplified_of`` as an array over the class indices (-1: no simplified form)."""
    table = np.full(len(classes), -1, dtype=np.int64)
    for traditional, simple in simplified_of(classes).items():
        table[traditional] = simple
    return table


class Reading(NamedTuple):
    """One line as read: its text, each character's probability and where it stands.

    ``positions`` holds each character's centre as a fraction of the crop's width (0 left, 1
    right) where the recogniser knows it, else is empty: a second reading uses it to cut out
    only the characters it reads again.
    """

    text: str
    probabilities: tuple[float, ...]
    positions: tuple[float, ...] = ()

    @property
    def confidence(self) -> float:
        """The mean probability of the characters read (0 for nothing read)."""
        return sum(self.probabilities) / len(self.probabilities) if self.probabilities else 0.0

    @property
    def weakest(self) -> float:
        """The probability of the least certain character (0 for nothing read)."""
        return min(self.probabilities, default=0.0)


def ctc_decode(
    steps: NDArray[np.float32],
    classes: Sequence[str],
    simplified: NDArray[np.int64],
    step_width: float = 0.0,
) -> Reading:
    """Greedy CTC decoding of one line's ``steps x classes`` probabilities (class 0: blank).

    The best class per step, simplified where ``simplified`` says so (module docstring), repeats
    merged, blanks dropped; the confidence is the mean probability of the characters read, and
    ``weakest`` the probability of the least certain one. With ``step_width`` (the share of the
    crop's width one step covers) each character's position is the centre of its run of steps.
    """
    best = steps.argmax(axis=1)
    prob = steps[np.arange(len(best)), best]
    simple = simplified[best]
    at = np.nonzero(simple >= 0)[0]
    at = at[steps[at, simple[at]] >= SIMPLIFIED_MIN_PROBABILITY]
    # the model is sure of the character and unsure of its form: count both forms' probability
    prob[at] += steps[at, simple[at]]
    best[at] = simple[at]
    starts = np.ones(len(best), dtype=bool)
    starts[1:] = best[1:] != best[:-1]
    keep = starts & (best != 0)
    if not keep.any():
        return Reading("", ())
    text = "".join(classes[c] for c in best[keep])
    positions: tuple[float, ...] = ()
    if step_width > 0:
        # a character's run of steps ends where the next run (blank or other) starts
        run_starts = np.nonzero(starts)[0]
        run_ends = np.append(run_starts[1:], len(best))
        read = best[run_starts] != 0
        positions = tuple(((run_starts[read] + run_ends[read]) / 2 * step_width).tolist())
    return Reading(text, tuple(prob[keep].tolist()), positions)


# Merging two readings of a line: characters only the first model read are kept when it was at
# least this sure of them (PP-OCRv6 small drops 〇 from dates, 二〇一九 → 二一九, where tiny reads
# it at 0.5-0.99); characters only the second model read are added when it was this sure.
KEEP_UNMATCHED_FIRST = 0.5
ADD_UNMATCHED_SECOND = 0.9


def merge_readings(first: Reading, second: Reading) -> Reading:
    """One reading of a line from two models' readings, character by character.

    The texts are aligned; where they differ by the same number of characters each position takes
    the more probable character, a longer difference takes the side whose least sure character is
    surer, and characters read by one model only are kept as ``KEEP_UNMATCHED_FIRST`` and
    ``ADD_UNMATCHED_SECOND`` say. Measured on the benchmarks' scans (docs/BENCHMARKS.md, OCR,
    "second reading"): taking either reading whole keeps one model's systematic errors, this
    keeps neither.
    """
    if not second.text.strip():
        return first
    a, pa, b, pb = first.text, first.probabilities, second.text, second.probabilities
    chars: list[str] = []
    probs: list[float] = []

    def take(text: str, p: Sequence[float], lo: int, hi: int) -> None:
        chars.extend(text[lo:hi])
        probs.extend(p[lo:hi])

    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            chars.extend(a[i1:i2])
            probs.extend(max(x, y) for x, y in zip(pa[i1:i2], pb[j1:j2], strict=True))
        elif op == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                take(*((b, pb, j, j + 1) if pb[j] >= pa[i] else (a, pa, i, i + 1)))
        elif op == "replace":
            take(*((b, pb, j1, j2) if min(pb[j1:j2]) >= min(pa[i1:i2]) else (a, pa, i1, i2)))
        elif op == "delete" and min(pa[i1:i2]) >= KEEP_UNMATCHED_FIRST:
            take(a, pa, i1, i2)
        elif op == "insert" and min(pb[j1:j2]) >= ADD_UNMATCHED_SECOND:
            take(b, pb, j1, j2)
    if not chars:
        return first
    return Reading("".join(chars), tuple(probs))


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


class LineRecognizer:
    """One onnxruntime session of a PP-OCR rec model; built once per engine, not thread-safe."""

    def __init__(self, model_path: Path, charset_path: Path | None, threads: int) -> None:
        from ingest.ocr.onnx import cpu_session

        self._session = cpu_session(model_path, threads)
        self._input = self._session.get_inputs()[0].name
        charset = read_charset(self._session, charset_path)
        # class 0 is CTC's blank; PP-OCR models end with a class for the space character
        self.classes = ["", *charset, " "]
        self._simplified = simplified_table(self.classes)

    def read(self, crops: Sequence[NDArray[np.uint8]]) -> list[Reading]:
        """The reading of each crop, in the order given."""
        results = [Reading("", ())] * len(crops)
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            inputs, widths = self._prepare([crops[i] for i in batch])
            probs = self._session.run(None, {self._input: inputs})[0]
            # one step covers (input width / steps) pixels, of which a crop fills ``w``
            step_px = inputs.shape[3] / probs.shape[1]
            for i, steps, w in zip(batch, probs, widths, strict=True):
                results[i] = ctc_decode(steps, self.classes, self._simplified, step_px / w)
        return results

    @staticmethod
    def _prepare(crops: Sequence[NDArray[np.uint8]]) -> tuple[NDArray[np.float32], list[int]]:
        """The batch the model reads, and the width each crop fills in it (the rest: padding)."""
        import cv2

        ratio = max([MIN_WIDTH_RATIO] + [c.shape[1] / c.shape[0] for c in crops])
        width = int(HEIGHT * ratio)
        batch = np.zeros((len(crops), 3, HEIGHT, width), dtype=np.float32)
        widths = []
        for n, crop in enumerate(crops):
            w = max(1, min(width, math.ceil(HEIGHT * crop.shape[1] / crop.shape[0])))
            resized = cv2.resize(crop, (w, HEIGHT)).astype(np.float32)
            batch[n, :, :, :w] = resized.transpose(2, 0, 1) / 127.5 - 1.0
            widths.append(w)
        return batch, widths
