"""Form-style documents (拘留证, 逮捕证, 讯问笔录, 受案登记表): labelled fields instead of prose.

``read_form_person(text)`` returns the person a form is about, read from "姓名：… 性别：…" style
fields, or ``None`` when the form names nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from nlp.dates import scan_dates
from nlp.found import Found
from nlp.han import HAN
from nlp.idcard import ID_RE, check_id
from nlp.person import PersonFacts, read_priors_in

_ROLE = r"(?:被拘留人|被逮捕人|被讯问人|犯罪嫌疑人|嫌疑人|违法犯罪嫌疑人|被告人)?"
_NAME_RE = regex.compile(
    rf"(?:{_ROLE}姓名[：:]?|被讯问人[：:]|姓名[？?]答[：:]?|兹证明)"
    rf"([{HAN}×·]{{2,6}}?)(?=性别|[，,。；;：:]|曾用名|别名|绰号|问[：:]|$)"
)
_GENDER_RE = regex.compile(r"性别[：:]?(男|女)")
_BIRTH_RE = regex.compile(r"出生(?:日期|年月日?)?[：:]?")
_ETH_RE = regex.compile(rf"民族[：:]?([{HAN}]{{1,5}}?族)")
_CUSTODY_RE = regex.compile(r"(?:执行)?(刑事拘留|拘留|逮捕)")
# Identity told in prose ("兹证明王某，男，汉族，…", "答：我叫王某，男，1990年5月12日出生，汉族，…"):
# read when the form has no labelled field for it.
_PROSE_GENDER_RE = regex.compile(r"[，,](男|女)[，,]")
_PROSE_ETH_RE = regex.compile(rf"[，,]([{HAN}]{{1,4}}?族)[，,。]")
_PROSE_BIRTH_RE = regex.compile(r"出生")
_PROSE_WINDOW = 200


@dataclass
class FormPerson:
    """The person a form is about, with facts read from its fields."""

    name: Found
    person: PersonFacts


def read_form_person(text: str) -> FormPerson | None:
    """Read the named person's fields from a form; ``None`` when there is no 姓名 field."""
    m = _NAME_RE.search(text)
    if not m:
        return None
    facts = PersonFacts()
    g = _GENDER_RE.search(text) or _PROSE_GENDER_RE.search(text, m.end(1), m.end(1) + _PROSE_WINDOW)
    if g:
        facts.gender = Found(g.group(1), g.start(1), g.end(1), 0.9)
    b = _BIRTH_RE.search(text)
    if b:
        window = text[b.end(): b.end() + 20]
        first = next((d for d in scan_dates(window) if not d.relative and d.iso), None)
        if first is None and (pb := _PROSE_BIRTH_RE.search(text, m.end(1), m.end(1) + _PROSE_WINDOW)):
            before = [d for d in scan_dates(text[pb.start() - 14: pb.start()]) if not d.relative and d.iso]
            if before and before[-1].end == 14:
                b_lo = pb.start() - 14
                facts.birth_date = Found(before[-1].iso, b_lo + before[-1].start, b_lo + before[-1].end, 0.8)
        if first is not None:
            facts.birth_date = Found(first.iso, b.end() + first.start, b.end() + first.end, 0.85)
    e = _ETH_RE.search(text) or _PROSE_ETH_RE.search(text, m.end(1), m.end(1) + _PROSE_WINDOW)
    if e:
        facts.ethnicity = Found(e.group(1), e.start(1), e.end(1), 0.9)
    idm = ID_RE.search(text)
    if idm:
        check = check_id(idm.group(1), facts.birth_date.value if facts.birth_date else None,
                         facts.gender.value if facts.gender else None)
        facts.id_problems = check.problems
        facts.id_number = Found(check.number, idm.start(1), idm.end(1), 0.95 if check.valid else 0.5)
    return FormPerson(Found(m.group(1), m.start(1), m.end(1), 0.9), facts)


_RECORD_PRIOR_RE = regex.compile(r"[^。？?]*?因[^。？?]{0,40}?判处[^。？?]*")


def read_record_priors(text: str) -> list[dict[str, Found | None]]:
    """Prior convictions a suspect states in the answers of a 讯问笔录 ("答：我…因犯…被…判处…")."""
    priors: list[dict[str, Found | None]] = []
    for m in _RECORD_PRIOR_RE.finditer(text):
        answer = text.rfind("答", 0, m.start() + 2)
        question = text.rfind("问", 0, m.start() + 2)
        if answer < 0 or question > answer:
            continue  # the police asking ("你是否因…被判处过刑罚？") states nothing
        priors.extend(p for p in read_priors_in(text, m.start(), m.end()) if p.get("charge"))
    return priors


_WARRANT_MEASURE = {"拘留证": "刑事拘留", "逮捕证": "逮捕"}


def warrant_event(text: str, title: str) -> dict[str, Found] | None:
    """Return the custody event a 拘留证/逮捕证 records, dated when it was executed.

    The execution or announcement date ("本证已于…向我宣布", "执行时间：…") wins; otherwise the
    last date of the form (the date it was signed).
    """
    measure = next((m for word, m in _WARRANT_MEASURE.items() if word in title), None)
    if measure is None:
        return None
    dates = [d for d in scan_dates(text) if d.iso and not d.relative and len(d.iso) == 10]
    if not dates:
        return None
    announced = [d for d in dates if regex.search(r"宣布|执行", text[d.end: d.end + 12])]
    chosen = announced[0] if announced else dates[-1]
    title_pos = text.find(title)
    return {
        "measure": Found(measure, title_pos, title_pos + len(title), 0.85),
        "date": Found(chosen.iso, chosen.start, chosen.end, 0.8),
    }
