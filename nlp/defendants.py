"""Assemble each defendant's facts from the sections of one document.

``extract_defendants(text, sections)`` returns a list of :class:`Defendant` (values with spans).
Where each fact is read from: identity, history and custody from the party paragraph; charges
and sentence from the verdict in a judgment (the charged crimes in an 起诉书 or a police
document come from its reasoning: 本院认为 / 涉嫌); 累犯/前科 without details from the reasoning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from models.factsheet import ChargeSource
from nlp.charges import link_charge
from nlp.form_documents import read_form_person, read_record_priors, warrant_event
from nlp.found import Found
from nlp.han import HAN
from nlp.names import find_aliases, names_from_mentions, party_markers
from nlp.person import (
    PersonFacts,
    charge_name,
    distinct_priors,
    find_probation_offence,
    read_person,
    read_priors_in,
    split_charge_list,
    trim_charge,
)
from nlp.sections import Sections
from nlp.verdict import VerdictFacts, name_matches, read_joint_items, read_verdict, split_verdict

_COUNSEL_RE = regex.compile(
    rf"(?:辩护人|指定辩护人)([{HAN}]{{2,4}}?)[，,（(。、]"
)
_LOOSE_CHARGE_RE = regex.compile(
    rf"(?:犯(?!罪)|以|构成|涉嫌|认定为?)({charge_name(40)}(?:[、和及]{charge_name(30, '，。；：:（()）“”、')})*)"
)
_FORM_TYPES = ("拘留证/逮捕证", "讯问笔录", "受案登记表", "常住人口登记表")
_PRIOR_HINT_RE = regex.compile(
    r"曾因[^。，；]{0,15}?被判处(有期徒刑|拘役|管制)?|曾被判处(有期徒刑|拘役|管制)?|有(?:犯罪)?前科|系累犯|构成累犯"
)


@dataclass
class Defendant:
    """Everything found about one defendant."""

    name: Found
    aliases: list[Found] = field(default_factory=list)
    person: PersonFacts = field(default_factory=PersonFacts)
    verdict: VerdictFacts = field(default_factory=VerdictFacts)
    on_probation: Found | None = None
    counsel: list[Found] = field(default_factory=list)
    charge_source: ChargeSource = "verdict"


def _charges_loose(text: str, lo: int, hi: int) -> tuple[list[Found], list[str | None]]:
    found: list[Found] = []
    official: list[str | None] = []
    seen: set[str] = set()
    for m in _LOOSE_CHARGE_RE.finditer(text, lo, hi):
        for charge in split_charge_list(_longest_charge(text, m.start(1), m.group(1), hi)):
            link = link_charge(charge)
            if link is None or charge in seen:
                continue
            seen.add(charge)
            start = text.find(charge, m.start(1), hi)
            found.append(Found(charge, start, start + len(charge), 0.8))
            official.append(link)
    return found, official


_CHARGE_STOP_RE = regex.compile(r"[，。；：:（()）“”\n]")


def _longest_charge(text: str, start: int, shortest: str, hi: int) -> str:
    """The longest run from ``start`` ending in 罪 whose charges all link to official names.

    The lazy pattern stops at the first 罪, which cuts names that contain 犯罪 inside
    ("掩饰、隐瞒犯罪所得罪" would end at "掩饰、隐瞒犯罪").
    """
    stop = _CHARGE_STOP_RE.search(text, start, min(hi, start + 60))
    window = text[start: stop.start() if stop else min(hi, start + 60)]
    ends = [i + 1 for i, ch in enumerate(window) if ch == "罪" and i + 1 > len(shortest)]
    for end in reversed(ends):
        parts = split_charge_list(window[:end])
        if parts and all(link_charge(part) for part in parts):
            return window[:end]
    return shortest


def _parts(text: str, rng: tuple[int, int] | None, names: list[str]) -> dict[str, tuple[int, int]]:
    if rng is None:
        return {}
    return split_verdict(text, rng[0], rng[1], names)


def extract_defendants(text: str, sec: Sections) -> list[Defendant]:
    """Find all defendants of the document in order of first appearance, with their facts."""
    defendants = _find_defendants(text, sec)
    _read_outcomes(text, sec, defendants)
    return defendants


def _find_defendants(text: str, sec: Sections) -> list[Defendant]:
    """Defendants from party paragraphs, a form's fields, or mentions in a fact section."""
    defendants: list[Defendant] = []
    markers = party_markers(text, *sec.defendants) if sec.defendants else []
    def_hi = sec.defendants[1] if sec.defendants else len(text)
    if markers:
        for i, mk in enumerate(markers):
            hi = markers[i + 1].start if i + 1 < len(markers) else def_hi
            counsel_m = regex.search(r"(?:指定)?辩护人|诉讼代理人|法定代理人", text[mk.start:hi])
            block_hi = mk.start + counsel_m.start() if counsel_m else hi
            d = Defendant(name=mk.name)
            d.person = read_person(text, mk.start, block_hi, mk.name.end)
            d.aliases = find_aliases(text, mk.name.end, min(block_hi, mk.name.end + 40))
            d.counsel = [
                Found(c.group(1), c.start(1), c.end(1), 0.85)
                for c in _COUNSEL_RE.finditer(text, block_hi, hi)
            ]
            defendants.append(d)
    elif sec.doc_type in _FORM_TYPES and (form := read_form_person(text)) is not None:
        d = Defendant(name=form.name, person=form.person)
        event = warrant_event(text, text[: sec.title_end][-3:])
        if event is not None:
            d.person.custody_events = [event]
        if sec.doc_type == "讯问笔录":
            d.person.prior_convictions = read_record_priors(text)
        d.charge_source = "form"
        d.verdict.charges, d.verdict.charges_official = _charges_loose(text, 0, sec.body_end)
        defendants.append(d)
    else:
        for name in names_from_mentions(text[: sec.body_end]):
            defendants.append(Defendant(name=name))
    return defendants


