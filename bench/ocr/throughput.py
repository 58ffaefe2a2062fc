"""OCR throughput of the machine: pages per second with P worker processes of T threads each.

run_bench.py times one page at a time in one process; a casefile worker runs
``worker_concurrency`` processes (2 by default) with ``ocr_threads`` intra-op threads each (1 by
default), each on its own page. This measures that figure on the same benchmark pages: every
process builds its engine and reads one page untimed, they start together, and the wall time
from the first start to the last finish over all pages gives seconds per page of the machine.
CPU seconds per page are the processes' own CPU time (onnxruntime's spinning threads included).

    .venv/bin/python -m bench.ocr.throughput --engines ppocr,ppocr-small --layouts 2x1,1x2
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.ocr.corpus import build_corpus, page_texts
from bench.ocr.run_bench import DEFAULT_FILES, DEV_DATA

CONDITIONS = ("clean", "blur", "noise", "jpeg40", "fax", "lowcontrast")


def _worker(engine_name: str, threads: int, paths: list[str], start: Any, out: Any) -> None:
    from PIL import Image

    from ingest.ocr import get_engine
    from ingest.reading.ocrpage import ocr_page

    engine = get_engine(engine_name, threads=threads)
    ocr_page(Image.open(paths[0]), engine, number=1)  # models loaded, untimed
    images = [Image.open(p) for p in paths]
    for image in images:
        image.load()
    start.wait()
    t0, c0 = time.perf_counter(), time.process_time()
    for image in images:
        ocr_page(image, engine, number=1)
    out.put((t0, time.perf_counter(), time.process_time() - c0))


def measure(engine_name: str, processes: int, threads: int, paths: list[str]) -> dict[str, float]:
    """Seconds per page (wall, whole machine) and CPU seconds per page for one layout."""
    ctx = mp.get_context("spawn")  # each process loads its own models, as a worker does
    start, out = ctx.Barrier(processes), ctx.Queue()
    shares = [paths[i::processes] for i in range(processes)]
    procs = [ctx.Process(target=_worker, args=(engine_name, threads, share, start, out))
             for share in shares]
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    return {"s_per_page": wall / len(paths), "cpu_s_per_page": sum(r[2] for r in results)
            / len(paths), "load": os.getloadavg()[0]}


def main() -> None:
    """Print one row per engine and layout."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--per-file", type=int, default=1)
    parser.add_argument("--engines", default="ppocr,ppocr-small")
    parser.add_argument("--layouts", default="2x1,1x2", help="PROCESSESxTHREADS, comma-separated")
    args = parser.parse_args()
    texts = page_texts([DEV_DATA / f for f in DEFAULT_FILES], args.per_file)
    with tempfile.TemporaryDirectory() as tmp:
        index = [i for i in build_corpus(texts, Path(tmp)) if i["condition"] in CONDITIONS]
        paths = [str(i["path"]) for i in index]
        print(f"{len(paths)} pages ({', '.join(CONDITIONS)}); load average before "
              f"{' / '.join(f'{v:.2f}' for v in os.getloadavg())}")
        for name in args.engines.split(","):
            for layout in args.layouts.split(","):
                processes, threads = (int(v) for v in layout.split("x"))
                before = os.getloadavg()[0]
                row = measure(name, processes, threads, paths)
                print(f"{name:12} {processes} process(es) x {threads} thread(s): "
                      f"{row['s_per_page']:.2f} s/page, {1 / row['s_per_page']:.2f} pages/s, "
                      f"{row['cpu_s_per_page']:.2f} CPU-s/page; load {before:.2f} → "
                      f"{row['load']:.2f}", flush=True)


if __name__ == "__main__":
    main()
