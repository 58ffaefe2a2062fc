"""Charges and sentence of one defendant, read from the verdict (判决如下 …).

``split_verdict(text, lo, hi, names)`` gives each defendant their part of the verdict;
``read_verdict(text, lo, hi)`` reads charges (written form + official name), the sentence
(principal, term in months, probation, fine, revoked probation) and acquittal from that part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from nlp.charges import link_charge, nearest_charge
from nlp.found import Found
from nlp.numerals import NUM_CHARS, NUM_RE, parse_amount, parse_term
from nlp.person import CHARGE_TEXT_RE, split_charge_list

_PRINCIPAL_RE = re.compile(
    rf"(有期徒刑|拘役|管制|无期徒刑|死刑(?:，?缓期[二两]年执行)?|免予刑事处罚|免于刑事处罚)"
    rf"((?:{NUM_RE}年)?零?(?:{NUM_RE}个?月)?零?(?:{NUM_RE}[日天])?)"
)
_PROBATION_RE = re.compile(rf"缓刑((?:{NUM_RE}年)?零?(?:{NUM_RE}个?月)?)")
_FINE_RE = re.compile(rf"罚金(?:人民币?|币)?([0-9][0-9,，.]*[万萬]?|[{NUM_CHARS[4:]}]+)元")
_COMBINED_RE = re.compile(r"决定(?:合并)?执行|合并执行")
_ACQUIT_RE = re.compile(r"无罪")
_MASK_CHARS = set("某×XxＸ*＊甲乙丙丁戊己庚辛壬癸一二三四五六七八九")
_QUOTED_ITEM_RE = re.compile(r"(?:维持|撤销)[^。；]*?(?:判决|裁定)[^。]*。?")


@dataclass
class VerdictFacts:
    """Charges and sentence for one defendant (``None`` sentence when acquitted or absent)."""

    charges: list[Found] = field(default_factory=list)
    charges_official: list[str | None] = field(default_factory=list)
    principal: Found | None = None
    term_months: Found | None = None
    probation_months: Found | None = None
    fine_yuan: Found | None = None
    revokes_probation: Found | None = None
    acquitted: Found | None = None


def name_matches(written: str, name: str) -> bool:
    """Tell whether two spellings name one person (typo 邱剑峰/邱剑锋; 张某/张某某 differ)."""
    if written == name:
        return True
    if len(written) != len(name) or len(name) < 3 or written[0] != name[0]:
        return False
    diffs = [(a, b) for a, b in zip(written, name, strict=True) if a != b]
    # 林某某/林某2, 宋某甲/宋某乙 are different people: masks and ordinals never differ by typo.
    return len(diffs) == 1 and not any(c in _MASK_CHARS or c.isdigit() for c in diffs[0])


def split_verdict(text: str, lo: int, hi: int, names: list[str]) -> dict[str, tuple[int, int]]:
    """Each defendant's part of the verdict: from their first mention to the next defendant's."""
    hits: list[tuple[int, str]] = []
    for m in re.finditer(r"(?:上诉人|原审被告人|被告人|被告)", text[lo:hi]):
        pos = lo + m.end()
        exact = [n for n in names if text.startswith(n, pos)]
        fuzzy = [n for n in names if name_matches(text[pos:pos + len(n)], n)]
        for name in sorted(exact, key=len, reverse=True) or fuzzy[:1]:
            hits.append((lo + m.start(), name))
            break
    parts: dict[str, tuple[int, int]] = {}
    if len(names) == 1:
        return {names[0]: (lo, hi)}
    if not hits:
        # Verdict items that name defendants without a role word ("一、张三犯盗窃罪…").
        for name in names:
            pos = text.find(name, lo, hi)
            if pos >= 0:
                hits.append((pos, name))
        hits.sort()
    # A part starts at the beginning of the item that first names the defendant
    # ("一、撤销…对被告人赵六宣告缓刑…" belongs to 赵六 from 撤销 on).
    starts = [(max(lo, *(text.rfind(c, lo, pos) + 1 for c in "。；\n")), name) for pos, name in hits]
    for i, (pos, name) in enumerate(starts):
        if name in parts:
            continue
        nxt = next((p for p, n in starts[i + 1:] if n != name and p > pos), hi)
        parts[name] = (pos, nxt)
    return parts


def read_verdict(text: str, lo: int, hi: int) -> VerdictFacts:
    """Read charges and the final sentence from one defendant's verdict part."""
    out = VerdictFacts()
    rv = re.search(r"撤销[^。；]{0,80}?缓刑", text[lo:hi])
    if rv:
        out.revokes_probation = Found(True, lo + rv.start(), lo + rv.end(), 0.9)
    # Items that keep or set aside the first instance quote its sentence: not this verdict's.
    masked = _QUOTED_ITEM_RE.sub(lambda m: "＃" * len(m.group(0)), text[lo:hi])
    if CHARGE_TEXT_RE.search(masked) or _PRINCIPAL_RE.search(masked):
        text = text[:lo] + masked + text[hi:]
    seen: set[str] = set()
    for m in CHARGE_TEXT_RE.finditer(text, lo, hi):
        body_start = m.start() + 1
        for written in split_charge_list(m.group(0)[1:]):
            start = text.find(written, body_start, m.end())
            charge, official, confidence = written, link_charge(written), 0.95
            if official and official != written and official.replace("、", "") == written.replace("、", ""):
                charge, confidence = official, 0.85  # a 、 lost in reading ("提供侵入非法控制…罪")
            if official is None:
                official = nearest_charge(written)
                charge, confidence = (official, 0.7) if official else (written, 0.5)
            if charge in seen:
                continue
            seen.add(charge)
            out.charges.append(Found(charge, start, start + len(written), confidence))
            out.charges_official.append(official)
    acquit = _ACQUIT_RE.search(text, lo, hi)
    if acquit and not out.charges:
        out.acquitted = Found(True, acquit.start(), acquit.end(), 0.9)
    combined = _COMBINED_RE.search(text, lo, hi)
    s_lo = combined.end() if combined else lo
    pm = _PRINCIPAL_RE.search(text, s_lo, hi)
    if pm:
        principal = pm.group(1)
        if principal.startswith("死刑"):
            principal = "死刑"
        if principal == "免于刑事处罚":
            principal = "免予刑事处罚"
        out.principal = Found(principal, pm.start(1), pm.end(1), 0.95)
        if pm.group(2):
            months = parse_term(pm.group(2))
            if months is not None:
                out.term_months = Found(months, pm.start(2), pm.end(2), 0.95)
    fines = list(_FINE_RE.finditer(text, s_lo, hi))
    if not fines and combined:
        fines = list(_FINE_RE.finditer(text, lo, hi))
    if fines:
        amounts = [parse_amount(f.group(1) + "元") for f in fines]
        valid = [a for a in amounts if a is not None]
        if valid:
            # Without a combined fine, the fines of several charges are executed together.
            total = valid[0] if combined and len(fines) == 1 else sum(valid)
            out.fine_yuan = Found(total, fines[0].start(1), fines[-1].end(1), 0.9)
    if out.principal is None and fines:
        out.principal = Found("单处罚金", fines[0].start(), fines[0].end(), 0.85)
    for pr in _PROBATION_RE.finditer(text, s_lo, hi):
        # "撤销…宣告缓刑二年的部分" names the revoked probation, not a new one.
        before = text[max(lo, pr.start() - 40): pr.start()]
        if "撤销" in before.rsplit("。", 1)[-1] or not pr.group(1):
            continue
        months = parse_term(pr.group(1))
        if months:
            out.probation_months = Found(months, pr.start(1), pr.end(1), 0.95)
            break
    return out


