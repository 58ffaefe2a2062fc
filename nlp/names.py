"""Defendant names: from party paragraphs, or voted from mentions in a fact-only text.

``party_markers(text, lo, hi)`` finds "被告人NAME，…" openings of party paragraphs;
``names_from_mentions(text)`` finds defendants in fact sections ("被告人黄爽、彭林等…") where
no paragraph gives the name, choosing name boundaries by how often each candidate is followed
by punctuation or a function word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from nlp.found import Found

NAME_CHARS = r"[\u4e00-\u9fa5A-Za-z0-9×Xx＊*·•．.ⅹ]"
_ROLE = r"(?:上诉人|原审被告人|被告人|犯罪嫌疑人|罪犯|被告)"
PARTY_RE = re.compile(
    rf"{_ROLE}(?:[（(](?:原审)?(?:被告人|被告|犯罪嫌疑人)[）)])?(?:自报|自称)?({NAME_CHARS}{{1,12}}?)"
    r"(?=[，,（(。；;:：]|$)"
)
_ALIAS_RE = re.compile(
    r"(?:绰号|外号|别名|化名|曾用名|又名|小名)[：:]?[“\"「]?([\u4e00-\u9fa5A-Za-z0-9]{1,8}?)[”\"」，,。；)）]"
)


@dataclass(frozen=True)
class PartyMarker:
    """A party paragraph opening: the name and where the paragraph starts."""

    name: Found
    start: int


def party_markers(text: str, lo: int, hi: int) -> list[PartyMarker]:
    """Party paragraphs in ``[lo, hi)``: each begins at a role word after a sentence end."""
    out: list[PartyMarker] = []
    seen: set[str] = set()
    for m in PARTY_RE.finditer(text, lo, hi):
        prev = text[m.start() - 1] if m.start() > 0 else "。"
        if m.start() > lo and prev not in "。；;：:）)”\"" and not prev.isdigit():
            continue
        name = m.group(1)
        if name in seen or len(name) > 10 or name in ("单位",):
            continue
        seen.add(name)
        out.append(PartyMarker(Found(name, m.start(1), m.end(1), 0.95), m.start()))
    return out


def find_aliases(text: str, lo: int, hi: int) -> list[Found]:
    """绰号/别名/曾用名 given in a party paragraph."""
    return [Found(m.group(1), m.start(1), m.end(1), 0.85) for m in _ALIAS_RE.finditer(text, lo, hi)]


# Characters that end a name when they follow it in running text.
_STOP_AFTER = set(
    "，,。；;：:、（(）)“”\"在的于因将与和及等伙同以被为系从到向对把持驾采明先利通趁经又再已共均分即遂便还也并"
    "是无未拒不冒窜至去来携骑进乘租购用拿使自称所之后前时就则才都各仍亦曾因从而今"
)
_NOT_NAME_START = set("的在于及等均所亦供辩与和对同其该本上下某各")
_NOT_NAME = {
    "供述", "辩解", "辩护", "身份", "户籍", "归案", "家属", "本人", "到案", "当庭", "所有", "一方",
    "对其", "辩护人", "自愿", "如实", "主动", "犯罪", "行为", "签名", "认罪", "无异", "提出",
}
_MASK_RE = re.compile(r"[\u4e00-\u9fa5]{1,2}(?:某某|某|××|×|XX|X|ⅹ)[0-9甲乙丙丁戊一二三四五]?")
_LIST_SEP = ("、", "和", "及", "与", "，")


def _candidate_names(run: str) -> list[tuple[str, int]]:
    """Candidate names at the start of ``run`` with a boundary score (2 strong, 1 weak, 0)."""
    mask = _MASK_RE.match(run)
    if mask:
        return [(mask.group(0), 3)]
    out = []
    for length in (2, 3, 4):
        if len(run) < length:
            break
        cand = run[:length]
        nxt = run[length] if len(run) > length else "。"
        score = 2 if nxt in _STOP_AFTER else 0
        out.append((cand, score))
    return out


def names_from_mentions(text: str) -> list[Found]:
    """Defendant names voted from every "被告人…" mention, in order of first mention."""
    mentions: list[tuple[int, str]] = []
    for m in re.finditer(r"(?:被告人|犯罪嫌疑人|被告)(?:自报)?", text):
        pos = m.end()
        # A list of names: 被告人黄爽、彭林和龚万云
        for _ in range(6):
            run_m = re.match(rf"{NAME_CHARS}{{1,8}}", text[pos:])
            if not run_m:
                break
            mentions.append((pos, text[pos: pos + 8]))
            cands = _candidate_names(text[pos: pos + 8])
            best = next((c for c, s in cands if s >= 2), None)
            if best is None:
                break
            after = pos + len(best)
            if after < len(text) and text[after] in "、和及与" and re.match(
                rf"{NAME_CHARS}{{2}}", text[after + 1:]
            ):
                pos = after + 1
                continue
            break
    support: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    for _, run in mentions:
        for cand, score in _candidate_names(run):
            if score >= 2:
                support[cand] += 1
            weak[cand] += 1
    chosen: dict[str, int] = {}
    for pos, run in mentions:
        cands = _candidate_names(run)
        best_name = None
        best_score = -1.0
        for cand, score in cands:
            if cand[0] in _NOT_NAME_START or cand in _NOT_NAME or not _plausible(cand):
                continue
            value = support[cand] * 2 + weak[cand] * 0.5 + (0.6 if len(cand) == 3 else 0)
            value += 1.5 if score >= 2 else 0
            if value > best_score:
                best_name, best_score = cand, value
        if best_name and support[best_name] > 0 and best_name not in chosen:
            chosen[best_name] = pos
    names = _drop_prefixes(chosen)
    return [Found(n, p, p + len(n), 0.75) for n, p in sorted(names.items(), key=lambda kv: kv[1])]


def _plausible(cand: str) -> bool:
    return all(re.fullmatch(NAME_CHARS, c) for c in cand) and not any(c.isdigit() for c in cand[:1])


def _drop_prefixes(chosen: dict[str, int]) -> dict[str, int]:
    # "彭林" and "彭林手" both chosen: the shorter one with support is the name.
    names = dict(chosen)
    for a in list(names):
        for b in list(names):
            if a != b and b.startswith(a) and b in names and a in names:
                del names[b]
    return names
