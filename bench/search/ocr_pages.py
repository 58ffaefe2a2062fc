"""Known-item pages for the search benchmark whose indexed text is real OCR output.

The recall goal of issue #6 is about OCR'd pages: a prosecutor remembers a phrase of what the
page *says* and the index holds what OCR *read*. OCR of 100,000 pages is out of reach here
(~2 s/page), so only the known items are OCR'd: each is a distinct page-sized chunk of the dev
texts, rendered as an A4 scan at 200 DPI with the typefaces and degradations of the OCR
benchmark (``bench.ocr.corpus``: font and condition cycle over the items, so every pair occurs)
and read by the production OCR stage (``ingest.reading.ocrpage.ocr_page``) with ``ppocr``.

Results are cached as JSON lines under ``bench/out/`` (ignored by git: they are derived from
the dev texts, which stay outside the repository), keyed by the text's SHA-1, font and
condition, so the slow part runs once:

    .venv/bin/python -m bench.search.ocr_pages --items 240      # fills the cache (~10 min)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

from bench.search.corpus import load_chunks
from search.analysis import compact, normalize

REPO = Path(__file__).resolve().parents[2]
def _cache_name() -> str:
    # one file per reading recipe: a changed model or second reading must not reuse old text
    from ingest.ocr.ppocr import recipe

    return f"ppocr-{hashlib.sha1(recipe('ppocr').encode()).hexdigest()[:10]}.jsonl"


DEFAULT_CACHE = REPO / "bench" / "out" / "search-ocr" / _cache_name()
MIN_CHARS = 200  # a fact-section stub is not a page anyone searches for
SEED = 23


def text_key(text: str) -> str:
    """SHA-1 of the text: the cache key, independent of chunk order."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def fingerprint(text: str) -> str:
    """Normalised significant characters: two chunks with the same fingerprint are duplicates."""
    return compact(normalize(text))[0]


def known_item_chunks(chunks: list[str], n: int, seed: int = SEED) -> list[int]:
    """Indices of ``n`` chunks that occur once in the dev texts (by fingerprint), deterministic."""
    counts = Counter(fingerprint(c) for c in chunks)
    candidates = [i for i, c in enumerate(chunks) if len(c) >= MIN_CHARS and counts[fingerprint(c)] == 1]
    return sorted(random.Random(seed).sample(candidates, min(n, len(candidates))))


def assignment(item: int) -> tuple[str, str]:
    """Font and degradation of the ``item``-th known item (cycling over every pair)."""
    from bench.ocr.corpus import CONDITIONS, FONTS

    conditions = list(CONDITIONS)
    return FONTS[item % len(FONTS)], conditions[item % len(conditions)]


def load_cache(path: Path) -> dict[tuple[str, str, str], str]:
    """``(text_key, font, condition) -> OCR text`` from the cache file (empty if absent)."""
    out: dict[tuple[str, str, str], str] = {}
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            out[(row["key"], row["font"], row["condition"])] = row["ocr"]
    return out


def fill_cache(chunks: list[str], items: list[int], path: Path, threads: int) -> None:
    """OCR every item missing from the cache, appending one line per page as it is read."""
    from bench.ocr.corpus import CONDITIONS, DPI
    from ingest.ocr import get_engine
    from ingest.reading.ocrpage import ocr_page
    from tests.support import render
    from tests.support.textmetrics import normalized_cer

    cached = load_cache(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = get_engine("ppocr", threads=threads)
    with path.open("a", encoding="utf-8") as out:
        for k, i in enumerate(items):
            text = chunks[i]
            font, condition = assignment(k)
            if (text_key(text), font, condition) in cached:
                continue
            started = time.perf_counter()
            try:
                clean = render.render_page_image(text, font=font, dpi=DPI, seed=k)
            except ValueError as e:  # longer than an A4 page: not a usable known item
                print(f"skip chunk {i}: {e}", file=sys.stderr)
                continue
            page = ocr_page(CONDITIONS[condition](clean), engine, number=1)
            cer = normalized_cer(text, page.text)
            row = {"key": text_key(text), "font": font, "condition": condition, "ocr": page.text}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
            print(f"{k + 1}/{len(items)} chunk {i} {font} {condition}: CER {cer:.2%} "
                  f"{time.perf_counter() - started:.1f}s", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: fill the OCR cache for the benchmark's known items."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=240)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data" / "dev"))
    p.add_argument("--cache", default=str(DEFAULT_CACHE))
    args = p.parse_args(argv)
    chunks = load_chunks(Path(args.data_dir))
    fill_cache(chunks, known_item_chunks(chunks, args.items), Path(args.cache), args.threads)


if __name__ == "__main__":
    main()
