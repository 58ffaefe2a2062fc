"""ppocr's second reading, old and new, on the same pages: CPU-seconds, CER and numeral errors.

The old second reading reads every unsure line again whole with small rec; the new one
(``ingest.ocr.ppocr``) reads only windows around the unsure characters. Detection and tiny rec
are the same for both, so each page is detected and read by tiny once (their CPU counted once
and added to each policy) and the second reading is run by each policy on the same crops; the
whole page (``ocr_page``: turned-page check, reading order) is rebuilt for each. CPU time is
the process's (``time.process_time``, all threads), one onnxruntime thread: on a shared machine
wall time measures the neighbours.

Pages: the OCR benchmark's corpus (``bench.ocr.corpus``: dev texts, two typefaces, clean and
degraded) and scanned labelled judgments as ``bench.extract.scanned`` renders them (dates,
terms, fines: the numerals). A numeral error is an edit (``difflib`` opcode on the texts as
CER compares them) that touches a numeral (``ppocr.NUMERALS``) on either side.

    .venv/bin/python -m bench.ocr.reread --per-file 1 --judgments 4 --policies line,window

Policies: ``line`` (before issue #19), ``window`` (the engine as it is).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from statistics import mean
from typing import Any

from PIL import Image

from bench.extract.scanned import FONTS as SCAN_FONTS
from bench.extract.scanned import scan
from bench.extract.score import DEFAULT_DATA, read_jsonl
from bench.ocr.corpus import build_corpus, page_texts
from bench.ocr.run_bench import DEFAULT_FILES, DEV_DATA
from ingest.ocr import ppocr
from ingest.ocr.linerec import Reading, merge_readings
from ingest.reading.ocrpage import ocr_page
from tests.support.dossier import paginate
from tests.support.textmetrics import normalize_for_cer, normalized_cer

CONDITIONS = ["clean", "noise", "fax", "jpeg40", "lowcontrast"]


def letters_and_digits(text: str) -> str:
    """``text`` without punctuation and symbols: what search and extraction see."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def numeral_errors(reference: str, hypothesis: str) -> int:
    """Edits between the texts (as CER compares them) that touch a numeral on either side."""
    ref, hyp = normalize_for_cer(reference), normalize_for_cer(hypothesis)
    return sum(
        1
        for op, i1, i2, j1, j2 in SequenceMatcher(None, ref, hyp, autojunk=False).get_opcodes()
        if op != "equal" and any(ch in ppocr.NUMERALS for ch in ref[i1:i2] + hyp[j1:j2])
    )


def needed_second_reading_before(reading: Reading) -> bool:
    """``ppocr.needs_second_reading`` before issue #19: any character or numeral unsure."""
    if reading.confidence < ppocr.RECHECK_MIN_CONFIDENCE:
        return False
    return reading.weakest < ppocr.RECHECK_BELOW or any(
        p < ppocr.RECHECK_NUMERAL_BELOW
        for ch, p in zip(reading.text, reading.probabilities, strict=True)
        if ch in ppocr.NUMERALS
    )


def read_whole_lines(engine: ppocr.PpOcrEngine, crops: list[Any], lines: list[Reading]) -> None:
    """The second reading before issue #19: every unsure line read again whole."""
    assert engine._second is not None
    unsure = [i for i, line in enumerate(lines) if needed_second_reading_before(line)]
    if unsure:
        again = engine._second.read([crops[i] for i in unsure])
        for i, second in zip(unsure, again, strict=True):
            lines[i] = merge_readings(lines[i], second)


class Timed:
    """Wraps a callable model; counts the CPU seconds its calls take."""

    def __init__(self, call: Callable[..., Any]) -> None:
        self.call = call
        self.cpu = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return self.call(*args, **kwargs)
        finally:
            self.cpu += time.process_time() - t0


class Memo:
    """Answers a repeated call from memory (keyed by the input's bytes), counting first calls' CPU."""

    def __init__(self, call: Callable[..., Any], key: Callable[..., str]) -> None:
        self.call, self.key = call, key
        self.cache: dict[str, Any] = {}
        self.cpu = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        k = self.key(*args, **kwargs)
        if k not in self.cache:
            t0 = time.process_time()
            self.cache[k] = self.call(*args, **kwargs)
            self.cpu += time.process_time() - t0
        return self.cache[k]


def _digest(*arrays: Any) -> str:
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        h.update(a.tobytes())
        h.update(str(a.shape).encode())
    return h.hexdigest()


class BenchEngine(ppocr.PpOcrEngine):
    """ppocr with detection and tiny rec remembered per input, and a choice of second reading."""

    def __init__(self) -> None:
        super().__init__(threads=1, name="ppocr")
        self.policy = "window"
        self.detect = Memo(self._detector.detect, _digest)
        self.tiny = Memo(self._rec.read, lambda crops: _digest(*crops))
        assert self._second is not None
        self.small = Timed(self._second.read)
        self._detector.detect = self.detect  # type: ignore[method-assign]
        self._rec.read = lambda crops: list(self.tiny(crops))  # type: ignore[method-assign]
        self._second.read = self.small  # type: ignore[method-assign]

    def _read(self, crops: list[Any]) -> list[Reading]:
        if self.policy == "window":
            return super()._read(crops)
        lines = self._rec.read(crops)
        read_whole_lines(self, crops, lines)
        return lines


