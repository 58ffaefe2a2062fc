"""Ways of running the text detector, compared on the same pages: CPU-seconds, CER, numerals.

One ppocr engine, one onnxruntime thread, reads every page once per policy in the same process,
the order turning from page to page so that none profits from warm caches. Policies
(``--policies``): ``fixed`` detects the whole page at ``DET_MAX_SIDE`` (before issue #19 item
3); ``adaptive`` at the size chosen by ``ingest.ocr.detsize``; ``ink`` the inked part of the
page at ``DET_MAX_SIDE``'s scale (``ingest.ocr.inkbox``); ``adaptive+ink`` both. CPU time is the process's (``time.process_time``): on a
shared machine wall time measures the neighbours. Detection CPU is counted separately (every
call of the detector, including a page's second detection when its text came out too small).

Pages as ``bench.ocr.reread`` takes them: the OCR corpus (dev texts, two typefaces, clean and
degraded) and scanned labelled judgments (``bench.extract.scanned``: dates, terms, fines).

    .venv/bin/python -m bench.ocr.detsize --per-file 1 --judgments 4
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from statistics import mean
from typing import Any

from bench.ocr.reread import Timed, letters_and_digits, numeral_errors, pages
from ingest.ocr import ppocr
from ingest.reading.ocrpage import ocr_page
from tests.support.textmetrics import normalized_cer

# policy: (adaptive detection size, crop to the ink)
POLICIES = {
    "fixed": (False, False), "adaptive": (True, False), "ink": (False, True),
    "adaptive+ink": (True, True),
}


def run(
    per_file: int, judgments: int, skip: int = 0, policies: tuple[str, ...] = ("fixed", "adaptive"),
) -> dict[str, Any]:
    """Per policy and page: total and detection CPU-s, CER, numeral errors, detection sizes."""
    engine = ppocr.PpOcrEngine(threads=1, name="ppocr")
    sizes: list[int] = []
    detect_at = engine._detect_at

    def recorded(full: Any, side: int) -> Any:
        sizes.append(side)
        return detect_at(full, side)

    engine._detect_at = recorded  # type: ignore[method-assign]
    detector = Timed(engine._detector.detect)
    engine._detector.detect = detector  # type: ignore[method-assign]
    rows: dict[str, list[dict[str, Any]]] = {p: [] for p in policies}
    with tempfile.TemporaryDirectory() as tmp:
        items = pages(per_file, judgments, Path(tmp), skip)
        ocr_page(items[0][2], engine, number=1)  # load and warm up, untimed
        for k, (group, ref, img) in enumerate(items):
            turn = k % len(policies)
            for policy in policies[turn:] + policies[:turn]:
                engine.adaptive_detection, engine.crop_to_ink = POLICIES[policy]
                sizes.clear()
                det_before = detector.cpu
                t0 = time.process_time()
                page = ocr_page(img, engine, number=1)
                total = time.process_time() - t0
                rows[policy].append({
                    "set": group, "cpu": total, "det_cpu": detector.cpu - det_before,
                    "sizes": tuple(sizes), "cer": normalized_cer(ref, page.text),
                    "cer_ld": normalized_cer(letters_and_digits(ref), letters_and_digits(page.text)),
                    "numerals": numeral_errors(ref, page.text),
                })
    return {"pages": len(items), "rows": rows, "load": os.getloadavg()}


def _mean(values: list[float]) -> float:
    return mean(values) if values else 0.0


def report(result: dict[str, Any]) -> None:
    """Print one block per policy."""
    print(f"{result['pages']} pages; load after {result['load'][0]:.2f}")
    for policy, rows in result["rows"].items():
        clean = [r["cer"] for r in rows if r["set"] == "corpus clean"]
        degraded = [r["cer"] for r in rows
                    if r["set"].startswith("corpus") and r["set"] != "corpus clean"]
        scans = [r for r in rows if r["set"] == "judgment scans"]
        corpus_ld = [r["cer_ld"] for r in rows if r["set"].startswith("corpus")]
        sizes = Counter(r["sizes"] for r in rows)
        print(f"{policy:12} {_mean([r['cpu'] for r in rows]):.3f} CPU-s/page, detection "
              f"{_mean([r['det_cpu'] for r in rows]):.3f}; sizes {dict(sizes)}")
        print(f"          CER clean {_mean(clean):.3%} ({len(clean)} p), degraded "
              f"{_mean(degraded):.3%} ({len(degraded)} p), judgment scans "
              f"{_mean([r['cer'] for r in scans]):.3%} ({len(scans)} p); numeral errors "
              f"corpus {sum(r['numerals'] for r in rows if r['set'].startswith('corpus'))}, "
              f"scans {sum(r['numerals'] for r in scans)}; letters and digits only: corpus "
              f"{_mean(corpus_ld):.3%}, scans {_mean([r['cer_ld'] for r in scans]):.3%}")
        by_set: dict[str, list[float]] = {}
        for r in rows:
            by_set.setdefault(r["set"], []).append(r["cer"])
        print("          " + ", ".join(f"{s} {_mean(v):.3%}" for s, v in by_set.items()))


def main() -> None:
    """Read the pages both ways and print the comparison."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--per-file", type=int, default=1)
    parser.add_argument("--judgments", type=int, default=4)
    parser.add_argument("--skip-judgments", type=int, default=0)
    parser.add_argument("--policies", default="fixed,adaptive",
                        help=f"comma-separated, of: {', '.join(POLICIES)}")
    args = parser.parse_args()
    policies = tuple(args.policies.split(","))
    unknown = set(policies) - set(POLICIES)
    if unknown:
        parser.error(f"unknown policies: {', '.join(sorted(unknown))}")
    report(run(args.per_file, args.judgments, args.skip_judgments, policies))


if __name__ == "__main__":
    main()
