"""Days per stage of a case (全口径统计): 拘留→逮捕, 逮捕→移送审查起诉, 移送审查起诉→起诉, 起诉→判决.

``stage_days(events)`` takes one person's events (``Event``, or the report's
``{"measure", "date"}``) and returns the days between the first event of each step, where both
are known and in order; ``arrest_to_verdict`` is 逮捕→判决. Pure, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from statistics import mean, median
from typing import Any

# each stage: (its key, the step it starts from, the step it ends with)
STAGES: tuple[tuple[str, str, str], ...] = (
    ("detention_to_arrest", "刑事拘留", "逮捕"),
    ("arrest_to_review", "逮捕", "移送审查起诉"),
    ("review_to_indictment", "移送审查起诉", "起诉"),
    ("indictment_to_verdict", "起诉", "判决"),
    ("arrest_to_verdict", "逮捕", "判决"),
)

# The stages each kind of agency works (models.tables.Agency.kind), for the statistics per
# handler: a handler's numbers are those of their own agency's stages, and the whole case's
# arrest-to-verdict. An agency of another kind gets every stage.
AGENCY_STAGES: dict[str, tuple[str, ...]] = {
    "police": ("detention_to_arrest", "arrest_to_review", "arrest_to_verdict"),
    "procuratorate": ("review_to_indictment", "arrest_to_verdict"),
    "court": ("indictment_to_verdict", "arrest_to_verdict"),
}


def agency_stages(kind: str | None) -> tuple[str, ...]:
    """The stage keys an agency of ``kind`` answers for."""
    return AGENCY_STAGES.get(kind or "", tuple(key for key, _, _ in STAGES))


def first_steps(events: Iterable[Mapping[str, Any] | Any]) -> dict[str, dt.date]:
    """The first date of each step among ``events``."""
    first: dict[str, dt.date] = {}
    for event in events:
        measure = event["measure"] if isinstance(event, Mapping) else event.measure
        raw = event["date"] if isinstance(event, Mapping) else event.date
        day = dt.date.fromisoformat(raw) if isinstance(raw, str) else raw
        if measure not in first or day < first[measure]:
            first[measure] = day
    return first


def stage_days(events: Iterable[Mapping[str, Any] | Any]) -> dict[str, int]:
    """Days of each stage whose two steps are both dated, the end not before the start."""
    first = first_steps(events)
    out = {}
    for key, start, end in STAGES:
        if start in first and end in first and first[end] >= first[start]:
            out[key] = (first[end] - first[start]).days
    return out


def summarize(samples: Iterable[int]) -> dict[str, Any]:
    """``{"count", "mean", "median"}`` of a stage's days (mean to one decimal; None when empty)."""
    values = list(samples)
    if not values:
        return {"count": 0, "mean": None, "median": None}
    return {"count": len(values), "mean": round(mean(values), 1), "median": median(values)}
