"""Score cataloguing and the merged facts on the fictional volumes of ``bench.volumes.corpus``.

Run: ``.venv/bin/python -m bench.volumes.run [--scanned] [--engine ppocr] [--out FILE]``.

``--pages N --through-api [--scanned]`` runs instead a clerk's whole chain on one long volume of N
pages (``bench.volumes.long``) against a real ``casefile serve``: upload as ``IMG_0001.pdf``,
catalogue scored, a split undone, the transfer checklist met by document types, the transfer
sent, the searchable PDF's bookmarks (``bench.volumes.served``, ``bench.volumes.chain``).

Each volume is rendered as a PDF with a text layer (Song, uming) and, with ``--scanned``, as an
image-only PDF the way a scanner or a fax delivers it (volume 1: uming, clean; volume 2: wqy
Hei, 2% noise and a blur like a fax; volume 3: ukai, turned by 0.6°; volume 4: uming, 1% noise,
turned by -0.8°, a light blur). Pages are read through
``ingest.reading.documents.read_file`` (text layer or OCR, as ``casefile catalogue`` reads them),
catalogued by ``nlp.catalogue.split.catalogue_pages`` and read for facts by
``nlp.catalogue.volume.extract_volume``.

Reported: document-start precision/recall/F1 (a start is a (volume, first page) pair), type
accuracy over the starts found at the right page, per-field F1 of the merged facts against the
volume's truth, and the seconds cataloguing takes beside the seconds reading the pages took.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.volumes.corpus import Volume, build_volumes
from ingest.ocr.registry import get_engine
from ingest.reading.documents import read_file
from nlp.catalogue.split import catalogue_pages
from nlp.catalogue.volume import extract_volume
from tests.support.render import render_scanned_pdf, render_text_pdf

SCANS: tuple[dict[str, Any], ...] = (
    {"font": "uming"},
    {"font": "wqy", "noise": 0.02, "blur": 0.6},
    {"font": "ukai", "skew": 0.6},
    {"font": "uming", "noise": 0.01, "skew": -0.8, "blur": 0.4},
)


@dataclass
class Tally:
    """True positives, false positives and false negatives of one measure."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, got: Iterable[Any], want: Iterable[Any]) -> None:
        g, w = set(got), set(want)
        self.tp += len(g & w)
        self.fp += len(g - w)
        self.fn += len(w - g)

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Run:
    """Everything one rendering (text layer or scans) scores."""

    starts: Tally = field(default_factory=Tally)
    typed: int = 0
    typed_right: int = 0
    fields: dict[str, Tally] = field(default_factory=dict)
    read_s: float = 0.0
    catalogue_s: float = 0.0
    pages: int = 0
    misses: list[str] = field(default_factory=list)

    def field(self, name: str) -> Tally:
        return self.fields.setdefault(name, Tally())


def _person_items(sheet: dict[str, Any]) -> dict[str, set[Any]]:
    items: dict[str, set[Any]] = {k: set() for k in (
        "name", "id_number", "gender", "birth_date", "ethnicity", "custody_events", "prior_convictions",
        "charges", "on_probation_at_offense")}
    for d in sheet["defendants"]:
        name = d["name"]
        items["name"].add(name)
        for key in ("id_number", "gender", "birth_date", "ethnicity"):
            if d.get(key):
                items[key].add((name, d[key]))
        items["custody_events"] |= {(name, e["measure"], e["date"]) for e in d.get("custody_events", [])}
        items["prior_convictions"] |= {(name, p.get("charge"), str(p.get("date") or p.get("year") or "")[:4])
                                       for p in d.get("prior_convictions", [])}
        items["charges"] |= {(name, c) for c in d.get("charges", [])}
        items["on_probation_at_offense"].add((name, bool(d.get("on_probation_at_offense"))))
    return items


def score_volume(run: Run, volume: Volume, path: Path, engine: Any) -> None:
    """Read, catalogue and extract one rendered volume; add its scores to ``run``."""
    started = time.perf_counter()
    pages = read_file(path, engine, dpi=200)
    run.read_s += time.perf_counter() - started
    run.pages += len(pages)
    started = time.perf_counter()
    docs = catalogue_pages(pages)
    run.catalogue_s += time.perf_counter() - started
    want = {g["first_page"]: g for g in volume.documents}
    got = {d.first_page: d for d in docs}
    run.starts.add(got, want)
    for page, g in want.items():
        if page in got:
            run.typed += 1
            run.typed_right += got[page].type == g["type"]
            if got[page].type != g["type"]:
                run.misses.append(f"{volume.name} p{page}: {got[page].type} for {g['type']}")
        else:
            run.misses.append(f"{volume.name} p{page}: no start ({g['type']})")
    for page in set(got) - set(want):
        run.misses.append(f"{volume.name} p{page}: false start {got[page].type} {got[page].title}")
    sheet = extract_volume(pages)
    have, truth = _person_items(sheet), _person_items(volume.facts)
    for key in have:
        run.field(key).add(have[key], truth[key])
    run.field("court (none: prior judgment only)").add({sheet["court"]} - {None}, set())
    run.field("guilty_plea_leniency").add({sheet["guilty_plea_leniency"]}, {volume.facts["guilty_plea_leniency"]})


def report(run: Run) -> dict[str, Any]:
    """The JSON summary of one run."""
    return {
        "pages": run.pages,
        "document_starts": run.starts.scores(),
        "type_accuracy": round(run.typed_right / run.typed, 3) if run.typed else None,
        "fields": {k: v.scores()["f1"] for k, v in run.fields.items()},
        "read_s": round(run.read_s, 2),
        "catalogue_s": round(run.catalogue_s, 4),
        "catalogue_share_of_read": round(run.catalogue_s / run.read_s, 4) if run.read_s else None,
        "misses": run.misses,
    }


def main() -> None:
    """Render, read and score every volume; print (and optionally write) the JSON summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--scanned", action="store_true", help="also score image-only scans (OCR)")
    parser.add_argument("--engine", default="ppocr")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--pages", type=int, default=300, help="with --through-api: the volume's pages")
    parser.add_argument("--through-api", action="store_true",
                        help="one long volume through `casefile serve`, as a clerk meets it")
    parser.add_argument("--keep", type=Path, help="with --through-api: keep the PDF, data and log here")
    args = parser.parse_args()
    if args.through_api:
        from bench.volumes.served import run_served

        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
        _emit(run_served(args.pages, scanned=args.scanned, keep=args.keep), args.out)
        return
    volumes = build_volumes()
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        engine = get_engine(args.engine)
        text_run = Run()
        for volume in volumes:
            path = render_text_pdf(volume.pages, Path(tmp) / f"{volume.name}.pdf")
            score_volume(text_run, volume, path, engine)
        results["text-layer"] = report(text_run)
        if args.scanned:
            scan_run = Run()
            for volume, how in zip(volumes, SCANS, strict=True):
                path = render_scanned_pdf(volume.pages, Path(tmp) / f"{volume.name}-scan.pdf", **how)
                score_volume(scan_run, volume, path, engine)
            results["scanned"] = report(scan_run)
    _emit(results, args.out)


def _emit(results: dict[str, Any], out: Path | None) -> None:
    text = json.dumps(results, ensure_ascii=False, indent=2)
    print(text)
    if out:
        out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
