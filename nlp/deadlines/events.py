"""Each person's events, from one document's fact sheet and its text.

``person_events(text, sheet)`` returns ``[(name, [Event, ...])]`` in the sheet's order:

- the coercive measures the fact sheet already read from each party paragraph
  (``custody_events``: 刑事拘留, 逮捕, 取保候审, 监视居住 …), with their evidence;
- what a party paragraph adds that the fact sheet does not keep: the date of the 提请批准逮捕,
  the 批准逮捕 decision, an extension of the time to request (延长至三十日), extensions of
  侦查羁押期限, a release;
- the steps of the case the document states for everyone in it: 移送审查起诉, 退回补充侦查 and the
  case's return, 延长审查起诉期限, 提起公诉, the court's 受理/立案 — and the step the document
  itself is, dated by its signature date (落款): a 提请批准逮捕书 is the request, an 起诉意见书
  the transfer for review, an 起诉书 the indictment, a 判决书 the judgment.

Dates written as months only (2026年3月) are dropped: no limit is counted from them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from typing import Any

from nlp.dates import DateMention, scan_dates
from nlp.deadlines.compute import EXTENSION, Event
from nlp.names import party_markers
from nlp.normalize import normalize
from nlp.sections import Sections, split_sections

# The step a document is, dated by its 落款.
DOCUMENT_STEP = {
    "提请批准逮捕书": "提请批准逮捕",
    "起诉意见书": "移送审查起诉",
    "起诉书": "起诉",
    "刑事判决书": "判决",
}

# (pattern, measure or extension id) read in a party paragraph; the date is the last one before
# the match in its sentence.
_PERSON_STEPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"提请(?:批准|审查批准)?逮捕的?(?:时间|期限)(?:依法)?延长至三十日"), "arrest_request_30"),
    (re.compile(r"提请(?:批准|审查批准)?逮捕的?(?:时间|期限)(?:依法)?延长(?:至[七7]日|[一二三四1-4]日)"),
     "arrest_request_special"),
    (re.compile(r"(?<!延长)(?:被|向[^，。；]{2,20}?)?提请(?:批准|审查批准)逮捕(?![的之]?(?:时间|期限))"),
     "提请批准逮捕"),
    (re.compile(r"(?<!不)(?<!提请)批准逮捕"), "批准逮捕"),
    (re.compile(r"不(?:予)?批准逮捕"), "不批准逮捕"),
    (re.compile(r"(?<!刑满)(?<!期满)(?<!假释)(?<!提前)释放(?!后)"), "释放"),
    (re.compile(r"解除取保候审"), "解除取保候审"),
    (re.compile(r"解除(?:指定居所)?监视居住"), "解除监视居住"),
)
_PRIOR_CASE_RE = re.compile(r"判处|刑满|假释|服刑|劳动教养|行政拘留|强制隔离戒毒")
_THIS_CASE_RE = re.compile(r"涉嫌|因本案")
_CUSTODY_EXTENSION_RE = re.compile(r"延长(?:侦查)?羁押期限|(?:侦查)?羁押期限(?:依法)?延长")
# Steps of the whole case, read anywhere in the body.
_CASE_STEPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:重新|再次)移送(?:本院)?审查起诉|补充侦查(?:完毕|终结)?[^，。；]{0,12}(?:重新)?移送(?:本院)?审查起诉"),
     "重新移送审查起诉"),
    (re.compile(r"移送(?:本院)?审查起诉"), "移送审查起诉"),
    (re.compile(r"退回[^，。；]{0,14}补充侦查"), "退回补充侦查"),
    (re.compile(r"延长审查起诉期限"), "prosecution_review_complex"),
    (re.compile(r"(?:向本院|向[^，。；]{2,20}?人民法院)?提起公诉"), "起诉"),
)
# Only a court's document means the court by 本院 (in an 起诉书 本院 is the procuratorate).
_COURT_STEPS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"本院(?:于[^，。；]{0,14}?)?(?:立案|受理)"), "受理"),
)
_PROPOSED_PROCEDURE_RE = re.compile(r"建议[^，。；]{0,10}适用(速裁|简易|普通)程序")
_APPLIED_PROCEDURE = {"速裁程序": "速裁", "简易程序": "简易", "普通程序": "普通"}


class _Source:
    """A document's normalised text, with the way back to (page, start, end) of its pages."""

    def __init__(self, text: str, pages: Sequence[tuple[int, str]] | None, doc_type: str):
        self.pages = list(pages) if pages else [(1, text)]
        self.norm = normalize(text)
        self.text = self.norm.text
        self.doc_type = doc_type
        self.bases = []
        pos = 0
        for _, page_text in self.pages:
            self.bases.append(pos)
            pos += len(page_text) + 1  # pages are joined with one newline

    def span(self, start: int, end: int) -> dict[str, Any]:
        """Evidence of the normalised span ``[start, end)``: page, offsets and text as written."""
        o_start, o_end = self.norm.span_to_orig(start, end)
        index = max(i for i, base in enumerate(self.bases) if base <= o_start)
        number, page_text = self.pages[index]
        lo = o_start - self.bases[index]
        hi = min(o_end - self.bases[index], len(page_text))
        return {"page": number, "start": lo, "end": hi, "text": page_text[lo:hi]}

    def evidence(self, step: tuple[int, int], date: DateMention) -> dict[str, Any]:
        return {"measure": self.span(*step), "date": self.span(date.start, date.end),
                "document_type": self.doc_type}


