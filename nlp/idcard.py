"""Chinese resident ID numbers (公民身份号码): ISO 7064 MOD 11-2 check and consistency.

``check_id(number, birth_date=None, gender=None)`` returns an :class:`IdCheck`; it never raises.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from stdnum.cn import ric

ID_RE = re.compile(r"(?<![0-9])([1-9][0-9]{16}[0-9Xx])(?![0-9A-Za-z])")


def check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits; ValueError for anything else."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"17 digits expected, got {first17!r}")
    # python-stdnum takes the whole number and ignores its last character, the check itself.
    return str(ric.calc_check_digit(first17 + "0"))


@dataclass
class IdCheck:
    """Result of checking an ID number; ``problems`` lists what is wrong (empty: all good)."""

    number: str
    birth_date: str | None
    gender: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when the check character, birth date and any given facts agree."""
        return not self.problems


def check_id(number: str, birth_date: str | None = None, gender: str | None = None) -> IdCheck:
    """Verify check char, embedded birth date, and agreement with ``birth_date``/``gender``."""
    number = number.upper()
    result = IdCheck(number, None, None)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        result.problems.append("format")
        return result
    if check_char(number[:17]) != number[17]:
        result.problems.append("check_char")
    y, m, d = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try_date = _valid_date(y, m, d)
    if try_date is None:
        result.problems.append("birth_date_invalid")
    else:
        result.birth_date = try_date
    result.gender = "男" if int(number[16]) % 2 else "女"
    if birth_date and result.birth_date and not result.birth_date.startswith(birth_date):
        result.problems.append("birth_date_mismatch")
    if gender and gender != result.gender:
        result.problems.append("gender_mismatch")
    return result


def _valid_date(y: int, m: int, d: int) -> str | None:
    if not (1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    last = calendar.monthrange(y, m)[1]
    return f"{y:04d}-{m:02d}-{d:02d}" if d <= last else None
