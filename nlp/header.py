"""Document-level facts: case number, court, procuratorate, procedure, guilty plea, extras.

Each ``find_*`` takes the normalised text and its :class:`~nlp.sections.Sections` and returns a
:class:`~nlp.found.Found` or ``None``.
"""

from __future__ import annotations

import regex

from nlp.found import Found
from nlp.han import HAN
from nlp.sections import Sections

_OPEN = "（(〔［\\["
_CLOSE = "）)〕］\\]"
CASE_NO_RE = regex.compile(
    rf"[{_OPEN}](?:19|20)\d\d[{_CLOSE}][{HAN}0-9]{{1,24}}?号"
)
_DOC_NO_RE = regex.compile(
    rf"([{HAN}]{{1,14}}(?:[（(][{HAN}]{{1,4}}[）)][{HAN}]{{1,6}})?)"
    rf"[{_OPEN}](?:19|20)\d\d[{_CLOSE}](?:第)?[0-9A-Za-z\-]+号"
)
# 人民法院, 基层法院 (forestry districts), 铁路运输法院, 海事法院…: the name runs back from 法院.
_COURT_RE = regex.compile(r"法院")
# Older numbers without the year in brackets: 格刑初字第117号.
_BARE_CASE_NO_RE = regex.compile(rf"[{HAN}]{{1,8}}刑[初终再更监复][字]?第?\d+号")
_PROC_RE = regex.compile(r"(?:人民检察院|检察院)")
_STOP_BACK = set("书，。：；、）)（(“”\"' 0123456789")


_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆"
)
# A province-level name inside what ran back from 法院/检察院 starts the organisation: words
# before it are page furniture glued on once spaces are gone ("文书内容重庆市潼南区人民法院").
_PROVINCE_START_RE = regex.compile(rf"(?:{_PROVINCES})(?:省|市|自治区|壮族|回族|维吾尔)")


def _province_start(text: str, start: int, end: int) -> int:
    m = _PROVINCE_START_RE.search(text, start, end)
    return m.start() if m and m.start() > start else start


def _org(text: str, start: int, end: int, confidence: float) -> Found:
    """An organisation's name in ``text[start:end]``, cut at a province name inside it."""
    start = _province_start(text, start, end)
    return Found(text[start:end], start, end, confidence)


def _extend_back(text: str, end_of_name: int, start_of_suffix: int, limit: int = 30) -> int:
    start = start_of_suffix
    while start > 0 and end_of_name - start < limit and text[start - 1] not in _STOP_BACK:
        start -= 1
    return _province_start(text, start, start_of_suffix)


def _case_number(m: regex.Match[str], confidence: float) -> Found:
    # Courts write 案号 with full-width brackets; OCR often reads them as "(" and ")". The value
    # is the written form, the evidence span still points at what the page shows.
    value = m.group(0).replace("(", "（").replace(")", "）")
    return Found(value, m.start(), m.end(), confidence)


def find_case_number(text: str, sec: Sections) -> Found | None:
    """Find the document's own 案号: the first one after the title (or in the header)."""
    lo = max(0, sec.title_end - 2)
    hi = max(sec.header[1], min(len(text), sec.title_end + 120))
    if sec.doc_type in ("刑事判决书", "other"):
        m = CASE_NO_RE.search(text, lo, hi) or CASE_NO_RE.search(text, 0, hi)
        if m:
            return _case_number(m, 0.95)
        bare = _BARE_CASE_NO_RE.search(text, sec.title_end, hi)
        if bare:
            return Found(bare.group(0), bare.start(), bare.end(), 0.8)
    m2 = _DOC_NO_RE.search(text, sec.title_end, hi)
    if m2:
        return _case_number(m2, 0.85)
    m = CASE_NO_RE.search(text, 0, hi)
    return _case_number(m, 0.8) if m else None


def _organisation(text: str, pattern: regex.Pattern[str], lo: int, hi: int) -> Found | None:
    m = pattern.search(text, lo, hi)
    if not m:
        return None
    start = _extend_back(text, m.end(), m.start())
    name = text[start:m.end()]
    # A title glued to the name ("…一审刑事判决书湖北省…") is cut at the last 书.
    if len(name) <= len(m.group(0)):
        return None
    return Found(name, start, m.end(), 0.9)


def find_court(text: str, sec: Sections) -> Found | None:
    """Find the court that issued a judgment (header), or the court an 起诉书 addresses."""
    if sec.doc_type == "刑事判决书" or sec.doc_type == "other":
        found = _organisation(text, _COURT_RE, 0, max(sec.title_end + 10, 80))
        if found:
            return found
    m = regex.search(rf"(?:此致|致)([{HAN}]{{2,30}}?人民法院)", text)
    if m:
        return _org(text, m.start(1), m.end(1), 0.85)
    return None


