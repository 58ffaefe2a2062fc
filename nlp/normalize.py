"""Normalise page text for matching while keeping a map back to the original offsets.

Contract: ``normalize(text)`` returns a :class:`NormText` whose ``text`` has full-width ASCII
folded to half-width, OCR confusables next to digits fixed (O/o→0, l/I/|→1, 曰→日 after a
number, a stray point between a number and 年/月/日 dropped), whitespace removed (kept as one
space only between two ASCII letters) and page furniture dropped ("第 2 页 共 5 页", "- 2 -" lines).
``orig[i]`` is the offset in the input of normalised character ``i`` so any span found on the
normalised text maps back exactly (``span_to_orig``). The table and the offset map are the ones
search uses too (``core.textmap``), with nlp's own normal form.
"""

from __future__ import annotations

import re

from core.textmap import CharTable, MappedText, keep_mapped

NormText = MappedText  # normalised text and, per character, its offset in the original text

_CN_DIGITS = set("〇零一二两三四五六七八九十百千万")
_TO_ZERO = set("Oo")
_TO_ONE = set("lI|")


def _fold_width(ch: str) -> str:
    code = ord(ch)
    # Full-width ASCII block (！..～) maps 1:1 onto ASCII; keep full-width brackets and
    # punctuation that Chinese documents write on purpose (（）：，；).
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    if ch == "\u3000":
        return " "
    return ch


_WIDTH_TABLE = CharTable(_fold_width)  # one character for one: the map stays the identity


def _is_ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


# Page furniture that OCR and text layers put between the lines of a running text.
_FURNITURE_RE = re.compile(
    r"第\s*\d+\s*页\s*[，,/]?\s*共\s*\d+\s*页|(?m:^[ \t]*[-—]\s*\d+\s*[-—][ \t]*$)"
)


def normalize(text: str) -> NormText:
    """Fold widths, repair digit confusables and drop layout whitespace (see module doc)."""
    folded = text.translate(_WIDTH_TABLE)
    skip = bytearray(len(folded))
    for m in _FURNITURE_RE.finditer(folded):
        skip[m.start(): m.end()] = b"\x01" * (m.end() - m.start())
    out: list[str] = []
    orig: list[int] = []
    n = len(folded)
    i = 0
    while i < n:
        ch = folded[i]
        if skip[i]:
            i += 1
            continue
        if ch.isspace():
            j = i
            while j < n and folded[j].isspace():
                j += 1
            if out and j < n and _is_ascii_letter(out[-1]) and _is_ascii_letter(folded[j]):
                out.append(" ")
                orig.append(i)
            i = j
            continue
        out.append(ch)
        orig.append(i)
        i += 1
    # Confusables are repaired after whitespace removal so "2 l 时" is seen as "2l时".
    for k, ch in enumerate(out):
        prev = out[k - 1] if k else ""
        nxt = out[k + 1] if k + 1 < len(out) else ""
        if ch in _TO_ZERO or ch in _TO_ONE:
            if prev.isdigit() or (nxt.isdigit() and not _is_ascii_letter(prev)):
                out[k] = "0" if ch in _TO_ZERO else "1"
        elif ch == "曰" and (prev.isdigit() or prev in _CN_DIGITS):
            out[k] = "日"
    # OCR puts a stray point between a number and its unit ("同年7.月30日", "7月6.日"): a date
    # part never has one.
    stray = {k for k, ch in enumerate(out)
             if ch in ".．·" and k and out[k - 1].isdigit() and k + 1 < len(out) and out[k + 1] in "年月日时号"}
    norm = MappedText("".join(out), orig, len(text))
    if stray:
        norm = keep_mapped(norm, (k for k in range(len(out)) if k not in stray))
    return norm
