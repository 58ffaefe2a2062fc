"""Text comparison for OCR tests and benchmarks."""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions each cost 1)."""
    return int(Levenshtein.distance(a, b))


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate of ``hypothesis`` against a non-empty ``reference``."""
    if not reference:
        raise ValueError("reference text is empty")
    return edit_distance(reference, hypothesis) / len(reference)


def normalize_for_cer(text: str) -> str:
    """Text as the OCR benchmark compares it: whitespace dropped, full-width forms made half-width.

    A scan does not show whether a comma or a digit was typed full- or half-width, nor how many
    spaces or line breaks separated two words, so neither counts as an error.
    """
    folded = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if not ch.isspace():
            folded.append(ch)
    return "".join(folded)


def normalized_cer(reference: str, hypothesis: str) -> float:
    """``cer`` after ``normalize_for_cer`` on both sides."""
    return cer(normalize_for_cer(reference), normalize_for_cer(hypothesis))
