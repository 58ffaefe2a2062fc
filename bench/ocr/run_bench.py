"""OCR benchmark: CER, seconds per page and peak memory of every available engine, same pages.

Renders pages from the dev texts (``../shared/data/dev/*.jsonl``, outside the repository) as A4
scans at 200 DPI in two typefaces (uming Song/Ming, ukai Kai), clean and degraded (see
``bench.ocr.corpus.CONDITIONS``), and reads each through the production OCR stage
(``ingest.reading.ocrpage.ocr_page``: engine, turned-page handling, reading order).

Each engine runs in its own worker process, one after the other, so that its peak RSS is its own
and engines do not compete for the two cores. CER is the edit distance over the reference length
with whitespace ignored and full-/half-width forms equal (``normalized_cer``).

    .venv-paddle/bin/python -m bench.ocr.run_bench --per-file 1 --write-md

(``.venv-paddle`` from ``scripts/setup.sh --paddle`` has all three engines; ``.venv`` lacks
paddleocr, which is then reported as unavailable.) Writes ``bench/out/ocr.json`` (ignored by git).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import mean
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEV_DATA = REPO.parent / "shared" / "data" / "dev"
DEFAULT_FILES = ("judgments.jsonl", "case_facts.jsonl", "partial_judgments.jsonl")
ENGINES = ("ppocr", "ppocr-small", "paddleocr", "tesseract")
MD_HEADING = "## OCR (bench/ocr)"
GOALS = {"clean_cer": 0.005, "degraded_cer": 0.015, "s_per_page": 1.0, "speedup": 8.0,
         "rss_mb": 1536.0}


def run_worker(engine_name: str, index_path: Path, threads: int) -> dict[str, Any]:
    """Read every page of the index with one engine (in this process); return rows and RSS."""
    from PIL import Image

    from ingest.ocr import get_engine
    from ingest.reading.ocrpage import ocr_page
    from tests.support.textmetrics import normalized_cer

    index = json.loads(index_path.read_text("utf-8"))
    started = time.perf_counter()
    engine = get_engine(engine_name, threads=threads)
    # load the models outside the timed pages
    ocr_page(Image.open(index[0]["path"]), engine, number=1)
    load_s = time.perf_counter() - started
    rows = []
    for item in index:
        image = Image.open(item["path"])
        image.load()
        t0 = time.perf_counter()
        page = ocr_page(image, engine, number=1)
        seconds = time.perf_counter() - t0
        rows.append({k: item[k] for k in ("font", "text", "condition")}
                    | {"cer": normalized_cer(item["reference"], page.text), "seconds": seconds})
    # an engine that runs a binary (tesseract) spends its memory in child processes
    rss_mb = max(
        resource.getrusage(who).ru_maxrss / 1024
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return {"engine": engine_name, "load_s": load_s, "peak_rss_mb": rss_mb, "pages": rows}


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    """Mean CER and s/page per condition, clean vs. degraded, for one engine's rows."""
    rows = result["pages"]
    by_condition = {}
    for condition in dict.fromkeys(r["condition"] for r in rows):
        sel = [r for r in rows if r["condition"] == condition]
        by_condition[condition] = mean(r["cer"] for r in sel)
    degraded = [r for r in rows if r["condition"] != "clean"]
    return {
        "engine": result["engine"],
        "clean_cer": by_condition.get("clean", float("nan")),
        "degraded_cer": mean(r["cer"] for r in degraded) if degraded else float("nan"),
        "by_condition": by_condition,
        "s_per_page": mean(r["seconds"] for r in rows),
        "s_per_page_clean": mean(r["seconds"] for r in rows if r["condition"] == "clean"),
        "peak_rss_mb": result["peak_rss_mb"],
        "load_s": result["load_s"],
        "pages": len(rows),
    }


