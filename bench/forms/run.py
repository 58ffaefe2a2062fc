"""Intake-form bench: re-entry and silent-error rates on the labelled dev judgments, prefill time.

Run: ``.venv/bin/python -m bench.forms.run [--data PATH] [--errors]``; its figures are copied into docs/BENCHMARKS.md by hand.

Matching rules (the hand labels stand in for the reviewer):

- each labelled defendant gets one form per template; it is paired with the extracted defendant
  of the same name (exact, after NFKC); unpaired, every field of its form counts as not filled;
- the expected value is the template's ``source`` path resolved on the labelled ``facts``
  (re-pointed at that defendant; a filter takes the first matching item);
- values are equal when: strings equal after NFKC and removing whitespace; numbers equal as
  floats; lists equal as sets of NFKC strings; booleans equal;
- **re-entry**: among *required* fields whose expected value is stated (not null/empty), the
  share the reviewer must type or correct: status ``missing`` or ``conflict``, or ``filled``
  with a value that is not equal. Fields the judgment does not state are not the prefill's to
  fill and are left out of the denominator;
- **silent error**: among all fields with status ``filled`` (required or not), the share whose
  value is not equal to the expected one (including a filled value where the label says the
  text states nothing);
- fields whose source key the labels never carry (``address``: the labelling format has no
  addresses) are left out of both rates: there is nothing to compare them with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import platform
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.forms.paths import Key, parse, resolve, with_defendant
from nlp.forms.prefill import _plain, prefill, prefill_all
from nlp.forms.registry import get_form, list_forms
from nlp.forms.template import FormTemplate
from nlp.forms.validate import is_empty

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "dev" / "judgments_labelled.jsonl"
# The forms a first-instance judgment feeds directly (court → 司法局, court → 看守所).
JUDGMENT_FORMS = ("community_correction", "custody_transfer")


def _norm(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return "".join(unicodedata.normalize("NFKC", value).split())
    if isinstance(value, list):
        return frozenset(_norm(v) for v in value)
    return value


def equal(a: Any, b: Any) -> bool:
    """Value equality per the module's matching rules."""
    return bool(_norm(a) == _norm(b))


@dataclass
class Tally:
    """Counts for one form (or all forms)."""

    required_stated: int = 0
    reentry: int = 0
    filled: int = 0
    filled_wrong: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def reentry_rate(self) -> float:
        """Share of required, stated fields a reviewer must type or correct."""
        return self.reentry / self.required_stated if self.required_stated else 0.0

    @property
    def silent_error_rate(self) -> float:
        """Share of filled fields with a wrong value."""
        return self.filled_wrong / self.filled if self.filled else 0.0

    def add(self, other: Tally) -> None:
        """Accumulate ``other`` into this tally."""
        self.required_stated += other.required_stated
        self.reentry += other.reentry
        self.filled += other.filled
        self.filled_wrong += other.filled_wrong
        self.statuses.update(other.statuses)
        self.errors.extend(other.errors)


def _pair(label_name: str, sheet: dict[str, Any]) -> int | None:
    target = _norm(label_name)
    for i, d in enumerate(sheet.get("defendants") or []):
        if _norm(d.get("name")) == target:
            return i
    return None


def on_probation(label_defendant: dict[str, Any]) -> bool:
    """The labels give this defendant a 缓刑: the people a 社区矫正 intake really receives."""
    return bool((label_defendant.get("sentence") or {}).get("probation_months"))


def labelled(source: str) -> bool:
    """Whether the labelling format has the key a form field is filled from."""
    last = [step for step in parse(source) if isinstance(step, Key)][-1:]
    return not last or last[0].name in _schema_keys()


@functools.cache
def _schema_keys() -> frozenset[str]:
    schema = json.loads((REPO.parent / "shared" / "schemas" / "factsheet.schema.json").read_text(encoding="utf-8"))
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            keys.update((node.get("properties") or {}).keys())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return frozenset(keys)



