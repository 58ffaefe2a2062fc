"""Masking ID numbers wherever text leaves a case (the audit log's search queries and targets).

On the ground floor: the audit writer (models.audit) masks with it, and nothing here depends on
the floors above.
"""

from __future__ import annotations

import re
import unicodedata

# Masking ID numbers wherever text leaves the case (the audit log's search queries and targets).
# Folded the way search normalises a query (search.analysis: NFKC, lower case, ``0o``/``1l``
# confusables), so every spelling that search would match is masked too: full-width digits and
# Ｘ, any dash or space between digit groups (up to three in a row), 18-digit and old 15-digit
# numbers. Folding keeps one character per character, so a match's span is the original's.
_MASK_SEPARATOR = " "
_ID_SPELLING = re.compile(
    r"(?<![0-9])[0-9](?: {0,3}[0-9]){14}(?:(?: {0,3}[0-9]){2} {0,3}[0-9x])?(?![0-9])"
)


class _FoldTable(dict[int, int]):
    """A ``str.translate`` table computed per character on first sight (C speed afterwards)."""

    def __missing__(self, code: int) -> int:
        ch = chr(code)
        norm = unicodedata.normalize("NFKC", ch).lower()
        out = norm if len(norm) == 1 else ch
        if out.isspace() or unicodedata.category(out) == "Pd" or out == "\u2212":
            out = _MASK_SEPARATOR
        out = {"o": "0", "l": "1"}.get(out, out)
        self[code] = ord(out)
        return ord(out)


_FOLD = _FoldTable()


def _masked(spelling: str) -> str:
    digits = spelling.replace(_MASK_SEPARATOR, "").upper()
    if len(digits) == 18:  # region, ******** for the birth date, sequence and check
        return f"{digits[:6]}********{digits[14:]}"
    return f"{digits[:6]}******{digits[12:]}"  # 15: region, yymmdd, sequence


def mask_id_numbers(text: str) -> str:
    """``text`` with the birth date of every ID number hidden, in any spelling search matches.

    Keeps the region (6 digits) and the last part, written in plain half-width digits: the
    masked form never carries the original's separators or widths.
    """
    folded = text.translate(_FOLD)
    pieces: list[str] = []
    end = 0
    for m in _ID_SPELLING.finditer(folded):
        pieces += [text[end:m.start()], _masked(m.group())]
        end = m.end()
    return "".join([*pieces, text[end:]])