_ITEM_END_RE = re.compile(r"[。；;\n]")
_ITEM_HEAD_RE = re.compile(r"[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)]")
_ROLE_RE = re.compile(r"(?:上诉人|原审被告人|被告人|被告)")
_TERM_LIST_RE = re.compile(rf"{_PRINCIPAL_RE.pattern}(?:[、，,和及]{_PRINCIPAL_RE.pattern})+")
_AMOUNTS_RE = re.compile(
    rf"罚金(?:人民币?|币)?((?:[0-9][0-9,.]*[万萬]?|[{NUM_CHARS[4:]}]+)元"
    rf"(?:[、，,和及](?:人民币)?(?:[0-9][0-9,.]*[万萬]?|[{NUM_CHARS[4:]}]+)元)+)"
)


def _joint_names(text: str, lo: int, hi: int, names: list[str]) -> list[str]:
    """Names listed together at the head of a verdict item ("被告人甲、乙犯…"), in order."""
    pos = lo
    while pos < hi and text[pos] in "：: \u3000":
        pos += 1
    head = _ITEM_HEAD_RE.match(text, pos)
    pos = head.end() if head else pos
    listed: list[str] = []
    while pos < hi:
        role = _ROLE_RE.match(text, pos)
        pos = role.end() if role else pos
        name = next((n for n in sorted(names, key=len, reverse=True) if text.startswith(n, pos)), None)
        if name is None or name in listed:
            break
        listed.append(name)
        pos += len(name)
        if pos < hi and text[pos] in "、和及":
            pos += 1
            continue
        break
    rest = text[pos:pos + 3]
    return listed if len(listed) > 1 and rest.startswith(("犯", "均犯", "的行为", "共同")) else []


