"""Score prior convictions (charge and year) on the development data.

Run: ``.venv/bin/python -m bench.extract.priors [--data DIR]``.

Data (relative to the repository root by default): ``../shared/data/dev``.

What is measured
----------------
- judgments_labelled.jsonl (hand-labelled): P / R / F1 of prior convictions as (charge, year of
  that judgment) per aligned defendant, the same matching as ``bench.extract.score`` (defendants
  aligned by name, multisets per defendant); also charge alone and year alone, to tell which half
  of a pair is wrong. Clean text and the OCR-noised copies.
- judgments.jsonl and partial_judgments.jsonl (no prior labels): how many priors are found, so a
  change to the extraction that moves this count is noticed and explained.
- judgments.jsonl's cited articles (``source_labels.la``): a judgment citing article 65 of the
  Criminal Law (累犯) states at least one earlier sentence, so a judgment citing it where no prior
  is found is a certain miss (a recall floor at document level; it says nothing of precision).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench.extract.score import DEFAULT_DATA, Tally, align, ocr_noise, read_jsonl
from nlp.factsheet import extract_text

# 刑法第六十五条: 累犯 (a recidivist has, by definition, an earlier sentence).
RECIDIVISM_ARTICLE = 65

Prior = tuple[str | None, str | None]


def prior_items(defendant: dict[str, Any] | None) -> list[Prior]:
    """A defendant's prior convictions as (charge, year of the judgment)."""
    if defendant is None:
        return []
    return [(p.get("charge"), (p.get("date") or "")[:4] or None) for p in defendant["prior_convictions"]]


def _add(t: Tally, pred: Iterable[Any], gold: Iterable[Any]) -> None:
    cp, cg = Counter(pred), Counter(gold)
    t.add(sum((cp & cg).values()), sum(cp.values()), sum(cg.values()))


def score_priors(
    rows: list[dict[str, Any]],
    predict: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Tally]:
    """Tallies for (charge, year), charge alone and year alone over labelled judgments."""
    out = {"(charge, year)": Tally(), "charge": Tally(), "year": Tally()}
    for row in rows:
        pred = predict(row) if predict else extract_text(row["text"])
        pd, gd = pred["defendants"], row["facts"]["defendants"]
        for pi, gi in align([d["name"] for d in pd], [d["name"] for d in gd]):
            p = prior_items(pd[pi] if pi is not None else None)
            g = prior_items(gd[gi] if gi is not None else None)
            _add(out["(charge, year)"], p, g)
            _add(out["charge"], [c for c, _ in p], [c for c, _ in g])
            _add(out["year"], [y for _, y in p], [y for _, y in g])
    return out


def count_priors(rows: list[dict[str, Any]]) -> tuple[int, int]:
    """(priors found, documents with at least one) over unlabelled judgments."""
    priors = docs = 0
    for row in rows:
        n = sum(len(d["prior_convictions"]) for d in extract_text(row["text"])["defendants"])
        priors += n
        docs += n > 0
    return priors, docs


def recidivism_misses(rows: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Judgments citing article 65 (累犯), and the ids of those where no prior is found."""
    citing = [r for r in rows if RECIDIVISM_ARTICLE in (r.get("source_labels") or {}).get("la", [])]
    missed = [r["id"] for r in citing
              if not any(d["prior_convictions"] for d in extract_text(r["text"])["defendants"])]
    return len(citing), missed


def _row(name: str, t: Tally) -> str:
    return f"| {name} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} | {int(t.gold)} |"


def main() -> None:
    """Command-line entry point: print the scores as Markdown."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    data = ap.parse_args().data.resolve()
    labelled = read_jsonl(data / "judgments_labelled.jsonl")
    noisy = [dict(r, text=ocr_noise(r["text"], i)) for i, r in enumerate(labelled)]
    lines = ["| judgments_labelled.jsonl prior convictions | precision | recall | F1 | gold |",
             "|---|---|---|---|---|"]
    for label, rows in (("clean", labelled), ("OCR-noised", noisy)):
        lines += [_row(f"{label}: {k}", t) for k, t in score_priors(rows).items()]
    judgments = read_jsonl(data / "judgments.jsonl")
    partial = read_jsonl(data / "partial_judgments.jsonl")
    lines += ["", "| unlabelled | documents | priors found | documents with one or more |", "|---|---|---|---|"]
    for name, rows in (("judgments.jsonl", judgments), ("partial_judgments.jsonl", partial)):
        priors, docs = count_priors(rows)
        lines.append(f"| {name} | {len(rows)} | {priors} | {docs} |")
    citing, missed = recidivism_misses(judgments)
    lines += ["", f"judgments.jsonl citing article {RECIDIVISM_ARTICLE} (累犯): {citing}; "
              f"no prior found in {len(missed)}" + (f" ({', '.join(missed)})" if missed else "")]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