def _read_outcomes(text: str, sec: Sections, defendants: list[Defendant]) -> None:
    """Charges, sentence, probation status and reasoning-only priors of each defendant."""
    names = [d.name.value for d in defendants]
    verdict_parts = _parts(text, sec.verdict, names)
    reasoning_parts = _parts(text, sec.reasoning, names)
    joint = read_joint_items(text, *sec.verdict, names) if sec.verdict and len(names) > 1 else {}
    for d in defendants:
        name = d.name.value
        part = verdict_parts.get(name)
        if name in joint:
            d.verdict = joint[name]
        elif part and sec.verdict:
            d.verdict = read_verdict(text, *part)
            if d.verdict.principal is None and _AFFIRMED_RE.search(text, *sec.verdict):
                _read_affirmed(text, sec, d, single=len(defendants) == 1)
        if not d.verdict.charges and not d.verdict.acquitted and d.charge_source != "form":
            d.charge_source = "reasoning"
            rpart = reasoning_parts.get(name)
            if rpart is None and sec.reasoning and len(defendants) == 1:
                rpart = sec.reasoning
            if rpart:
                d.verdict.charges, d.verdict.charges_official = _charges_loose(text, *rpart)
            if not d.verdict.charges:
                d.charge_source = "text"
                d.verdict.charges, d.verdict.charges_official = _charges_for_name(text, sec, name)
        _prior_hint(text, sec, d, reasoning_parts.get(name) or (
            sec.reasoning if len(defendants) == 1 else None))
        d.person.prior_convictions = distinct_priors(d.person.prior_convictions)
        d.on_probation = d.person.on_probation or d.verdict.revokes_probation
        if d.on_probation is None and sec.reasoning:
            rp = reasoning_parts.get(name) or (sec.reasoning if len(defendants) == 1 else None)
            if rp:
                d.on_probation = find_probation_offence(text, *rp)


_AFFIRMED_RE = regex.compile(r"维持原判")
_QUOTED_SENTENCE_RE = regex.compile(r"判处|判决如下|判决：")