def markdown(summaries: list[dict[str, Any]], missing: dict[str, str], meta: dict[str, Any]) -> str:
    """The ``## OCR (bench/ocr)`` section of docs/BENCHMARKS.md."""
    conditions = list(summaries[0]["by_condition"]) if summaries else []
    tess = next((s for s in summaries if s["engine"] == "tesseract"), None)
    lines = [
        MD_HEADING,
        "",
        f"- Date: {meta['date']}; machine: {meta['machine']}",
        f"- Load average (1/5/15 min) before: {meta['load_before']}; after: {meta['load_after']}"
        " (2 shared cores: wall-clock times include waiting for CPU)",
        f"- Command: `{meta['command']}`",
        f"- Corpus: {meta['texts']} dev texts × 2 typefaces (uming, ukai) × {len(conditions)} "
        "conditions = "
        f"{summaries[0]['pages'] if summaries else 0} A4 pages at 200 DPI per engine; each engine "
        f"in its own process with {meta['threads']} threads, models loaded before timing.",
        "- CER: edit distance / reference length, whitespace ignored, full-width = half-width.",
        "",
        "| engine | CER clean | CER degraded (mean) | s/page | peak RSS (MB) | model load (s) |"
        " speed vs tesseract |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in summaries:
        speed = f"{tess['s_per_page'] / s['s_per_page']:.1f}×" if tess else "n/a"
        lines.append(
            f"| {s['engine']} | {s['clean_cer']:.2%} | {s['degraded_cer']:.2%} | "
            f"{s['s_per_page']:.2f} | {s['peak_rss_mb']:.0f} | {s['load_s']:.1f} | {speed} |"
        )
    for name, reason in missing.items():
        lines.append(f"| {name} | not available here: {reason} | | | | | |")
    lines += ["", "CER by condition:", "",
              "| engine | " + " | ".join(conditions) + " |",
              "|---|" + "---|" * len(conditions)]
    for s in summaries:
        lines.append(f"| {s['engine']} | "
                     + " | ".join(f"{s['by_condition'][c]:.2%}" for c in conditions) + " |")
    lines += ["", "Goals: CER ≤ 0.5% clean, ≤ 1.5% degraded; ≤ 1.0 s/page; ≥ 8× tesseract's speed "
              "at a lower CER; ≤ 1.5 GB per worker process.", ""]
    for s in summaries:
        verdict = []
        verdict.append(("met" if s["clean_cer"] <= GOALS["clean_cer"] else "missed") + " clean CER")
        verdict.append(
            ("met" if s["degraded_cer"] <= GOALS["degraded_cer"] else "missed") + " degraded CER"
        )
        verdict.append(("met" if s["s_per_page"] <= GOALS["s_per_page"] else "missed") + " s/page")
        if tess and s is not tess:
            fast = tess["s_per_page"] / s["s_per_page"] >= GOALS["speedup"]
            better = s["degraded_cer"] < tess["degraded_cer"] and s["clean_cer"] < tess["clean_cer"]
            verdict.append(("met" if fast and better else "missed") + " 8× tesseract")
        verdict.append(("met" if s["peak_rss_mb"] <= GOALS["rss_mb"] else "missed") + " memory")
        lines.append(f"- {s['engine']}: " + ", ".join(verdict) + ".")
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace (or append) the OCR section of ``path``, leaving the other sections untouched."""
    text = path.read_text("utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find(MD_HEADING)
    if start < 0:
        path.write_text(text.rstrip("\n") + "\n\n" + section, "utf-8")
        return
    end = text.find("\n## ", start + len(MD_HEADING))
    rest = text[end + 1 :] if end >= 0 else ""
    path.write_text(text[:start] + section + ("\n" + rest if rest else ""), "utf-8")


def _load() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    """Build the corpus, run each engine in a worker process, print and write the results."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEV_DATA)
    parser.add_argument("--per-file", type=int, default=1, help="texts taken from each dev file")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--conditions", help="comma-separated subset of the corpus conditions")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "ocr.json")
    parser.add_argument("--write-md", action="store_true", help="update docs/BENCHMARKS.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        json.dump(run_worker(args.worker, args.index, args.threads), sys.stdout)
        return

    from bench.ocr.corpus import build_corpus, page_texts
    from ingest.ocr import engine_status

    status = {s.name: s for s in engine_status()}
    wanted = args.engines.split(",")
    missing = {n: status[n].hint for n in wanted if n in status and not status[n].available}
    load_before = _load()
    texts = page_texts([args.data / f for f in DEFAULT_FILES], args.per_file)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        conditions = args.conditions.split(",") if args.conditions else None
        index = build_corpus(texts, Path(tmp) / "pages", conditions)
        index_path = Path(tmp) / "index.json"
        index_path.write_text(json.dumps(index, ensure_ascii=False), "utf-8")
        for name in wanted:
            if name in missing:
                print(f"{name}: not available ({missing[name]})", file=sys.stderr)
                continue
            cmd = [sys.executable, "-m", "bench.ocr.run_bench", "--worker", name,
                   "--index", str(index_path), "--threads", str(args.threads)]
            proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True)
            results.append(json.loads(proc.stdout))
            print(f"{name}: done ({_load()} load)", file=sys.stderr)
    summaries = [summarise(r) for r in results]
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores ({platform.machine()}), {platform.platform()}, "
        f"Python {platform.python_version()}",
        "load_before": load_before,
        "load_after": _load(),
        "command": " ".join([Path(sys.executable).parent.parent.name + "/bin/python",
                             "-m", "bench.ocr.run_bench", *sys.argv[1:]]),
        "texts": len(texts),
        "threads": args.threads,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "summary": summaries, "runs": results},
                                   ensure_ascii=False, indent=2), "utf-8")
    section = markdown(summaries, missing, meta)
    print(section)
    if args.write_md:
        write_section(REPO / "docs" / "BENCHMARKS.md", section)


if __name__ == "__main__":
    main()
