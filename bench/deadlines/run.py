"""Deadline computation bench: the limits of N generated cases, timed (issue 21).

Run: ``.venv/bin/python -m bench.deadlines.run [--cases 10000] [--seed 21]``.

Each case is one person with a realistic chain drawn at random from a fixed seed: 刑事拘留,
sometimes 取保候审 instead of an arrest, 提请批准逮捕, 逮捕, sometimes extensions, 移送审查起诉,
sometimes a return for supplementary investigation, 起诉, 受理, a procedure (普通/简易/速裁), dates
from 2024 to 2026 (so holidays and make-up days are looked up). What is timed is the pure
computation of :func:`nlp.deadlines.compute.limits_json` (events → limits with due dates and
notes), not reading documents. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import time

from nlp.deadlines.compute import Event, limits_json


def make_case(rng: random.Random) -> tuple[list[Event], str]:
    """One person's events and the procedure, drawn from ``rng``."""
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 800))
    events = [Event("刑事拘留", day)]

    def later(lo: int, hi: int) -> dt.date:
        nonlocal day
        day = day + dt.timedelta(days=rng.randint(lo, hi))
        return day

    if rng.random() < 0.3:
        events.append(Event("取保候审", later(1, 3)))
    else:
        if rng.random() < 0.2:
            events.append(Event("延长", later(1, 2), extension="arrest_request_30"))
        events.append(Event("提请批准逮捕", later(1, 25)))
        events.append(Event("逮捕", later(1, 7)))
        if rng.random() < 0.2:
            events.append(Event("延长", later(40, 55), extension="investigation_custody_156"))
    events.append(Event("移送审查起诉", later(10, 60)))
    if rng.random() < 0.15:
        events.append(Event("退回补充侦查", later(5, 25)))
        events.append(Event("重新移送审查起诉", later(10, 30)))
    events.append(Event("起诉", later(5, 40)))
    events.append(Event("受理", later(0, 3)))
    procedure = rng.choice(["普通", "简易", "速裁"])
    return events, procedure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = [make_case(rng) for _ in range(args.cases)]
    today = dt.date(2026, 12, 6)
    limits_json(*cases[0][:1], procedure=cases[0][1], today=today)  # load rules and holidays once
    runs, cpu = [], []
    count = 0
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        count = sum(len(limits_json(events, procedure=proc, today=today)) for events, proc in cases)
        runs.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(json.dumps({
        "cases": args.cases, "limits": count, "seconds_runs": [round(r, 3) for r in runs],
        "seconds_median": round(statistics.median(runs), 3),
        "us_per_case": round(statistics.median(runs) / args.cases * 1e6, 1),
        # the CPU time too: on a shared machine the wall time includes waiting for a core
        "cpu_seconds_median": round(statistics.median(cpu), 3),
        "cpu_us_per_case": round(statistics.median(cpu) / args.cases * 1e6, 1),
        "python": platform.python_version(), "machine": platform.machine(),
    }))


if __name__ == "__main__":
    main()