def _day(iso: str | None) -> dt.date | None:
    if iso is None or len(iso) != 10:
        return None
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        return None


def _sentences(text: str, lo: int, hi: int) -> Iterator[tuple[int, int]]:
    start = lo
    for m in re.finditer(r"[。；;\n]", text[lo:hi]):
        if lo + m.start() > start:
            yield start, lo + m.start()
        start = lo + m.end()
    if hi > start:
        yield start, hi


def _dated_steps(
    src: _Source, lo: int, hi: int, steps: tuple[tuple[re.Pattern[str], str], ...],
) -> list[Event]:
    """Every step of ``steps`` in ``text[lo:hi]``, dated by the nearest date before it."""
    text = src.text
    out: list[Event] = []
    dates = [DateMention(d.start + lo, d.end + lo, d.iso, d.relative) for d in scan_dates(text[lo:hi])]
    for s_lo, s_hi in _sentences(text, lo, hi):
        if _PRIOR_CASE_RE.search(text, s_lo, s_hi) and not _THIS_CASE_RE.search(text, s_lo, s_hi):
            continue  # a sentence about an earlier case (判处…刑满释放)
        taken: list[tuple[int, int]] = []
        for pattern, measure in steps:
            for m in pattern.finditer(text, s_lo, s_hi):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                before = [d for d in dates if s_lo <= d.start < m.end()]  # "本院于2月11日立案"
                after = [d for d in dates if m.end() <= d.start < s_hi]
                # "…于2026年3月13日提请批准逮捕" (before) or "提请批准逮捕日期：2026年3月13日".
                mention = before[-1] if before else (after[0] if after else None)
                day = _day(mention.iso) if mention else None
                if mention is None or day is None:
                    continue
                evidence = src.evidence((m.start(), m.end()), mention)
                if measure in _MEASURE_IDS:
                    out.append(Event(measure, day, evidence=evidence))
                else:
                    out.append(Event(EXTENSION, day, extension=measure, evidence=evidence))
    return out


_MEASURE_IDS = {"提请批准逮捕", "批准逮捕", "不批准逮捕", "释放", "解除取保候审", "解除监视居住",
                "重新移送审查起诉", "移送审查起诉", "退回补充侦查", "起诉", "受理"}


def _custody_extensions(src: _Source, lo: int, hi: int) -> list[Event]:
    """延长侦查羁押期限 in the order the law allows them: 156, then 158, then 159."""
    text = src.text
    order = ("investigation_custody_156", "investigation_custody_158", "investigation_custody_159")
    out: list[Event] = []
    dates = [DateMention(d.start + lo, d.end + lo, d.iso, d.relative) for d in scan_dates(text[lo:hi])]
    for s_lo, s_hi in _sentences(text, lo, hi):
        for m in _CUSTODY_EXTENSION_RE.finditer(text, s_lo, s_hi):
            before = [d for d in dates if s_lo <= d.start < m.start()]
            day = _day(before[-1].iso) if before else None
            if day is None or len(out) >= len(order):
                continue
            out.append(Event(EXTENSION, day, extension=order[len(out)],
                             evidence=src.evidence((m.start(), m.end()), before[-1])))
    return out


_APPENDIX_RE = re.compile(r"附[：:]?(?:本案)?(?:相关|所引用的|引用的|适用的)?(?:法律|法条)|附件|附注|附录")


def body_end(text: str, sec: Sections | None = None) -> int:
    """Where the document's own text ends.

    Before the signatures of a judgment; before an appendix of statutes (附：相关法律条文) of any
    other document.
    """
    sec = sec or split_sections(text)
    if sec.verdict is not None:
        return sec.body_end
    half = len(text) // 2
    appendix = _APPENDIX_RE.search(text, half)
    return appendix.start() if appendix else len(text)


