"""Character classes for Chinese text and the space clean-up every reader applies."""

from __future__ import annotations

import re

# CJK ideographs (incl. extension A and compatibility), CJK punctuation, full-width forms,
# kana-free: a clerk's dossier is Simplified Chinese with occasional Latin and digits.
_CJK_RANGES = (
    "\u3000-\u303f"  # CJK symbols and punctuation (。、「」…)
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\ufe30-\ufe4f"  # compatibility forms
    "\uff00-\uffef"  # full-width forms (，：；（）０-９)
    "\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"  # ‘’“”—…· as typeset in Chinese text
)
_CJK = f"[{_CJK_RANGES}]"
_SPACES_NEXT_TO_CJK = re.compile(rf"(?<={_CJK})[ \t\u3000]+|[ \t\u3000]+(?={_CJK})")
_CJK_CHAR = re.compile(_CJK)


def is_cjk(ch: str) -> bool:
    """Tell whether ``ch`` is a Chinese character, CJK punctuation or a full-width form."""
    return bool(_CJK_CHAR.fullmatch(ch))


def is_ideograph(ch: str) -> bool:
    """Tell whether ``ch`` is a Chinese character proper (not punctuation)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def remove_cjk_spaces(text: str) -> str:
    """Drop spaces next to Chinese characters or punctuation; keep spaces between Latin words.

    OCR engines and some PDF producers put spaces between CJK characters ("被 告 人"); Chinese
    prose has none, and names and numbers must stay contiguous to be found.
    """
    return _SPACES_NEXT_TO_CJK.sub("", text)


def needs_space_between(left: str, right: str) -> bool:
    """Whether two fragments on one line (or wrapped lines) need a space when joined.

    Only Latin words keep a space; anything next to Chinese joins directly, and so do digits
    (an ID number wrapped over two lines must come back whole).
    """
    if not left or not right:
        return False
    a, b = left[-1], right[0]
    return a.isascii() and b.isascii() and a.isalpha() and b.isalpha()
