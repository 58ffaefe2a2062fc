"""The triage rules of ``rules.toml``, loaded once and checked against the charge lexicon."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).with_name("rules.toml")
CHARGES_TSV = Path(__file__).parents[1] / "lexicons" / "charges.tsv"  # = shared/data/charges.tsv


@dataclass(frozen=True)
class Procedure:
    """速裁 or 简易: its article, its conditions and (速裁) the sentence cap in months."""

    name: str
    article: str
    conditions: str
    max_sentence_months: int | None


@dataclass(frozen=True)
class Disqualifier:
    """A stated circumstance that rules out the procedures in ``blocks``."""

    id: str
    title: str
    blocks: tuple[str, ...]
    article: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()
    max_age: int | None = None


@dataclass(frozen=True)
class LightCharge:
    """A charge of the light-charge list with the top of its basic range."""

    name: str
    article: str
    max_months: int
    amount_yuan: int | None = None
    escalates: tuple[str, ...] = ()


@dataclass(frozen=True)
class TriageRules:
    """Everything triage applies."""

    procedures: dict[str, Procedure]
    disqualifiers: tuple[Disqualifier, ...]
    light_charges: dict[str, LightCharge]


def charge_articles(path: Path = CHARGES_TSV) -> dict[str, str]:
    """Each official charge with the article of 刑法 that charges.tsv cites for it."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) >= 2:
            out[cols[0].strip()] = cols[1].strip()
    return out


def parse_triage_rules(raw: dict[str, Any], articles: dict[str, str]) -> TriageRules:
    """Build the rules; a light charge unknown to charges.tsv or cited differently is an error."""
    procedures = {
        name: Procedure(name, item["article"], item["conditions"], item.get("max_sentence_months"))
        for name, item in raw["procedure"].items()
    }
    disqualifiers = []
    for item in raw["disqualifier"]:
        unknown = set(item["blocks"]) - set(procedures)
        if unknown:
            raise ValueError(f"disqualifier {item['id']} blocks unknown procedures {unknown}")
        disqualifiers.append(Disqualifier(
            id=item["id"], title=item["title"], blocks=tuple(item["blocks"]), article=item["article"],
            patterns=tuple(re.compile(p) for p in item["patterns"]),
            unless=tuple(re.compile(p) for p in item.get("unless", [])),
            max_age=item.get("max_age"),
        ))
    light = {}
    for item in raw["light_charge"]:
        cited = articles.get(item["name"])
        if cited is None:
            raise ValueError(f"light charge {item['name']} is not an official charge")
        if cited != item["article"]:
            raise ValueError(f"light charge {item['name']}: article {item['article']} but charges.tsv cites {cited}")
        light[item["name"]] = LightCharge(item["name"], item["article"], int(item["max_months"]),
                                          item.get("amount_yuan"), tuple(item.get("escalates", [])))
    return TriageRules(procedures, tuple(disqualifiers), light)


@functools.cache
def load_triage_rules(path: Path = RULES_PATH) -> TriageRules:
    """The rules of ``path`` (default: the shipped ``rules.toml``), parsed once per process."""
    with path.open("rb") as f:
        return parse_triage_rules(tomllib.load(f), charge_articles())
