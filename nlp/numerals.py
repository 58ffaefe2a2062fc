"""Chinese and Arabic numerals, money amounts and prison terms.

``cn_to_int("二〇一七")`` → 2017 (digit-by-digit), ``cn_to_int("一千二百")`` → 1200,
``parse_amount("人民币2.5万元")`` → 25000.0, ``parse_term("一年零七个月")`` → 19.
Every function returns ``None`` for text it cannot read; none raises.
"""

from __future__ import annotations

import re

_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2,
          "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
          "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}

NUM_CHARS = "0-9.〇零○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬"
NUM_RE = f"[{NUM_CHARS}]+"


def cn_to_int(s: str) -> int | None:
    """Integer value of Chinese (positional or digit-by-digit) or Arabic numerals."""
    s = s.strip().replace(",", "").replace("，", "")
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if all(c in _DIGIT or c.isdigit() for c in s):
        # Digit-by-digit writing (二〇一七, years).
        return int("".join(str(_DIGIT[c]) if c in _DIGIT else c for c in s))
    total = 0
    section = 0
    number = 0
    seen = False
    for c in s:
        if c.isdigit():
            number = number * 10 + int(c)
            seen = True
        elif c in _DIGIT:
            number = _DIGIT[c]
            seen = True
        elif c in _UNIT:
            section += (number or 1) * _UNIT[c]
            number = 0
            seen = True
        elif c in _BIG:
            total += (section + number) * _BIG[c]
            section = number = 0
            seen = True
        else:
            return None
    return total + section + number if seen else None


def to_number(s: str) -> float | None:
    """Value of ``s`` allowing decimals and a 万/亿 suffix ("1.5万", "3,000", "五千")."""
    s = s.strip().replace(",", "").replace("，", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([万萬亿]?)", s)
    if m:
        return float(m.group(1)) * (_BIG.get(m.group(2), 1) if m.group(2) else 1)
    value = cn_to_int(s)
    return float(value) if value is not None else None


_AMOUNT_RE = re.compile(r"(?:人民币)?([0-9][0-9,，.]*[万萬]?|[" + NUM_CHARS[4:] + r"]+)元")


def parse_amount(s: str) -> float | None:
    """Yuan in a text like "人民币五千元" / "罚金2万元"; the first amount wins."""
    m = _AMOUNT_RE.search(s)
    return to_number(m.group(1)) if m else None


_TERM_RE = re.compile(
    rf"(?:({NUM_RE})年)?零?(?:({NUM_RE})个?月)?零?(?:({NUM_RE})[日天])?"
)


def parse_term(s: str) -> float | None:
    """Months in a term such as "七年", "一年零七个月", "四个月十五日" (days count as /30)."""
    m = _TERM_RE.match(s)
    if not m or not m.group(0):
        return None
    years, months, days = (cn_to_int(g) if g else 0 for g in m.groups())
    if years is None or months is None or days is None:
        return None
    total = years * 12 + months + days / 30
    return float(round(total, 2)) if total % 1 else float(int(total))
