"""The rules files are checked when loaded (issue 21): a mistake in the data is an error."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from nlp.deadlines.rules import RULES_PATH, parse_rules
from nlp.triage.rules import RULES_PATH as TRIAGE_RULES_PATH
from nlp.triage.rules import charge_articles, parse_triage_rules


def _raw(path: Any) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def test_issue21_a_rule_defined_twice_is_refused() -> None:
    raw = _raw(RULES_PATH)
    raw["rule"].append(dict(raw["rule"][0]))
    with pytest.raises(ValueError, match="defined twice"):
        parse_rules(raw)


def test_issue21_an_extension_needs_exactly_one_length() -> None:
    raw = _raw(RULES_PATH)
    raw["rule"][0]["extensions"][0]["adds"] = {"days": 1}  # it already has a total
    with pytest.raises(ValueError, match="exactly one"):
        parse_rules(raw)


def test_issue21_an_unknown_length_unit_is_refused() -> None:
    raw = _raw(RULES_PATH)
    raw["rule"][0]["length"] = {"weeks": 1}
    with pytest.raises(ValueError, match="unit"):
        parse_rules(raw)


def test_issue21_a_light_charge_cited_differently_from_charges_tsv_is_refused() -> None:
    raw = _raw(TRIAGE_RULES_PATH)
    raw["light_charge"][0]["article"] = "第999条"
    with pytest.raises(ValueError, match="charges.tsv cites"):
        parse_triage_rules(raw, charge_articles())


def test_issue21_an_unofficial_light_charge_is_refused() -> None:
    raw = _raw(TRIAGE_RULES_PATH)
    raw["light_charge"][0]["name"] = "酒驾罪"
    with pytest.raises(ValueError, match="not an official charge"):
        parse_triage_rules(raw, charge_articles())


def test_issue21_the_shipped_charge_list_is_the_shared_one() -> None:
    from tests.conftest import shared_data

    shared = shared_data("charges.tsv").read_text(encoding="utf-8")
    assert charge_articles() == {
        line.split("\t")[0].strip(): line.split("\t")[1].strip()
        for line in shared.splitlines()[1:] if line.strip()
    }
