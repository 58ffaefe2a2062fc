"""Charge names (罪名): the official lexicon and linking a written form to its official name.

A document writes the form that fits the facts ("贩卖毒品罪"); the official name may be a
selective charge listing alternatives ("走私、贩卖、运输、制造毒品罪"). ``link_charge`` returns
the official (or historical) name a written form belongs to, or ``None``. The lexicon is read
lazily, once per process.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

_LEXICON_DIR = Path(__file__).parent / "lexicons"


@dataclass(frozen=True)
class ChargeLexicon:
    """Official names, historical names, and the selective ones (names listing alternatives)."""

    official: frozenset[str]
    historical: frozenset[str]
    selective: tuple[str, ...]
    aliases: dict[str, str]


def _read_first_column(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t", 1)[0].strip() for line in lines if line.strip()]


@functools.cache
def lexicon() -> ChargeLexicon:
    """Load the charge lexicon (483 current names + historical names), once."""
    official = _read_first_column(_LEXICON_DIR / "charges.tsv")
    historical = _read_first_column(_LEXICON_DIR / "charges_historical.tsv")
    selective = tuple(name for name in official + historical if "、" in name)
    # "偷越国（边）境罪" is written "偷越国境罪" or "偷越边境罪".
    aliases: dict[str, str] = {}
    for name in official + historical:
        m = re.search(r"（([^）]+)）", name)
        if m:
            head, tail = name[: m.start()], name[m.end():]
            aliases.setdefault(head + tail, name)
            aliases.setdefault(head[:-1] + m.group(1) + tail, name)
    return ChargeLexicon(frozenset(official), frozenset(historical), selective, aliases)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _items_removed(written: str, official: str) -> bool:
    """Tell whether ``written`` is ``official`` with some 、-separated alternatives left out.

    Checked loosely: every character of the written form appears in order in the official name.
    """
    return _is_subsequence(written.replace("、", ""), official.replace("、", ""))


@functools.lru_cache(maxsize=4096)
def link_charge(written: str) -> str | None:
    """Official (or historical) name for a written charge ending in 罪, or ``None``."""
    written = written.strip()
    if not written.endswith("罪"):
        written += "罪"
    # "犯罪罪", "犯X罪" are sentence fragments, not charge names.
    if len(written) < 3 or written.startswith("犯"):
        return None
    lex = lexicon()
    if written in lex.official or written in lex.historical:
        return written
    if written in lex.aliases:
        return lex.aliases[written]
    best: str | None = None
    for name in lex.selective + tuple(a for a in lex.aliases if "、" in a):
        if len(name) <= len(written) or not _items_removed(written, name):
            continue
        if not _head_matches(written, name):
            continue
        if best is None or len(name) < len(best) or (
            len(name) == len(best) and name in lex.official and best not in lex.official
        ):
            best = name
    return lex.aliases.get(best, best) if best else None


def _head_matches(written: str, official: str) -> bool:
    # The written form must start with one of the official name's alternatives, so that
    # "盗窃罪" never links to "盗窃、抢夺枪支、弹药、爆炸物、危险物质罪" by accident.
    items = [item for item in re.split(r"[、，]", official) if item]
    return any(written.startswith(item[:2]) for item in items)


def is_charge(written: str) -> bool:
    """Tell whether ``written`` is an official/historical name or a form of one."""
    return link_charge(written) is not None


@functools.lru_cache(maxsize=4096)
def nearest_charge(written: str) -> str | None:
    """Official name within a small edit distance of a miswritten or mis-read charge.

    Courts and OCR both garble names ("不符合安全生产标准的食品罪"); up to one edit per eight
    characters (at least one) is accepted, the closest name wins, ties give ``None``.
    """
    if not written.endswith("罪") or len(written) < 4:
        return None
    budget = max(1, len(written) // 8)
    best: list[tuple[int, str]] = []
    for name in lexicon().official:
        if abs(len(name) - len(written)) > budget:
            continue
        # Above the budget rapidfuzz stops early and answers budget + 1.
        dist = Levenshtein.distance(written, name, score_cutoff=budget)
        if dist <= budget:
            best.append((dist, name))
    best.sort()
    if not best or (len(best) > 1 and best[0][0] == best[1][0]):
        return None
    return best[0][1]
