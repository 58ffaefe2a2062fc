"""Document type and sections of a normalised document.

``classify(text)`` names the document type from its title; ``split_sections(text, doc_type)``
returns character ranges for header, defendants, facts, reasoning and verdict (absent sections
are ``None``). Works on text from :func:`nlp.normalize.normalize` (no whitespace).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from nlp.han import HAN

DOC_TYPES = ("起诉书", "刑事判决书", "起诉意见书", "提请批准逮捕书", "拘留证/逮捕证", "讯问笔录",
             "受案登记表", "常住人口登记表", "other")

_TITLES: tuple[tuple[str, str], ...] = (
    ("刑事附带民事判决书", "刑事判决书"),
    ("刑事判决书", "刑事判决书"),
    ("判决书", "刑事判决书"),
    ("起诉意见书", "起诉意见书"),
    ("提请批准逮捕书", "提请批准逮捕书"),
    ("起诉书", "起诉书"),
    ("拘留证", "拘留证/逮捕证"),
    ("逮捕证", "拘留证/逮捕证"),
    ("讯问笔录", "讯问笔录"),
    ("受案登记表", "受案登记表"),
    ("常住人口登记表", "常住人口登记表"),
    ("户籍证明", "常住人口登记表"),
)
_HEAD_WINDOW = 160


def known_type(name: str | None) -> str | None:
    """The pipeline's type (one of ``DOC_TYPES``) for a catalogue type name, if it reads that type.

    A catalogue type given by a clerk (or found under a title the pipeline does not know, such as
    人口信息) then decides how the text is read.
    """
    return next((doc_type for word, doc_type in _TITLES if word == name), None)


@dataclass(frozen=True)
class Sections:
    """Half-open ranges ``(start, end)`` of each section in the normalised text."""

    doc_type: str
    title_end: int
    header: tuple[int, int]
    defendants: tuple[int, int] | None
    facts: tuple[int, int] | None
    reasoning: tuple[int, int] | None
    verdict: tuple[int, int] | None
    body_end: int


def classify(text: str) -> tuple[str, int]:
    """Document type from the earliest title word near the top, and where that title ends."""
    head = text[:_HEAD_WINDOW]
    best: tuple[int, str, int] | None = None
    for word, doc_type in _TITLES:
        pos = head.find(word)
        if pos < 0:
            continue
        # "…起诉书指控" inside a judgment's procedure paragraph is not a title.
        if word == "起诉书" and head[pos + 3: pos + 5] in ("指控", "认定", "中", "的"):
            continue
        end = pos + len(word)
        if best is None or pos < best[0] or (pos == best[0] and end > best[2]):
            best = (pos, doc_type, end)
    if best is None:
        return "other", 0
    return best[1], best[2]


_PARTY_RE = regex.compile(
    r"(?:上诉人|原审被告人|被告人|犯罪嫌疑人|被告单位|自诉人|罪犯|被告)(?:[（(][^）)]{0,8}[）)])?"
)
_PERSONAL_RE = regex.compile(
    r"[，,（(](?:男|女)|出生|生于|\d日生|族[，,]|住|户籍|身份证|公民身份|文化|职业|无业|农民|工人|绰号|"
    r"曾用名|别名|住所地|法定代表人|统一社会信用代码|捕前|羁押|现押|个体|干部|职员|经理|主任|学生|"
    r"因犯|因涉嫌|因本案|刑事拘留|取保候审|逮捕|监视居住|刑满释放"
)


def is_party_paragraph(text: str, start: int, end: int) -> bool:
    """Tell whether a role word at ``start`` opens a party paragraph, not a sentence of facts.

    It must begin the text or follow a sentence end, and personal details (gender, birth,
    ethnicity, address…) must follow within a short distance.
    """
    prev = text[start - 1] if start > 0 else "。"
    if prev not in "。；;：:）)”\"号书" and not prev.isdigit():
        return False
    name = regex.match(r"(?:[：:]|自报|自称)*([^，,（(。；;]{0,12})", text[end:])
    if name and len(name.group(1)) > 4 and "·" not in name.group(1):
        return False
    # Details follow in the same sentence, or in the next when the first one is short
    # ("被告人赵某某。因本案于…", "被告人顾某，网吧技术员。曾于…因犯…").
    stop = text.find("。", end)
    if stop < 0 or stop - end > 70 or stop - end < 30:
        stop = end + 70
    return bool(_PERSONAL_RE.search(text, end, stop))


_PROCEDURE_RE = regex.compile(
    rf"[{HAN}]{{2,30}}?人民检察院(?:以|于|指控|向本院)|公诉机关以|起诉书指控|本院受理|"
    r"审理[^。]{0,40}一案|自诉人[^。]{0,20}(?:起诉|控告)|本案由|经依法审查|经审查|经侦查|"
    r"犯罪嫌疑人[^。]{0,30}涉嫌[^。]{0,30}一案|现已侦查终结|提起公诉"
)
_REASONING_RE = regex.compile(r"本院认为|本院经审查认为|经审查认为|我局认为|本局认为")
_POLICE_REASONING_RE = regex.compile(r"综上所述")
_VERDICT_RE = regex.compile(r"判决如下|裁定如下|决定如下")
_VERDICT_END_RE = regex.compile(r"如不服本判决|如不服本裁定|审判长|审判员|人民陪审员|附[：:]?(?:相关)?法律")


def split_sections(text: str, doc_type: str | None = None, title_end: int | None = None) -> Sections:
    """Locate the sections; falls back to "everything is facts" for fact-only texts."""
    if doc_type is None or title_end is None:
        doc_type, title_end = classify(text)
    party = next(
        (m for m in _PARTY_RE.finditer(text, title_end, min(len(text), title_end + 600))
         if is_party_paragraph(text, m.start(), m.end())),
        None,
    )
    # A second-instance judgment quotes the first instance's 判决如下; the last one is its own.
    verdict_hits = list(_VERDICT_RE.finditer(text))
    verdict_m = verdict_hits[-1] if verdict_hits else None
    verdict: tuple[int, int] | None = None
    body_end = len(text)
    if verdict_m:
        end_m = _VERDICT_END_RE.search(text, verdict_m.end())
        body_end = end_m.start() if end_m else len(text)
        verdict = (verdict_m.end(), body_end)
    limit = verdict_m.start() if verdict_m else len(text)
    reasoning_m = None
    for m in _REASONING_RE.finditer(text, 0, limit):
        reasoning_m = m  # the last "本院认为" before the verdict is the court's own reasoning
    if reasoning_m is None:
        # police documents (起诉意见书, 提请批准逮捕书) conclude with "综上所述" instead
        reasoning_m = _POLICE_REASONING_RE.search(text, 0, limit)
    reasoning = (reasoning_m.start(), limit) if reasoning_m else None
    defendants: tuple[int, int] | None = None
    facts_start = 0
    # A party paragraph opens the document: 被告人 within the header region after the title.
    if party and party.start() - title_end < 400:
        proc = _PROCEDURE_RE.search(text, party.end())
        def_end = proc.start() if proc else (reasoning_m.start() if reasoning_m else limit)
        defendants = (party.start(), def_end)
        facts_start = def_end
    facts_end = reasoning_m.start() if reasoning_m else limit
    header_end = defendants[0] if defendants else min(title_end + 60, len(text))
    facts = (facts_start, facts_end) if facts_end > facts_start else None
    return Sections(doc_type, title_end, (0, header_end), defendants, facts, reasoning, verdict,
                    body_end)
