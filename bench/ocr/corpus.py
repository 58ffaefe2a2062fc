"""OCR benchmark corpus: A4 scans at 200 DPI of dev texts, two typefaces, clean and degraded.

The texts come from ``../shared/data/dev/*.jsonl`` (outside the repository, never copied into
it). Each degradation imitates one thing real dossier scans suffer from; all are deterministic.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter

from core.cjk import remove_cjk_spaces
from tests.support import render

FONTS = ("uming", "ukai")
PAGE_CHARS = 600  # fits an A4 page at 14 pt with room for paragraph indents
DPI = 200


def page_texts(files: list[Path], per_file: int) -> list[str]:
    """The first page (leading paragraphs up to ``PAGE_CHARS``) of ``per_file`` texts per file."""
    chunks: list[str] = []
    for data in files:
        taken = 0
        for raw in data.open(encoding="utf-8"):
            text = json.loads(raw).get("text") or ""
            paragraphs = [remove_cjk_spaces(p.strip()) for p in text.split("\n")]
            chunk: list[str] = []
            budget = PAGE_CHARS
            for para in filter(None, paragraphs):
                chunk.append(para[:budget])
                budget -= len(chunk[-1])
                if budget <= 0:
                    break
            # short texts (a fact section) make half-empty pages: keep pages comparable
            if sum(map(len, chunk)) >= PAGE_CHARS // 2:
                chunks.append("\n".join(chunk))
                taken += 1
            if taken >= per_file:
                break
    return chunks


def _jpeg(img: Image.Image, quality: int = 40) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def _fax(img: Image.Image) -> Image.Image:
    """Standard-resolution fax (204 x 98 DPI): half the vertical resolution, 1-bit, scaled back."""
    w, h = img.size
    low = img.resize((w, h // 2), Image.Resampling.BOX).point(lambda v: 255 if v > 160 else 0)
    return low.resize((w, h), Image.Resampling.NEAREST)


def _low_contrast(img: Image.Image) -> Image.Image:
    """Faded toner on grey paper: ink at 140, paper at 200 (of 255)."""
    pixels = np.asarray(img, dtype=np.float32)
    return Image.fromarray((140 + pixels * (60 / 255)).astype(np.uint8))


def _noise(img: Image.Image) -> Image.Image:
    rng = np.random.default_rng(7)
    pixels = np.array(img)
    count = int(0.02 * pixels.size)
    ys, xs = rng.integers(0, pixels.shape[0], count), rng.integers(0, pixels.shape[1], count)
    pixels[ys, xs] = rng.integers(0, 256, count, dtype=np.uint8)
    return Image.fromarray(pixels)


def _skew(degrees: float) -> Callable[[Image.Image], Image.Image]:
    def turn(img: Image.Image) -> Image.Image:
        return img.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255)

    return turn


CONDITIONS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "clean": lambda img: img,
    "skew+2": _skew(2.0),
    "skew-2": _skew(-2.0),
    "blur": lambda img: img.filter(ImageFilter.GaussianBlur(1.2)),
    "noise": _noise,
    "jpeg40": _jpeg,
    "fax": _fax,
    "lowcontrast": _low_contrast,
    "turned90": lambda img: img.rotate(90, expand=True, fillcolor=255),
}


def build_corpus(
    texts: list[str], out: Path, conditions: list[str] | None = None
) -> list[dict[str, object]]:
    """Render every text in every font and condition to PNGs under ``out``; return the index.

    ``conditions`` (names in ``CONDITIONS``) limits the conditions; unknown names raise
    ``KeyError``.
    """
    out.mkdir(parents=True, exist_ok=True)
    chosen = {c: CONDITIONS[c] for c in conditions} if conditions else CONDITIONS
    index: list[dict[str, object]] = []
    for font in FONTS:
        for i, text in enumerate(texts):
            clean = render.render_page_image(text, font=font, dpi=DPI, seed=i)
            for condition, degrade in chosen.items():
                path = out / f"{font}-{i}-{condition}.png"
                degrade(clean).save(path)
                index.append(
                    {"path": str(path), "font": font, "text": i, "condition": condition,
                     "reference": text}
                )
    return index