def _read_affirmed(text: str, sec: Sections, d: Defendant, *, single: bool) -> None:
    """Read the sentence an appeal leaves in force ("驳回上诉，维持原判").

    It is the quoted first-instance verdict: the last sentence before the reasoning that
    sentences this person (any such sentence when the document has one defendant).
    """
    end = sec.reasoning[0] if sec.reasoning else (sec.verdict[0] if sec.verdict else len(text))
    start = sec.defendants[1] if sec.defendants else 0
    name = d.name.value
    chosen: tuple[int, int] | None = None
    for m in _QUOTED_SENTENCE_RE.finditer(text, start, end):
        s_lo = max(text.rfind("。", start, m.start()) + 1, start)
        s_hi = text.find("。", m.end(), end)
        s_hi = end if s_hi < 0 else s_hi
        if single or name in text[s_lo:s_hi]:
            chosen = (s_lo, s_hi)
    if chosen is None:
        return
    quoted = read_verdict(text, *chosen)
    if quoted.principal is None:
        return
    charges, official = d.verdict.charges, d.verdict.charges_official
    d.verdict = quoted
    if charges:
        d.verdict.charges, d.verdict.charges_official = charges, official
    if not d.verdict.charges:
        d.verdict.charges, d.verdict.charges_official = _charges_loose(text, *chosen)
    d.charge_source = "affirmed first instance"


def _charges_for_name(text: str, sec: Sections, name: str) -> tuple[list[Found], list[str | None]]:
    """Charges attributed to ``name`` anywhere ("被告人X…犯Y罪" within one sentence)."""
    found: list[Found] = []
    official: list[str | None] = []
    seen: set[str] = set()
    for m in regex.finditer(regex.escape(name), text[: sec.body_end]):
        end = text.find("。", m.end())
        end = len(text) if end < 0 else min(end, m.end() + 80)
        got, links = _charges_loose(text, m.end(), end)
        for f, link in zip(got, links, strict=True):
            if f.value not in seen:
                seen.add(f.value)
                found.append(Found(f.value, f.start, f.end, 0.6))
                official.append(link)
    return found, official


def _prior_hint(text: str, sec: Sections, d: Defendant, rng: tuple[int, int] | None) -> None:
    """Record a 累犯/前科 stated only in the reasoning, with what details it gives."""
    if d.person.prior_convictions or rng is None:
        return
    hints = list(_PRIOR_HINT_RE.finditer(text, rng[0], rng[1]))
    if not hints:
        return
    # "曾因毒品犯罪被判处刑罚…曾因犯贩卖毒品罪被判处有期徒刑以上刑罚": the first hint may be vague
    # and a later one name the charge; read each sentence like a party paragraph.
    for m in hints:
        s_lo = max(text.rfind("。", rng[0], m.start()) + 1, rng[0])
        s_hi = text.find("。", m.end(), rng[1])
        s_hi = rng[1] if s_hi < 0 else s_hi
        detailed = read_priors_in(text, s_lo, s_hi)
        if any(p.get("charge") for p in detailed):
            d.person.prior_convictions.extend(p for p in detailed if p.get("charge"))
            return
    for m in hints:
        charge = _PRIOR_CHARGE_RE.match(text, m.start())
        written = trim_charge(charge.group(1)) if charge else ""
        if charge and link_charge(written):
            start = charge.end(1) - len(written)
            d.person.prior_convictions.append({
                "date": None,
                "charge": Found(written, start, charge.end(1), 0.6),
                "sentence": _hint_sentence(hints[0]),
            })
            return
    d.person.prior_convictions.append({"date": None, "charge": None, "sentence": _hint_sentence(hints[0])})


_PRIOR_CHARGE_RE = regex.compile(rf"曾因犯?({charge_name(20, '。，；、')})")  # one charge, 犯罪 inside allowed


def _hint_sentence(m: regex.Match[str]) -> Found | None:
    sentence = m.group(1) or m.group(2)
    return Found(sentence, m.start(), m.end(), 0.6) if sentence else None


__all__ = ["Defendant", "extract_defendants", "name_matches"]
