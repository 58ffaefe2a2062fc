"""PDFium's text-layer reading against pdfplumber's: same pages, and CPU-ms per page (issue #19).

`.venv/bin/python -m bench.textlayer.compare [--judgments 100]`. Reads every kind of text-layer
PDF the tests build (``tests.support.textlayer_pdfs``) and the first N dev judgments rendered as
text-layer PDFs (as bench/e2e --text-docs renders them) twice: with ``PdfReader`` (PDFium,
``ingest.reading.pdftext``) and with pdfplumber's characters fed to the same layout. Reports
per PDF kind whether the verdict (text layer used or OCR) and the page text agree, the largest
difference of a line's box (rendered pixels at 200 DPI), and the CPU time of the character
reading alone and of the whole page read, old and new.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from ingest.reading.layout import lay_out_page  # noqa: E402
from ingest.reading.pdf import PdfReader  # noqa: E402
from ingest.reading.pdfium_lock import PDFIUM_LOCK  # noqa: E402
from ingest.reading.pdftext import PageText, read_page_text  # noqa: E402
from ingest.reading.textlayer import char_fragments, text_layer_problem  # noqa: E402
from ingest.reading.types import PageContent  # noqa: E402
from tests.support.dossier import paginate  # noqa: E402
from tests.support.render import render_text_pdf  # noqa: E402
from tests.support.textlayer_pdfs import generated_pdfs, open_plumber, plumber_page_text  # noqa: E402

DEV = REPO.parent / "shared" / "data" / "dev" / "judgments.jsonl"
DPI = 200
SCALE = DPI / 72


def page_from(layer: PageText, number: int, width: int, height: int) -> PageContent | None:
    """The page ``PdfReader`` makes of ``layer``, or ``None`` where it would OCR it."""
    fragments, turn = char_fragments(layer.chars, layer.width, layer.height)
    text = "".join(f.text for f in fragments)
    if text_layer_problem(text, image_coverage=layer.image_coverage) is not None:
        return None
    return lay_out_page(fragments, number=number, width=width, height=height,
                        source="text-layer", angle=(-turn) % 360)


def old_pages(path: Path, sizes: list[tuple[int, int]]) -> list[PageContent | None]:
    """Every page as the pdfplumber reader made it (its characters, the same layout)."""
    pages: list[PageContent | None] = []
    with open_plumber(path) as document:
        for index, page in enumerate(document.pages):
            try:
                layer = plumber_page_text(page, SCALE)
            finally:
                page.close()
            pages.append(page_from(layer, index + 1, *sizes[index]))
    return pages


def new_pages(path: Path) -> tuple[list[PageContent | None], list[tuple[int, int]]]:
    reader = PdfReader(path, dpi=DPI, max_pages=10_000, max_pixels=10**9)
    try:
        sizes = [reader._page_size(i) for i in range(reader.page_count)]
        return [reader.read_without_ocr(n) for n in range(1, reader.page_count + 1)], sizes
    finally:
        reader.close()


def chars_cpu(path: Path) -> tuple[float, float, int]:
    """CPU seconds reading the characters and image coverage only: pdfplumber, PDFium; pages."""
    import pypdfium2 as pdfium

    started = time.process_time()
    with open_plumber(path) as document:
        for page in document.pages:
            plumber_page_text(page, SCALE)
            page.close()
    plumber = time.process_time() - started
    started = time.process_time()
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(path))
        count = len(document)
        for index in range(count):
            page = document[index]
            read_page_text(page, SCALE)
            page.close()
        document.close()
    return plumber, time.process_time() - started, count


def compare(path: Path) -> dict[str, float]:
    """Agreement of old and new on every page of ``path``, and their CPU seconds."""
    started = time.process_time()
    new, sizes = new_pages(path)
    new_cpu = time.process_time() - started
    started = time.process_time()
    old = old_pages(path, sizes)
    old_cpu = time.process_time() - started
    verdicts = texts = 0
    box_diff = 0.0
    for a, b in zip(old, new, strict=True):
        verdicts += (a is None) == (b is None)
        if a is None or b is None:
            texts += a is b
            continue
        texts += a.text == b.text
        if len(a.lines) != len(b.lines):
            box_diff = float("inf")
            continue
        for la, lb in zip(a.lines, b.lines, strict=True):
            box_diff = max(box_diff, *(abs(u - v) for u, v in zip(la.bbox, lb.bbox, strict=True)))
    plumber_chars, pdfium_chars, _ = chars_cpu(path)
    return {"pages": len(new), "verdicts": verdicts, "texts": texts, "box_diff": box_diff,
            "old_cpu": old_cpu, "new_cpu": new_cpu, "old_chars": plumber_chars, "new_chars": pdfium_chars}


def judgments(count: int, folder: Path) -> list[Path]:
    paths = []
    with DEV.open(encoding="utf-8") as lines:
        for index, line in zip(range(count), lines, strict=False):
            paths.append(render_text_pdf(paginate(json.loads(line)["text"]), folder / f"j{index:04d}.pdf"))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--judgments", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'PDF':22} pages  same verdict  same text  max line box diff (px)")
        for name, path in generated_pdfs(folder):
            row = compare(path)
            print(f"{name:22} {row['pages']:5.0f}  {row['verdicts']:12.0f}  {row['texts']:9.0f}  {row['box_diff']:.2f}")
        total = dict.fromkeys(("pages", "verdicts", "texts", "old_cpu", "new_cpu", "old_chars", "new_chars"), 0.0)
        worst = 0.0
        for path in judgments(args.judgments, folder):
            row = compare(path)
            for key in total:
                total[key] += row[key]
            worst = max(worst, row["box_diff"])
        pages = total["pages"]
        print(f"{'dev judgments':22} {pages:5.0f}  {total['verdicts']:12.0f}  {total['texts']:9.0f}  {worst:.2f}")
        print(f"CPU-ms per page, characters and images only: pdfplumber {1000 * total['old_chars'] / pages:.1f}, "
              f"PDFium {1000 * total['new_chars'] / pages:.1f} ({total['old_chars'] / total['new_chars']:.1f}x)")
        print(f"CPU-ms per page, whole page read (layout included): pdfplumber {1000 * total['old_cpu'] / pages:.1f}, "
              f"PDFium {1000 * total['new_cpu'] / pages:.1f} ({total['old_cpu'] / total['new_cpu']:.1f}x)")


if __name__ == "__main__":
    main()
