"""Score fact extraction on the labelled judgments printed, scanned and read back by OCR.

Run: ``.venv/bin/python -m bench.extract.scanned [--limit N] [--engine ppocr] [--write-md]``.

Each of the 80 labelled judgments (``../shared/data/dev/judgments_labelled.jsonl``) is cut into
A4 pages at sentence ends (``tests.support.dossier.paginate``) and rendered at 200 DPI the way a
dossier scanner delivers it: Song (uming) and Kai (ukai) typefaces alternating by document, each
page turned by a random angle in ±1.5°, 0.5% of pixels set to random grey, and saved as JPEG at
quality 60. Every page is read by the OCR engine through ``ingest.reading.ocrpage.ocr_page`` (the
ingestion path: orientation, deskewed reading order, line boxes), the pages of a document go to
``nlp.factsheet.extract_facts`` together, and the result is scored with the matching rules of
``bench.extract.score`` against the same labels as the text version, in the same run.

OCR output is cached per page under ``bench/out/extract-scans/`` (keyed by the page text, the
rendering and the engine), so a rerun after an extraction change only re-extracts; delete the
folder to measure OCR again. The character error rate of the pages is reported beside the scores.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import time
from pathlib import Path
from typing import Any

from PIL import Image

from bench.extract.score import DEFAULT_DATA, Tally, machine, read_jsonl, score_judgments
from ingest.reading.types import PageContent
from nlp.factsheet import extract_facts
from tests.support.dossier import paginate
from tests.support.render import render_page_image
from tests.support.textmetrics import normalized_cer

SECTION = "## Fact extraction on OCR'd scans (bench/extract/scanned)"
CACHE = Path(__file__).resolve().parents[1] / "out" / "extract-scans"
FONTS = ("uming", "ukai")
DPI = 200
RENDER_VERSION = "1: skew ±1.5, noise 0.005, jpeg 60"
# The drop the issue allows between text and scans, in F1 points.
ALLOWED_DROP = 0.02


def scan(text: str, font: str, seed: int) -> Image.Image:
    """One page as a scanner would deliver it (see the module docstring)."""
    rng = random.Random(seed)
    img = render_page_image(text, font=font, dpi=DPI, skew=rng.uniform(-1.5, 1.5), noise=0.005, seed=seed)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=60)
    return Image.open(io.BytesIO(buf.getvalue()))


class Reader:
    """OCR with a per-page cache; counts pages actually recognised and the seconds spent."""

    def __init__(self, engine_name: str) -> None:
        self.engine_name = engine_name
        self._engine: Any = None
        self.recognised = 0
        self.seconds = 0.0

    def _models(self) -> str:
        # the cache must not hand one model's reading to another under the same engine name
        from ingest.ocr import ppocr

        return ppocr.recipe(self.engine_name)

    def read(self, text: str, font: str, seed: int, number: int) -> PageContent:
        key = hashlib.sha256(
            f"{self.engine_name}|{self._models()}|{RENDER_VERSION}|{font}|{seed}|{number}|{text}".encode()
        ).hexdigest()[:24]
        path = CACHE / f"{key}.json"
        if path.exists():
            return PageContent.from_dict(json.loads(path.read_text(encoding="utf-8")))
        if self._engine is None:
            from ingest.ocr.registry import get_engine

            self._engine = get_engine(self.engine_name, threads=2)
        from ingest.reading.ocrpage import ocr_page

        image = scan(text, font, seed)
        t0 = time.perf_counter()
        page = ocr_page(image, self._engine, number=number)
        self.seconds += time.perf_counter() - t0
        self.recognised += 1
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(page.to_dict(), ensure_ascii=False), encoding="utf-8")
        return page


def run(data: Path, engine: str, limit: int | None) -> dict[str, Any]:
    """Scores on text and on scans, and the pages' character error rate."""
    rows = read_jsonl(data / "judgments_labelled.jsonl")[:limit]
    reader = Reader(engine)
    scanned: dict[str, list[PageContent]] = {}
    rates: list[float] = []
    for i, row in enumerate(rows):
        texts = paginate(row["text"])
        pages = [reader.read(t, FONTS[i % 2], 1000 * i + n, n) for n, t in enumerate(texts, 1)]
        rates += [normalized_cer(t, p.text) for t, p in zip(texts, pages, strict=True)]
        scanned[row["id"]] = pages
    return {
        "n": len(rows),
        "pages": len(rates),
        "text": score_judgments(rows),
        "scans": score_judgments(rows, lambda row: extract_facts(scanned[row["id"]])),
        "cer": sum(rates) / len(rates) if rates else 0.0,
        "worst_cer": max(rates, default=0.0),
        "recognised": reader.recognised,
        "ocr_seconds": reader.seconds,
        "engine": engine,
    }


def drops(results: dict[str, Any]) -> list[tuple[str, float]]:
    """(field, F1 on text − F1 on scans) for every field, largest first."""
    text: dict[str, Tally] = results["text"]
    scans: dict[str, Tally] = results["scans"]
    out = [(k, text[k].f1 - scans[k].f1) for k in text if k in scans]
    return sorted(out, key=lambda kv: -kv[1])


def render_md(results: dict[str, Any], command: str) -> str:
    """The Markdown section for docs/BENCHMARKS.md."""
    import datetime as dt

    worst = drops(results)
    lines = [
        SECTION,
        "",
        f"Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}  ",
        f"Machine: {machine()}  ",
        f"Command: `{command}`",
        "",
        f"{results['n']} labelled judgments as {results['pages']} scanned A4 pages (200 DPI, Song and Kai "
        "faces, skew ±1.5°, 0.5% pixel noise, JPEG quality 60), read by the "
        f"`{results['engine']}` engine through the ingestion path; page CER mean "
        f"{results['cer']:.2%}, worst {results['worst_cer']:.2%}. Matching rules as in bench/extract.",
        "",
        "| field | F1 on text | P on scans | R on scans | F1 on scans | drop |",
        "|---|---|---|---|---|---|",
    ]
    for key, t in results["scans"].items():
        base = results["text"][key]
        lines.append(f"| {key} | {base.f1:.3f} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} | "
                     f"{base.f1 - t.f1:+.3f} |")
    field, drop = worst[0] if worst else ("-", 0.0)
    verdict = "met" if drop <= ALLOWED_DROP + 1e-9 else "missed"
    lines += ["", f"Largest drop: {field} {drop * 100:.1f} points (goal: no field more than "
              f"{ALLOWED_DROP * 100:.0f} points lower on scans: {verdict}). The text scores are on the "
              "development set the rules were written against.", ""]
    return "\n".join(lines)


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--engine", default="ppocr")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--write-md", action="store_true", help="update docs/BENCHMARKS.md")
    args = ap.parse_args()
    results = run(args.data.resolve(), args.engine, args.limit)
    print(f"OCR: {results['recognised']} pages recognised in {results['ocr_seconds']:.0f} s "
          f"(the rest from {CACHE})")
    md = render_md(results, ".venv/bin/python -m bench.extract.scanned --write-md")
    print(md)
    if args.write_md:
        from bench.report import write_section

        write_section(md)


if __name__ == "__main__":
    main()
