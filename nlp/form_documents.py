"""Form-style documents (拘留证, 逮捕证, 讯问笔录, 受案登记表): labelled fields instead of prose.

``read_form_person(text)`` returns the person a form is about, read from "姓名：… 性别：…" style
fields, or ``None`` when the form names nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.dates import scan_dates
from nlp.found import Found
from nlp.idcard import ID_RE, check_id
from nlp.person import PersonFacts

_ROLE = r"(?:被拘留人|被逮捕人|被讯问人|犯罪嫌疑人|嫌疑人|违法犯罪嫌疑人|被告人)?"
_NAME_RE = re.compile(
    rf"(?:{_ROLE}姓名[：:]?|被讯问人[：:]|姓名[？?]答[：:]?)"
    r"([\u4e00-\u9fa5×·]{2,6}?)(?=性别|[，,。；;：:]|曾用名|别名|绰号|$)"
)
_GENDER_RE = re.compile(r"性别[：:]?(男|女)")
_BIRTH_RE = re.compile(r"出生(?:日期|年月日?)?[：:]?")
_ETH_RE = re.compile(r"民族[：:]?([\u4e00-\u9fa5]{1,5}?族)")
_CUSTODY_RE = re.compile(r"(?:执行)?(刑事拘留|拘留|逮捕)")


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
    g = _GENDER_RE.search(text)
    if g:
        facts.gender = Found(g.group(1), g.start(1), g.end(1), 0.9)
    b = _BIRTH_RE.search(text)
    if b:
        window = text[b.end(): b.end() + 20]
        first = next((d for d in scan_dates(window) if not d.relative and d.iso), None)
        if first is not None:
            facts.birth_date = Found(first.iso, b.end() + first.start, b.end() + first.end, 0.85)
    e = _ETH_RE.search(text)
    if e:
        facts.ethnicity = Found(e.group(1), e.start(1), e.end(1), 0.9)
    idm = ID_RE.search(text)
    if idm:
        check = check_id(idm.group(1), facts.birth_date.value if facts.birth_date else None,
                         facts.gender.value if facts.gender else None)
        facts.id_problems = check.problems
        facts.id_number = Found(check.number, idm.start(1), idm.end(1), 0.95 if check.valid else 0.5)
    return FormPerson(Found(m.group(1), m.start(1), m.end(1), 0.9), facts)


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
    announced = [d for d in dates if re.search(r"宣布|执行", text[d.end: d.end + 12])]
    chosen = announced[0] if announced else dates[-1]
    title_pos = text.find(title)
    return {
        "measure": Found(measure, title_pos, title_pos + len(title), 0.85),
        "date": Found(chosen.iso, chosen.start, chosen.end, 0.8),
    }
