"""OCR benchmark: CER and seconds per page on scans rendered from real judgment texts.

Renders pages from ``../shared/data/dev/judgments.jsonl`` (outside the repository) in two
typefaces (Song/Ming and Kai), clean and degraded (noise, blur, 1.5° skew), as image-only PDFs,
reads them through the production path (``open_document`` → ``read_page``) and reports the
character error rate with and without paragraph breaks, and the time per page.

    .venv/bin/python -m bench.ocr.run_bench --pages 3 --threads 2

Writes ``bench/out/ocr.json`` (ignored by git) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from statistics import mean
from typing import Any

from ingest.ocr import get_engine
from ingest.reading import sniff
from ingest.reading.cjk import remove_cjk_spaces
from ingest.reading.documents import open_document
from tests.support import render
from tests.support.textmetrics import cer

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "dev" / "judgments.jsonl"
CONDITIONS = {
    "clean": {},
    "degraded": {"noise": 0.02, "skew": 1.5, "blur": 0.8},
}
FONTS = ("uming", "ukai")
PAGE_CHARS = 600  # fits an A4 page at 14 pt with room for paragraph indents


def page_texts(data: Path, count: int) -> list[str]:
    """Return the first page of each of the first ``count`` judgments in ``data``.

    A page is the judgment's leading paragraphs up to ``PAGE_CHARS`` characters (the last one
    cut to fit).
    """
    chunks: list[str] = []
    for raw in data.open(encoding="utf-8"):
        paragraphs = [remove_cjk_spaces(p.strip()) for p in json.loads(raw)["text"].split("\n")]
        chunk: list[str] = []
        budget = PAGE_CHARS
        for para in filter(None, paragraphs):
            chunk.append(para[:budget])
            budget -= len(chunk[-1])
            if budget <= 0:
                break
        if chunk:
            chunks.append("\n".join(chunk))
        if len(chunks) >= count:
            break
    return chunks


def main() -> None:
    """Run the benchmark and print/write the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pages", type=int, default=3, help="texts per font and condition")
    parser.add_argument("--engine", default="ppocr")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "ocr.json")
    args = parser.parse_args()

    texts = page_texts(args.data, args.pages)
    started = time.perf_counter()
    engine = get_engine(args.engine, threads=args.threads)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        # load the models outside the timed pages
        warm = render.render_scanned_pdf(["预热"], Path(tmp) / "warm.pdf")
        with open_document(warm, sniff.PDF, dpi=args.dpi) as reader:
            reader.read_page(1, engine)
        load_s = time.perf_counter() - started
        for font in FONTS:
            for condition, degrade in CONDITIONS.items():
                for i, text in enumerate(texts):
                    pdf = Path(tmp) / f"{font}-{condition}-{i}.pdf"
                    render.render_scanned_pdf([text], pdf, font=font, **degrade)  # type: ignore[arg-type]
                    t0 = time.perf_counter()
                    with open_document(pdf, sniff.PDF, dpi=args.dpi) as reader:
                        page = reader.read_page(1, engine)
                    seconds = time.perf_counter() - t0
                    rows.append(
                        {
                            "font": font,
                            "condition": condition,
                            "text": i,
                            "chars": len(text),
                            "cer": cer(text, page.text),
                            "cer_no_breaks": cer(text.replace("\n", ""), page.text.replace("\n", "")),
                            "seconds": seconds,
                        }
                    )
    summary = []
    for font in FONTS:
        for condition in CONDITIONS:
            sel = [r for r in rows if r["font"] == font and r["condition"] == condition]
            summary.append(
                {
                    "font": font,
                    "condition": condition,
                    "pages": len(sel),
                    "cer": mean(r["cer"] for r in sel),
                    "cer_no_breaks": mean(r["cer_no_breaks"] for r in sel),
                    "s_per_page": mean(r["seconds"] for r in sel),
                }
            )
    result = {
        "engine": args.engine,
        "threads": args.threads,
        "dpi": args.dpi,
        "model_load_s": load_s,
        "summary": summary,
        "pages": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"engine={args.engine} threads={args.threads} dpi={args.dpi} load={load_s:.1f}s")
    print(f"{'font':6} {'condition':9} {'pages':>5} {'CER':>7} {'CER-nobr':>8} {'s/page':>7}")
    for s in summary:
        print(
            f"{s['font']:6} {s['condition']:9} {s['pages']:5d} {s['cer']:7.4f} "
            f"{s['cer_no_breaks']:8.4f} {s['s_per_page']:7.2f}"
        )


if __name__ == "__main__":
    main()