def read_joint_items(text: str, lo: int, hi: int, names: list[str]) -> dict[str, VerdictFacts]:
    """Sentences of verdict items that name several defendants at once.

    "被告人甲、乙犯盗窃罪，均判处有期徒刑六个月" gives both the same sentence; "…分别判处有期徒刑一年、
    有期徒刑八个月，并处罚金人民币五千元、三千元" gives each the term (and fine) at their place in
    the list. A defendant named in any other item is left out: their own item decides.
    """
    items: list[tuple[int, int]] = []
    start = lo
    for m in _ITEM_END_RE.finditer(text, lo, hi):
        items.append((start, m.start()))
        start = m.end()
    items.append((start, hi))
    joint: dict[str, VerdictFacts] = {}
    elsewhere: set[str] = set()
    for i_lo, i_hi in items:
        listed = _joint_names(text, i_lo, i_hi, names)
        if not listed:
            elsewhere.update(n for n in names if n in text[i_lo:i_hi])
            continue
        shared = read_verdict(text, i_lo, i_hi)
        separately = "分别" in text[i_lo:i_hi]
        terms = _TERM_LIST_RE.search(text, i_lo, i_hi) if separately else None
        amounts = _AMOUNTS_RE.search(text, i_lo, i_hi) if separately else None
        term_hits = list(_PRINCIPAL_RE.finditer(text, terms.start(), terms.end())) if terms else []
        fine_hits = _amount_spans(text, amounts) if amounts else []
        for k, name in enumerate(listed):
            facts = replace(shared, charges=list(shared.charges), charges_official=list(shared.charges_official))
            if len(term_hits) == len(listed):
                pm = term_hits[k]
                facts.principal = Found(pm.group(1), pm.start(1), pm.end(1), 0.9)
                months = parse_term(pm.group(2)) if pm.group(2) else None
                facts.term_months = Found(months, pm.start(2), pm.end(2), 0.9) if months is not None else None
            elif separately:
                facts.principal = facts.term_months = None  # a list we cannot pair: never guess
            if len(fine_hits) == len(listed):
                facts.fine_yuan = fine_hits[k]
            elif separately and fine_hits:
                facts.fine_yuan = None
            joint[name] = facts
    return {n: f for n, f in joint.items() if n not in elsewhere}


def _amount_spans(text: str, m: re.Match[str]) -> list[Found]:
    out = []
    for a in re.finditer(rf"(?:[0-9][0-9,.]*[万萬]?|[{NUM_CHARS[4:]}]+)元", text[m.start(1):m.end(1)]):
        value = parse_amount(a.group(0))
        if value is not None:
            out.append(Found(value, m.start(1) + a.start(), m.start(1) + a.end(), 0.9))
    return out
