"""Apply the triage rules to one document: candidate 速裁 / 简易 / None, reasons and blocks.

``triage_sheet(text, sheet)`` → ``{"candidate", "reasons", "blocking"}`` (the shape of
``casefile triage --json``). Each reason and block is ``{"id", "text", "article", "evidence"}``;
a block also lists the procedures it ``blocks``. A procedure is a candidate only when every
condition holds and no disqualifier of it is stated anywhere in the document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from models.page import PageContent
from nlp.deadlines.events import body_end, signature_date
from nlp.factsheet import extract_facts
from nlp.normalize import normalize
from nlp.numerals import to_number
from nlp.sections import split_sections
from nlp.triage.rules import Disqualifier, TriageRules, load_triage_rules

_NEGATED_RE = re.compile(r"(?:无|没有|不是|并非|不属于|排除|不具有|未患有?|未发现|不存在)$")
_AMOUNT_RE = re.compile(r"(?:价值|数额|金额|共计|合计|总计|骗取|窃得|盗得|抢得)(?:人民币)?([0-9][0-9,.]*[万]?|[〇零一二两三四五六七八九十百千万]+)元")
_PLEA_RE = re.compile(r"认罪认罚具结书|具结书|(?<!不)(?<!未)认罪认罚")
_SURRENDER_RE = re.compile(r"(?<!不)(?<!不构成)(?<!不属)自首")
_RECIDIVIST_RE = re.compile(r"(?<!不)(?<!不构成)(?<!不属于)累犯")


def _quote(text: str, start: int, end: int) -> dict[str, Any]:
    return {"text": text[start:end], "context": text[max(0, start - 20): end + 20]}


def _stated(text: str, rule: Disqualifier) -> re.Match[str] | None:
    for pattern in rule.patterns:
        for m in pattern.finditer(text):
            if not _NEGATED_RE.search(text[max(0, m.start() - 4): m.start()]):
                return m
    return None


def _age(birth: str | None, on: dt.date | None) -> int | None:
    if not birth or len(birth) != 10 or on is None:
        return None
    try:
        born = dt.date.fromisoformat(birth)
    except ValueError:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _earliest_event(sheet: dict[str, Any]) -> dt.date | None:
    days = []
    for d in sheet.get("defendants", []):
        for e in d.get("custody_events", []):
            if e.get("date") and len(e["date"]) == 10:
                days.append(dt.date.fromisoformat(e["date"]))
    return min(days) if days else None


def _blocks(
    text: str, sheet: dict[str, Any], rules: TriageRules, signed: dt.date | None,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    several = len(sheet.get("defendants", [])) > 1
    for rule in rules.disqualifiers:
        hit = _stated(text, rule)
        if hit is not None and rule.unless and any(p.search(text) for p in rule.unless):
            hit = None
        title = rule.title
        if rule.id == "co_suspect_not_pleading" and not several:
            title = "被告人不认罪或者对适用程序有异议"
        if hit is not None:
            out.append({"id": rule.id, "text": title, "article": rule.article,
                        "blocks": list(rule.blocks), "evidence": _quote(text, hit.start(), hit.end())})
            continue
        if rule.max_age is not None:
            # The youngest age at the earliest event of the case, or at the document's date.
            on = _earliest_event(sheet) or signed
            for d in sheet.get("defendants", []):
                age = _age(d.get("birth_date"), on)
                if age is not None and age <= rule.max_age:
                    out.append({"id": rule.id, "text": f"{title}（{d['name']}，{age}周岁）",
                                "article": rule.article, "blocks": list(rule.blocks),
                                "evidence": {"birth_date": d.get("birth_date"), "on": on.isoformat() if on else None}})
                    break
    for d in sheet.get("defendants", []):
        if d.get("acquitted"):
            out.append({"id": "possible_acquittal", "text": f"{d['name']}被宣告无罪",
                        "article": "刑事诉讼法第二百一十四条第一款第（一）项、第二百二十二条第一款",
                        "blocks": ["速裁", "简易"], "evidence": d.get("evidence", {}).get("name")})
    return out


def _max_amount(text: str) -> tuple[float, re.Match[str]] | None:
    best = None
    for m in _AMOUNT_RE.finditer(text):
        value = to_number(m.group(1))
        if value is not None and (best is None or value > best[0]):
            best = (value, m)
    return best


def triage_sheet(text: str, sheet: dict[str, Any], rules: TriageRules | None = None) -> dict[str, Any]:
    """Triage one document (see module doc); ``text`` is the document's text as read."""
    rules = rules or load_triage_rules()
    full = normalize(text).text
    sec = split_sections(full)
    # The document's own words only: the statutes a judgment appends (刑法第十七条 on minors,
    # 第十八条 on mental illness) state no circumstance of the case.
    norm = full[: body_end(full, sec)]
    signed = signature_date(full, sec)
    reasons: list[dict[str, Any]] = []
    blocking = _blocks(norm, sheet, rules, signed)
    fast, summary = rules.procedures["速裁"], rules.procedures["简易"]
    both = f"{summary.article}、{fast.article}"

    plea = _PLEA_RE.search(norm)
    if sheet.get("guilty_plea_leniency") or plea:
        evidence = sheet.get("evidence", {}).get("guilty_plea_leniency") or (
            _quote(norm, plea.start(), plea.end()) if plea else None)
        reasons.append({"id": "guilty_plea", "text": "认罪认罚", "article": both, "evidence": evidence})
    else:
        blocking.append({"id": "no_guilty_plea", "text": "文书未载明被告人认罪认罚", "article": both,
                         "blocks": ["速裁", "简易"], "evidence": None})

    charges = sorted({c for d in sheet.get("defendants", []) for c in d.get("charges_official") or [] if c})
    if not charges:
        blocking.append({"id": "no_charge", "text": "未能识别罪名", "article": both,
                         "blocks": ["速裁", "简易"], "evidence": None})
    top = 0
    amount = _max_amount(norm)
    for charge in charges:
        light = rules.light_charges.get(charge)
        if light is None:
            blocking.append({"id": "not_light_charge", "text": f"{charge}不在轻罪名单", "article": both,
                             "blocks": ["速裁", "简易"], "evidence": {"charge": charge}})
            continue
        months = light.max_months
        reasons.append({"id": "light_charge", "text": f"{charge}（刑法{light.article}，基本法定刑最高{months}个月）",
                        "article": both, "evidence": {"charge": charge}})
        if light.amount_yuan is not None and amount is not None and amount[0] >= light.amount_yuan:
            months = 37
            blocking.append({"id": "sentence_over_limit",
                             "text": f"{charge}数额{amount[0]:.0f}元，可能达到数额巨大，可能判处三年以上有期徒刑",
                             "article": fast.article, "blocks": ["速裁"],
                             "evidence": _quote(norm, amount[1].start(), amount[1].end())})
        for word in light.escalates:
            hit = re.search(re.escape(word), norm)
            if hit and not _NEGATED_RE.search(norm[max(0, hit.start() - 4): hit.start()]):
                months = 37
                blocking.append({"id": "sentence_over_limit", "text": f"{charge}有“{word}”情节，可能判处三年以上有期徒刑",
                                 "article": fast.article, "blocks": ["速裁"],
                                 "evidence": _quote(norm, hit.start(), hit.end())})
                break
        top = max(top, months)
    cap = fast.max_sentence_months or 36
    if charges and top > cap and not any(b["id"] == "sentence_over_limit" for b in blocking):
        blocking.append({"id": "sentence_over_limit", "text": f"基本法定刑最高{top}个月，超过三年有期徒刑",
                         "article": fast.article, "blocks": ["速裁"], "evidence": None})
    if len(charges) > 1:
        reasons.append({"id": "several_charges", "text": "数罪，须数罪并罚，请核对可能判处的刑期",
                        "article": fast.article, "evidence": {"charges": charges}})
    _circumstances(norm, sheet, amount, reasons)

    candidate = None
    for name in ("速裁", "简易"):
        if not any(name in b["blocks"] for b in blocking):
            candidate = name
            break
    return {"candidate": candidate, "reasons": reasons, "blocking": blocking}


