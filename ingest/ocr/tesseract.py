"""Tesseract (chi_sim, one block of text) through its command-line binary.

Used only where the binary exists; declines otherwise. Tesseract puts spaces between CJK
characters, which are removed here so its output reads like the other engines'.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from core.cjk import remove_cjk_spaces
from core.errors import OCR_ENGINE_UNAVAILABLE, OCR_FAILED, CasefileError
from ingest.ocr.base import EngineSpec, OcrBox

if TYPE_CHECKING:
    from PIL import Image

INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"
LANG = "chi_sim"


def unavailable_reason() -> str | None:
    """Why tesseract cannot run here (binary or chi_sim data missing), or ``None``."""
    binary = shutil.which("tesseract")
    if binary is None:
        return f"未找到 tesseract 程序：{INSTALL_HINT}"
    try:
        langs = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract 无法运行（{exc}）：{INSTALL_HINT}"
    if LANG not in langs:
        return f"tesseract 缺少简体中文语言包：{INSTALL_HINT}"
    return None


class TesseractEngine:
    """Runs ``tesseract IMAGE stdout -l chi_sim --psm 6 tsv`` and groups words into lines."""

    name = "tesseract"
    # with --psm 6 a page turned by 90° reads as garbage (CER 97% on the benchmark)
    upright_only = True

    def __init__(self, binary: str, threads: int = 1) -> None:
        self.binary = binary
        self.threads = threads

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """One box per tesseract line, spaces between CJK characters removed."""
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "page.png"
            image.convert("RGB").save(src)
            try:
                proc = subprocess.run(
                    [self.binary, str(src), "stdout", "-l", LANG, "--psm", "6", "tsv"],
                    capture_output=True, text=True, timeout=600, check=True,
                    env={"OMP_THREAD_LIMIT": str(self.threads)},
                )
            except (OSError, subprocess.SubprocessError) as exc:
                raise CasefileError(OCR_FAILED, f"tesseract: {exc!r}") from exc
        return _lines_from_tsv(proc.stdout)


def _lines_from_tsv(tsv: str) -> list[OcrBox]:
    """Group tesseract's word rows (level 5) by (block, paragraph, line) into line boxes."""
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            groups.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    boxes = []
    for words in groups.values():
        x0 = min(int(w["left"]) for w in words)
        y0 = min(int(w["top"]) for w in words)
        x1 = max(int(w["left"]) + int(w["width"]) for w in words)
        y1 = max(int(w["top"]) + int(w["height"]) for w in words)
        text = remove_cjk_spaces(" ".join(w["text"] for w in words))
        conf = sum(max(float(w["conf"]), 0.0) for w in words) / len(words) / 100.0
        boxes.append(OcrBox.from_xyxy(text, [x0, y0, x1, y1], conf))
    return boxes


def build(threads: int = 1) -> TesseractEngine:
    """Build the engine; decline with the install command when tesseract is missing."""
    reason = unavailable_reason()
    binary = shutil.which("tesseract")
    if reason or binary is None:
        raise CasefileError(OCR_ENGINE_UNAVAILABLE, reason or "", hint=f"请安装：{INSTALL_HINT}")
    return TesseractEngine(binary, threads)


ENGINES = (EngineSpec("tesseract", build, unavailable_reason, INSTALL_HINT),)
