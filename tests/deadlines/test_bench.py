"""The deadlines bench's generator makes chains every limit can be computed from (issue 21)."""

from __future__ import annotations

import random

from bench.deadlines.run import make_case
from nlp.deadlines.compute import limits_json


def test_issue21_bench_cases_compute() -> None:
    rng = random.Random(21)
    for _ in range(200):
        events, procedure = make_case(rng)
        limits = limits_json(events, procedure=procedure)
        assert {lim["rule"] for lim in limits} >= {"arrest_request", "prosecution_review", "trial"}
