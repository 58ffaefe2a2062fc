"""The time-limit rules of ``rules.toml``, loaded once and checked.

``load_rules()`` returns a :class:`RuleBook`; ``RuleBook.find(rule_id, procedure)`` one rule.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class Length:
    """A limit's length: months first (month-end rule), then days."""

    months: int = 0
    days: int = 0

    def __add__(self, other: Length) -> Length:
        return Length(self.months + other.months, self.days + other.days)

    def words(self) -> str:
        """The length as a clerk writes it: "二个月", "十五日" (Arabic digits)."""
        parts = ([f"{self.months}个月"] if self.months else []) + ([f"{self.days}日"] if self.days else [])
        return "".join(parts) or "0日"


@dataclass(frozen=True)
class Extension:
    """An extension the law allows: ``adds`` to the length or makes it ``total``."""

    id: str
    title: str
    article: str
    adds: Length | None = None
    total: Length | None = None

    def applied_to(self, length: Length) -> Length:
        if self.total is not None:
            return self.total
        assert self.adds is not None
        return length + self.adds


@dataclass(frozen=True)
class Rule:
    """One limit: where it comes from, what starts and stops it, how long it runs."""

    id: str
    procedure: str | None
    title: str
    article: str
    starts: tuple[str, ...]
    ends: tuple[str, ...]
    custody: bool
    length: Length
    extensions: tuple[Extension, ...] = ()
    max_times: int | None = None
    met_by: tuple[str, ...] = ()  # empty: every end meets it
    stage: str | None = None  # 侦查: not started once the case has left the investigation
    open_ended: bool = False  # the law allows more than the listed extensions
    from_receipt: bool = False  # counted from the receiver's receipt of the case, not its sending

    def extension(self, extension_id: str) -> Extension | None:
        return next((e for e in self.extensions if e.id == extension_id), None)


@dataclass(frozen=True)
class RuleBook:
    """All rules, with the article and text of the counting rule (art. 105)."""

    rules: tuple[Rule, ...]
    counting_article: str

    def find(self, rule_id: str, procedure: str | None = None) -> Rule:
        """The rule ``rule_id`` for ``procedure`` (the 普通 one when there is no such variant)."""
        variants = [r for r in self.rules if r.id == rule_id]
        if not variants:
            raise KeyError(rule_id)
        for rule in variants:
            if rule.procedure == procedure:
                return rule
        return next((r for r in variants if r.procedure in (None, "普通")), variants[0])

    def extension(self, extension_id: str) -> tuple[Rule, Extension] | None:
        """The rule an extension belongs to, and the extension."""
        for rule in self.rules:
            ext = rule.extension(extension_id)
            if ext is not None:
                return rule, ext
        return None

    @property
    def ids(self) -> list[str]:
        return list(dict.fromkeys(r.id for r in self.rules))


def _length(raw: dict[str, Any] | None) -> Length | None:
    if raw is None:
        return None
    unknown = set(raw) - {"months", "days"}
    if unknown:
        raise ValueError(f"unknown length unit {sorted(unknown)}")
    return Length(int(raw.get("months", 0)), int(raw.get("days", 0)))


def parse_rules(raw: dict[str, Any]) -> RuleBook:
    """Build and check a :class:`RuleBook` from the parsed TOML (raises ValueError)."""
    rules = []
    seen: set[tuple[str, str | None]] = set()
    for item in raw["rule"]:
        key = (item["id"], item.get("procedure"))
        if key in seen:
            raise ValueError(f"rule {key} is defined twice")
        seen.add(key)
        extensions = []
        for ext in item.get("extensions", []):
            adds, total = _length(ext.get("adds")), _length(ext.get("total"))
            if (adds is None) == (total is None):
                raise ValueError(f"extension {ext['id']} needs exactly one of adds / total")
            extensions.append(Extension(ext["id"], ext["title"], ext["article"], adds, total))
        length = _length(item["length"])
        assert length is not None
        rules.append(Rule(
            id=item["id"], procedure=item.get("procedure"), title=item["title"],
            article=item["article"], starts=tuple(item["starts"]), ends=tuple(item["ends"]),
            custody=bool(item["custody"]), length=length, extensions=tuple(extensions),
            max_times=item.get("max_times"), met_by=tuple(item.get("met_by", ())),
            stage=item.get("stage"), open_ended=bool(item.get("open_ended", False)),
            from_receipt=bool(item.get("from_receipt", False)),
        ))
    return RuleBook(tuple(rules), raw["counting"]["article"])


@functools.cache
def load_rules(path: Path = RULES_PATH) -> RuleBook:
    """The rules of ``path`` (default: the shipped ``rules.toml``), parsed once per process."""
    with path.open("rb") as f:
        return parse_rules(tomllib.load(f))
