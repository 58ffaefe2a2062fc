r"""Han characters, one class for every nlp pattern.

``HAN`` is the ``regex`` module's Unicode script property, meant to sit inside a character class
(``rf"[{HAN}0-9]"``); patterns that use it are compiled with ``regex``, not ``re``. It replaces the
hand-written ``[\u4e00-\u9fa5]`` ranges, which stopped at U+9FA5 and so missed the ideographs
Unicode added at U+9FA6–U+9FFF (and extension A, compatibility ideographs, 〇).
"""

from __future__ import annotations

import regex

HAN = r"\p{Han}"

_ONE_HAN = regex.compile(rf"[{HAN}]")


def is_han(ch: str) -> bool:
    """True when ``ch`` is one Han character."""
    return _ONE_HAN.fullmatch(ch) is not None