def score_case(template: FormTemplate, labels: dict[str, Any], sheet: dict[str, Any],
               *, case_id: str = "",
               only: Callable[[dict[str, Any]], bool] | None = None) -> Tally:
    """Tally one labelled judgment against its extracted sheet for ``template``.

    ``only`` restricts the per-defendant forms to the labelled defendants it accepts.
    """
    tally = Tally()
    label_defs = labels.get("defendants") or []
    for j, ldef in enumerate(label_defs if template.per_defendant else [None]):
        if only is not None and ldef is not None and not only(ldef):
            continue
        i = _pair(ldef["name"], sheet) if ldef is not None else None
        form = prefill(template, sheet, defendant_index=i) if (i is not None or ldef is None) else None
        for spec in template.fields:
            if not labelled(spec.source):
                continue
            source = with_defendant(spec.source, j) if template.per_defendant else spec.source
            expected = _plain(resolve(labels, source).value)
            got = form.field(spec.name) if form is not None else None
            status = got.status if got is not None else "missing"
            value = got.value if got is not None else None
            tally.statuses[status] += 1
            stated = not is_empty(expected) and expected is not False
            ok = status == "filled" and equal(value, expected)
            if spec.required and stated:
                tally.required_stated += 1
                if not ok:
                    tally.reentry += 1
            if status == "filled":
                tally.filled += 1
                if not equal(value, expected):
                    tally.filled_wrong += 1
            if (spec.required and stated and not ok) or (status == "filled" and not ok):
                tally.errors.append({"case": case_id, "form": template.id, "field": spec.name,
                                     "status": status, "value": value, "expected": expected,
                                     "problems": [p.code for p in got.problems] if got else []})
    return tally


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The labelled judgments (one JSON object per line)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def extract_all(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fact sheets of every row's text (the slow part: the extraction pipeline)."""
    from nlp.factsheet import extract_text

    return [extract_text(r["text"]) for r in rows]


def score_dataset(rows: Sequence[dict[str, Any]], sheets: Sequence[dict[str, Any]],
                  form_ids: Iterable[str],
                  only: Callable[[dict[str, Any]], bool] | None = None) -> dict[str, Tally]:
    """Per-form tallies plus ``"all"`` over the given forms (``only``: see ``score_case``)."""
    out: dict[str, Tally] = {}
    total = Tally()
    for form_id in form_ids:
        template = get_form(form_id)
        tally = Tally()
        for row, sheet in zip(rows, sheets, strict=True):
            tally.add(score_case(template, row["facts"], sheet, case_id=row["id"], only=only))
        out[form_id] = tally
        total.add(tally)
    out["all"] = total
    return out


def time_prefill(sheets: Sequence[dict[str, Any]], repeats: int = 20) -> dict[str, float]:
    """Median seconds to prefill every form for every defendant of a 10-document case.

    The case is the merge of 10 extracted sheets (document ids 1..10); the merge is timed too.
    """
    from nlp.merge import merge_factsheets

    docs = [dict(s, document_id=i + 1) for i, s in enumerate(sheets[:10])]
    merged = merge_factsheets(docs)
    times, merge_times = [], []
    n_forms = 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        merged = merge_factsheets(docs)
        t1 = time.perf_counter()
        n_forms = sum(len(prefill_all(t, merged)) for t in list_forms())
        t2 = time.perf_counter()
        merge_times.append(t1 - t0)
        times.append(t2 - t1)
    return {"prefill_s": statistics.median(times), "merge_s": statistics.median(merge_times),
            "forms": n_forms, "defendants": len(merged["defendants"]),
            "documents": len(docs)}


def _table(results: dict[str, Tally]) -> list[str]:
    lines = ["| form | required fields stated | re-entry | re-entry rate | filled | filled wrong | silent-error rate |",
             "|---|---|---|---|---|---|---|"]
    for name, t in results.items():
        lines.append(f"| {name} | {t.required_stated} | {t.reentry} | {t.reentry_rate:.1%} | "
                     f"{t.filled} | {t.filled_wrong} | {t.silent_error_rate:.2%} |")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Run the bench and print (and optionally write) the results."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--errors", action="store_true", help="list every re-entry and wrong field")
    args = ap.parse_args(argv)
    rows = load_rows(args.data)
    t0 = time.perf_counter()
    sheets = extract_all(rows)
    extract_s = time.perf_counter() - t0
    judgment = score_dataset(rows, sheets, JUDGMENT_FORMS)
    every = score_dataset(rows, sheets, [t.id for t in list_forms()])
    probation = score_dataset(rows, sheets, ["community_correction"], only=on_probation)
    timing = time_prefill(sheets)
    print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.node()} "
          f"({platform.machine()}, {platform.processor() or 'cpu'}), Python {platform.python_version()}")
    print(f"{len(rows)} judgments from {args.data.name}; extraction {extract_s:.1f} s")
    print("\nForms a judgment feeds:")
    print("\n".join(_table(judgment)))
    print("\n社区矫正 intake, only defendants the labels give a 缓刑 (those it really receives):")
    print("\n".join(_table(probation)[:3]))
    print("\nAll templates (judgment standing in for each form's source documents):")
    print("\n".join(_table(every)))
    print(f"\nprefill of a {timing['documents']}-document case ({timing['defendants']} defendants, "
          f"{timing['forms']} forms): {timing['prefill_s'] * 1000:.1f} ms median; "
          f"merge {timing['merge_s'] * 1000:.1f} ms")
    statuses = every["all"].statuses
    print(f"statuses over all forms: {dict(statuses)}")
    if args.errors:
        for e in every["all"].errors:
            print(json.dumps(e, ensure_ascii=False))


if __name__ == "__main__":
    main()
