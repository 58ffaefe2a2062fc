"""Measure ppocr's cheap speed knobs on the same pages: threads, detection size, rec batch size.

Each setting runs in this process, one after the other, on clean and degraded pages of the
benchmark corpus (both typefaces); prints CER and s/page per setting. ``--engine ppocr-small``
measures the engine with the PP-OCRv6 small recogniser.

    .venv/bin/python -m bench.ocr.ppocr_knobs --per-file 1
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from statistics import mean

from PIL import Image

from bench.ocr.corpus import build_corpus, page_texts
from bench.ocr.run_bench import DEFAULT_FILES, DEV_DATA
from ingest.ocr import linerec, ppocr
from ingest.reading.ocrpage import ocr_page
from tests.support.textmetrics import normalized_cer

# (label, intra-op threads, detection longest side, recognition batch size)
SETTINGS = [
    ("default: 2 threads, det 960, batch 6", 2, 960, 6),
    ("1 thread", 1, 960, 6),
    ("det 736", 2, 736, 6),
    ("rec batch 24", 2, 960, 24),
]
CONDITIONS = ("clean", "blur", "noise", "jpeg40", "fax")


def main() -> None:
    """Print one row per setting."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--per-file", type=int, default=1)
    parser.add_argument("--engine", default="ppocr", choices=sorted(ppocr.REC_MODELS))
    args = parser.parse_args()
    texts = page_texts([DEV_DATA / f for f in DEFAULT_FILES], args.per_file)
    with tempfile.TemporaryDirectory() as tmp:
        index = [i for i in build_corpus(texts, Path(tmp)) if i["condition"] in CONDITIONS]
        images = [(Image.open(str(i["path"])), str(i["reference"])) for i in index]
        for img, _ in images:
            img.load()
        print(f"{len(images)} pages; load average {os.getloadavg()[0]:.2f}")
        for label, threads, det_side, batch in SETTINGS:
            ppocr.DET_MAX_SIDE = det_side
            linerec.BATCH = batch
            engine = ppocr.PpOcrEngine(threads, args.engine)
            ocr_page(images[0][0], engine, number=1)  # warm up untimed
            rates, seconds = [], []
            for img, ref in images:
                t0 = time.perf_counter()
                page = ocr_page(img, engine, number=1)
                seconds.append(time.perf_counter() - t0)
                rates.append(normalized_cer(ref, page.text))
            print(f"{label:40} CER {mean(rates):.2%}  {mean(seconds):.2f} s/page  "
                  f"load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