def pages(
    per_file: int, judgments: int, tmp: Path, skip: int = 0
) -> list[tuple[str, str, Image.Image]]:
    """(set, reference, image) of every benchmark page; ``skip`` judgments are left out first."""
    out: list[tuple[str, str, Image.Image]] = []
    texts = page_texts([DEV_DATA / f for f in DEFAULT_FILES], per_file) if per_file else []
    for item in build_corpus(texts, tmp, CONDITIONS):
        img = Image.open(str(item["path"]))
        img.load()
        out.append((f"corpus {item['condition']}", str(item["reference"]), img))
    rows = read_jsonl(DEFAULT_DATA / "judgments_labelled.jsonl")
    for i, row in enumerate(rows[skip : skip + judgments], skip):
        for n, text in enumerate(paginate(row["text"]), 1):
            out.append(("judgment scans", text, scan(text, SCAN_FONTS[i % 2], 1000 * i + n)))
    return out


def run(per_file: int, judgments: int, policies: Sequence[str], skip: int = 0) -> dict[str, Any]:
    """Per policy: CPU-s per page (first pass + the rest), CER by set, numeral errors."""
    engine = BenchEngine()
    with tempfile.TemporaryDirectory() as tmp:
        items = pages(per_file, judgments, Path(tmp), skip)
        ocr_page(items[0][2], engine, number=1)  # load and warm up, untimed
        engine.detect.cache.clear()
        engine.tiny.cache.clear()
        engine.detect.cpu = engine.tiny.cpu = engine.small.cpu = 0.0
        rows: dict[str, list[dict[str, Any]]] = {p: [] for p in policies}
        first_cpu = 0.0
        for group, ref, img in items:
            for policy in policies:
                engine.policy = policy
                before = engine.detect.cpu + engine.tiny.cpu
                small_before = engine.small.cpu
                t0 = time.process_time()
                page = ocr_page(img, engine, number=1)
                total = time.process_time() - t0
                first = engine.detect.cpu + engine.tiny.cpu - before
                first_cpu += first
                rows[policy].append({
                    "set": group, "cer": normalized_cer(ref, page.text),
                    "cer_ld": normalized_cer(letters_and_digits(ref), letters_and_digits(page.text)),
                    "numerals": numeral_errors(ref, page.text),
                    "rest_cpu": total - first, "small_cpu": engine.small.cpu - small_before,
                    "reference": ref, "text": page.text,
                })
            engine.detect.cache.clear()
            engine.tiny.cache.clear()
    n = len(items)
    return {
        "pages": n, "first_cpu": first_cpu / n, "detect_cpu": engine.detect.cpu / n,
        "tiny_cpu": engine.tiny.cpu / n, "rows": rows,
    }


def _mean(values: Sequence[float]) -> float:
    return mean(values) if values else 0.0


def report(result: dict[str, Any]) -> None:
    """Print one line per policy and set."""
    n = result["pages"]
    print(f"{n} pages; detection {result['detect_cpu']:.3f} + tiny rec {result['tiny_cpu']:.3f} "
          f"CPU-s/page, shared by every policy; load {os.getloadavg()[0]:.2f}")
    for policy, rows in result["rows"].items():
        rest = mean(r["rest_cpu"] for r in rows)
        small = mean(r["small_cpu"] for r in rows)
        print(f"{policy:8} {result['first_cpu'] + rest:.3f} CPU-s/page "
              f"(second reading {small:.3f}, the rest {rest - small:.3f})")
        clean = [r["cer"] for r in rows if r["set"] == "corpus clean"]
        degraded = [r["cer"] for r in rows
                    if r["set"].startswith("corpus") and r["set"] != "corpus clean"]
        scans = [r for r in rows if r["set"] == "judgment scans"]
        corpus_ld = [r["cer_ld"] for r in rows if r["set"].startswith("corpus")]
        print(f"         CER clean {_mean(clean):.3%} ({len(clean)} p), degraded "
              f"{_mean(degraded):.3%} ({len(degraded)} p), judgment scans "
              f"{_mean([r['cer'] for r in scans]):.3%} ({len(scans)} p); numeral "
              f"errors corpus {sum(r['numerals'] for r in rows if r['set'].startswith('corpus'))}, "
              f"scans {sum(r['numerals'] for r in scans)}; letters and digits only: corpus "
              f"{_mean(corpus_ld):.3%}, scans {_mean([r['cer_ld'] for r in scans]):.3%}")


def main() -> None:
    """Run both second readings on the same pages and print the comparison."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--per-file", type=int, default=1)
    parser.add_argument("--judgments", type=int, default=6)
    parser.add_argument("--skip-judgments", type=int, default=0)
    parser.add_argument("--policies", default="line,window")
    args = parser.parse_args()
    report(run(args.per_file, args.judgments, args.policies.split(","), args.skip_judgments))


if __name__ == "__main__":
    main()
