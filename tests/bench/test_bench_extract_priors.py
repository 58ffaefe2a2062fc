"""bench.extract.priors scores prior convictions as (charge, year) on aligned defendants."""

from __future__ import annotations

from typing import Any

from bench.extract.priors import score_priors


def _person(name: str, priors: list[tuple[str | None, str | None]]) -> dict[str, Any]:
    return {"name": name, "prior_convictions": [{"charge": c, "date": d, "sentence": None} for c, d in priors]}


def test_a_prior_counts_when_charge_and_year_both_match() -> None:
    gold = {"facts": {"defendants": [
        _person("甲某", [("盗窃罪", "2015-03-02"), ("抢劫罪", "2018-01-09")]),
        _person("乙某", [("诈骗罪", "2012-06-30")]),
    ]}, "text": ""}
    predicted = {"defendants": [
        # right charge, wrong year; right pair; the second person's prior missed; one invented
        _person("甲某", [("盗窃罪", "2016-03-02"), ("抢劫罪", "2018-05-01")]),
        _person("乙某", []),
        _person("丙某", [("故意伤害罪", None)]),
    ]}
    t = score_priors([gold], predict=lambda row: predicted)
    pair, charge, year = t["(charge, year)"], t["charge"], t["year"]
    assert (pair.tp, pair.pred, pair.gold) == (1, 3, 3)
    assert (charge.tp, charge.pred, charge.gold) == (2, 3, 3)
    assert (year.tp, year.pred, year.gold) == (1, 3, 3)
    assert round(pair.f1, 3) == 0.333
