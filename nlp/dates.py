"""Dates in judgment text, absolute and relative, resolved in reading order.

``scan_dates(text)`` yields :class:`DateMention` for every date written as 2017年8月8日,
二〇一七年十二月七日, 2014年3月 (partial), 同年8月24日, 同月20日, 次日, 当日, 同日, 翌日. Relative
mentions are resolved against the previous mention in the same text; a relative mention with no
anchor yields ``iso=None``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from nlp.numerals import cn_to_int

_Y = r"([0-9]{4}|[〇零○一二三四五六七八九]{4})"
_M = r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})"
_D = r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})"

DATE_RE = re.compile(
    rf"{_Y}年(?:{_M}月(?:份)?(?:{_D}[日号])?)?"
    rf"|(同年|当年|是年|次年)(?:{_M}月(?:{_D}[日号])?)?"
    rf"|(同月|当月|次月|本月)(?:{_D}[日号])?"
    rf"|(?<![0-9一二三四五六七八九十])({_M[1:-1]})月({_D[1:-1]})[日号]"
    r"|(次日|当日|同日|翌日|当天|同天|第二天|次晨|当晚|同晚)"
)


@dataclass(frozen=True)
class DateMention:
    """A date found at ``[start, end)``; ``iso`` is YYYY, YYYY-MM or YYYY-MM-DD, or None."""

    start: int
    end: int
    iso: str | None
    relative: bool


def _iso(y: int | None, m: int | None, d: int | None) -> str | None:
    if y is None:
        return None
    if m is None or not 1 <= m <= 12:
        return f"{y:04d}"
    if d is None or not 1 <= d <= 31:
        return f"{y:04d}-{m:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _num(s: str | None) -> int | None:
    return cn_to_int(s) if s else None


def scan_dates(text: str, anchor: str | None = None) -> Iterator[DateMention]:
    """Every date mention in ``text`` in order, relative ones resolved (see module doc)."""
    y: int | None = None
    m: int | None = None
    d: int | None = None
    if anchor:
        parts: list[int | None] = [int(p) for p in anchor.split("-")]
        y, m, d = (parts + [None, None])[:3]
    for hit in DATE_RE.finditer(text):
        g = hit.groups()
        relative = True
        if g[0]:
            y, m, d = _num(g[0]), _num(g[1]), _num(g[2])
            relative = False
        elif g[3]:
            if y is not None and g[3] in ("次年",):
                y += 1
            if g[4]:
                m, d = _num(g[4]), _num(g[5])
            elif y is not None:
                m = d = None
        elif g[6]:
            if g[6] == "次月" and m is not None and y is not None:
                y, m = (y + 1, 1) if m == 12 else (y, m + 1)
            d = _num(g[7])
        elif g[8]:
            m, d = _num(g[8]), _num(g[9])
        elif g[10]:
            if g[10] in ("次日", "翌日", "第二天", "次晨") and y and m and d:
                nxt = _next_day(y, m, d)
                if nxt is not None:
                    y, m, d = nxt.year, nxt.month, nxt.day
        yield DateMention(hit.start(), hit.end(), _iso(y, m, d), relative)


def _next_day(y: int, m: int, d: int) -> dt.date | None:
    """The day after ``y-m-d``; ``None`` for a date that does not exist or has no next day."""
    if not (1 <= m <= 12 and 1 <= y <= 9999) or not 1 <= d <= calendar.monthrange(y, m)[1]:
        return None
    day = dt.date(y, m, d)
    return None if day == dt.date.max else day + dt.timedelta(days=1)


_TIME_LABEL = re.compile(r"(?:时间|日期)[：:]\s*$")


def signed_date(text: str) -> DateMention | None:
    """The date a document carries (its 落款), for the search date filter and year facet.

    The last full date on a line of its own, else the date after a 时间/日期 label (笔录 open
    with it), else the last full date written. Only absolute, full dates (YYYY-MM-DD) count; ``None`` when the text has none.
    """
    full = [m for m in scan_dates(text) if not m.relative and m.iso is not None and len(m.iso) == 10]
    if not full:
        return None
    for mention in reversed(full):
        line_start = text.rfind("\n", 0, mention.start) + 1
        line_end = text.find("\n", mention.end)
        line = text[line_start:len(text) if line_end < 0 else line_end]
        if line.strip() == text[mention.start:mention.end]:
            return mention
    for mention in full:
        line_start = text.rfind("\n", 0, mention.start) + 1
        if _TIME_LABEL.search(text[line_start:mention.start]):
            return mention
    return full[-1]


def parse_date(text: str) -> str | None:
    """ISO form of the first absolute date in ``text``."""
    for mention in scan_dates(text):
        if not mention.relative:
            return mention.iso
    return None