def _circumstances(
    text: str, sheet: dict[str, Any], amount: tuple[float, re.Match[str]] | None,
    reasons: list[dict[str, Any]],
) -> None:
    """Sentencing circumstances found (they inform the likely sentence; none blocks by itself)."""
    if amount is not None:
        reasons.append({"id": "amount", "text": f"涉案数额{amount[0]:.0f}元", "article": "",
                        "evidence": _quote(text, amount[1].start(), amount[1].end())})
    m = _SURRENDER_RE.search(text)
    if m:
        reasons.append({"id": "surrender", "text": "自首（可以从轻或者减轻处罚，刑法第六十七条）",
                        "article": "", "evidence": _quote(text, m.start(), m.end())})
    m = _RECIDIVIST_RE.search(text)
    if m or any(d.get("prior_convictions") for d in sheet.get("defendants", [])):
        reasons.append({"id": "recidivist", "text": "累犯或有前科（应当从重处罚，刑法第六十五条）",
                        "article": "", "evidence": _quote(text, m.start(), m.end()) if m else None})
    if any(d.get("on_probation_at_offense") for d in sheet.get("defendants", [])):
        reasons.append({"id": "on_probation", "text": "缓刑考验期内犯新罪，撤销缓刑数罪并罚（刑法第七十七条），请核对合并刑期",
                        "article": "", "evidence": None})


def triage_report(pages: Sequence[PageContent]) -> dict[str, Any]:
    """Read the fact sheet of ``pages`` and triage it."""
    text = "\n".join(page.text for page in pages)
    return triage_sheet(text, extract_facts(pages))