_PUBLIC_PROS_RE = regex.compile(rf"(原)?公诉机关[：:]?([{HAN}]{{2,30}}?(?:人民检察院|检察院))")


def find_procuratorate(text: str, sec: Sections) -> Found | None:
    """公诉机关 (原公诉机关 in a second instance); the issuer of an 起诉书; None if private."""
    if sec.doc_type in ("起诉书",):
        found = _organisation(text, _PROC_RE, 0, sec.title_end + 5)
        if found:
            return found
    head_end = sec.defendants[1] if sec.defendants else min(len(text), 400)
    m = _PUBLIC_PROS_RE.search(text, 0, head_end)
    if m:
        return _org(text, m.start(2), m.end(2), 0.95)
    if regex.search(r"自诉人", text[:head_end]):
        return None
    # A second instance without a header line: "某法院审理某人民检察院指控原审被告人…一案", or
    # "：某人民检察院指控原审被告人…一案，某法院于…".
    m3 = regex.search(rf"审理([{HAN}]{{2,30}}?(?:人民检察院|检察院))指控", text) or regex.search(
        rf"(?:^|[：:。，])((?:(?!法院)[{HAN}]){{2,30}}?(?:人民检察院|检察院))指控的?原审", text)
    if m3 and regex.search(r"刑终|二审|上诉", text[: sec.body_end]):
        return _org(text, m3.start(1), m3.end(1), 0.8)
    m2 = regex.search(rf"([{HAN}]{{2,30}}?人民检察院)以[^。]{{0,40}}起诉书", text)
    if m2:
        start = _extend_back(text, m2.end(1), m2.start(1) + len(m2.group(1)) - 5)
        return Found(text[start:m2.end(1)], start, m2.end(1), 0.8)
    return None


_SWITCH_RE = regex.compile(r"(?:转为?|变更为|改为|转换为)(?:适用)?(普通程序|简易程序)")
_PROCEDURE_RE = regex.compile(r"(速裁程序|简易程序|普通程序)")
_PROPOSED_RE = regex.compile(r"建议[^，。；]{0,12}$|以$")


def find_procedure(text: str, sec: Sections) -> Found | None:
    """Find the procedure the court applied, as stated before the reasoning.

    A switch ("变更为普通程序") wins; a procedure only proposed by the prosecution ("建议适用简易程序",
    "以简易程序向本院提起公诉") yields to the one the court states.
    """
    end = sec.reasoning[0] if sec.reasoning else sec.body_end
    switches = list(_SWITCH_RE.finditer(text, sec.title_end, end))
    if switches:
        m = switches[-1]
        return Found(m.group(1), m.start(1), m.end(1), 0.9)
    stated = list(_PROCEDURE_RE.finditer(text, sec.title_end, end))
    applied = [m for m in stated if not _PROPOSED_RE.search(text[max(0, m.start() - 16): m.start()])]
    chosen = applied[0] if applied else (stated[0] if stated else None)
    if chosen is None:
        return None
    return Found(chosen.group(1), chosen.start(), chosen.end(), 0.9 if applied else 0.7)


def find_guilty_plea(text: str, sec: Sections) -> Found | None:
    """Find the first affirmed 认罪认罚 in the body (statutes after the verdict are ignored)."""
    for m in regex.finditer(r"认罪认罚", text[: sec.body_end]):
        if not regex.search(r"(?:不|未|没有|拒绝|拒不)[^，。；]{0,3}$", text[max(0, m.start() - 5): m.start()]):
            return Found(True, m.start(), m.end(), 0.9)
    return None


_BAC_RE = regex.compile(
    r"(\d+(?:\.\d+)?)\s*(?:mg|毫克)\s*[/／每]\s*100\s*(?:ml|mL|ML|毫升)"
)
_PLATE_RE = regex.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}"
    r"[A-HJ-NP-Z0-9挂学警港澳]"
)


def find_blood_alcohol(text: str) -> Found | None:
    """Blood alcohol content in mg/100ml (the first measurement)."""
    m = _BAC_RE.search(text)
    return Found(float(m.group(1)), m.start(), m.end(), 0.9) if m else None


def find_plates(text: str) -> list[Found]:
    """Vehicle plates (民用号牌), de-duplicated, in order of first mention."""
    seen: dict[str, Found] = {}
    for m in _PLATE_RE.finditer(text):
        seen.setdefault(m.group(0), Found(m.group(0), m.start(), m.end(), 0.8))
    return list(seen.values())