def signature_date(text: str, sec: Sections | None = None) -> dt.date | None:
    """The document's own date (落款).

    The first full date of a judgment's signature block; the last full date before any appendix
    of another document.
    """
    sec = sec or split_sections(text)
    end = body_end(text, sec)
    if sec.verdict is not None:
        for mention in scan_dates(text[end: end + 200]):
            if not mention.relative and _day(mention.iso) is not None:
                return _day(mention.iso)
        return None
    # "此致 某人民法院 检察员 某 二〇二六年二月十日 附：1.被告人现羁押于…": the first date after
    # 此致, before the notes (附) that may carry other dates.
    addressed = text.rfind("此致", 0, end)
    if addressed >= 0:
        for mention in scan_dates(text[addressed + 2: addressed + 122]):
            if not mention.relative and _day(mention.iso) is not None:
                return _day(mention.iso)
    last = None
    for mention in scan_dates(text[max(0, end - 200): end]):
        if not mention.relative and _day(mention.iso) is not None:
            last = mention
    return _day(last.iso) if last else None


def document_warnings(text: str, sheet: dict[str, Any]) -> list[str]:
    """What keeps a document's own step from being dated (its 落款 not found)."""
    norm = normalize(text).text
    sec = split_sections(norm)
    doc_type = sheet.get("document_type") or sec.doc_type
    step = DOCUMENT_STEP.get(doc_type)
    if step and signature_date(norm, sec) is None:
        return [f"未找到{doc_type}的落款日期，{step}日期不详，相关期限请人工核对"]
    return []


def procedure_of(text: str, sheet: dict[str, Any]) -> str | None:
    """The procedure the court applied, else the one the prosecution proposed, else None."""
    applied = sheet.get("procedure")
    if applied in _APPLIED_PROCEDURE:
        return _APPLIED_PROCEDURE[applied]
    m = _PROPOSED_PROCEDURE_RE.search(normalize(text).text)
    return m.group(1) if m else None


def person_events(
    text: str, sheet: dict[str, Any], pages: Sequence[tuple[int, str]] | None = None,
) -> list[tuple[str, list[Event]]]:
    """Each defendant of ``sheet`` (the fact sheet of ``text``) with their events, in date order.

    ``pages`` (``(number, text)`` of each page, joined with one newline into ``text``) places the
    evidence of the events read here on its page; without it ``text`` is page 1.
    """
    src = _Source(text, pages, "")
    norm = src.text
    sec = split_sections(norm)
    doc_type = src.doc_type = sheet.get("document_type") or sec.doc_type
    paragraphs: dict[str, tuple[int, int]] = {}
    if sec.defendants:
        markers = party_markers(norm, *sec.defendants)
        for i, mk in enumerate(markers):
            hi = markers[i + 1].start if i + 1 < len(markers) else sec.defendants[1]
            paragraphs[mk.name.value] = (mk.start, hi)
    body_lo = sec.defendants[1] if sec.defendants else sec.title_end
    steps = _CASE_STEPS + (_COURT_STEPS if doc_type == "刑事判决书" else ())
    case_steps = _dated_steps(src, body_lo, sec.body_end or len(norm), steps)
    signed = signature_date(norm, sec)
    out: list[tuple[str, list[Event]]] = []
    for defendant in sheet.get("defendants", []):
        events = _sheet_events(defendant)
        own: list[Event] = []
        para = paragraphs.get(defendant["name"])
        if para is not None:
            own = _dated_steps(src, *para, _PERSON_STEPS)
            own += _custody_extensions(src, *para)
        events += own + case_steps
        step = DOCUMENT_STEP.get(doc_type)
        if step and signed and not any(e.measure == step for e in events):
            events.append(Event(step, signed, evidence={"document_type": doc_type},
                                source=f"以{doc_type}落款日期为{step}日期"))
        out.append((defendant["name"], sorted(events, key=lambda e: e.date)))
    return out


def _sheet_events(defendant: dict[str, Any]) -> list[Event]:
    """The fact sheet's custody events of one defendant, with their evidence."""
    evidence = defendant.get("evidence", {}).get("custody_events", [])
    out = []
    for i, item in enumerate(defendant.get("custody_events", [])):
        day = _day(item.get("date"))
        if day is None:
            continue
        ev = evidence[i] if i < len(evidence) else None
        out.append(Event(item["measure"], day, evidence=ev))
    return out
