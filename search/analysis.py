"""Text analysis shared by every backend: normalisation, index tokens, query tokens.

Normalisation folds full/half width (NFKC), traditional to simplified Chinese (OpenCC ``t2s``,
per character so offsets survive) and Latin case. Significant characters are CJK (Han, 〇, kana,
hangul) and alphanumerics; everything else (spaces, punctuation, brackets) is a separator.

Positions count significant characters only, so ``（2020）粤1973刑初123号``, ``(2020)粤1973刑初123号``
and ``( 2020 ) 粤 1973 刑初 123 号`` produce the same token positions and a phrase query built from
one finds the others. Index tokens are: every CJK character (so 1-character queries work), every
pair of CJK characters adjacent in that compact sequence (so 2-character words such as 张某, 盗窃
match exactly), every alphanumeric run, and 18-character ID numbers written with spaces or hyphens
joined into one token. Jieba words are indexed separately to rank whole-word matches higher.

Everything loads lazily (OpenCC tables, jieba dictionary) on first use.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

SEP, ALNUM, CJK = 0, 1, 2
MAX_TOKEN_CHARS = 64  # longer alphanumeric runs are cut; tantivy rejects huge terms

_NORM: dict[str, str] = {}
_CLASS: dict[str, int] = {}
_lock = threading.Lock()
_t2s_converter: Any = None
_jieba_ready = False

# 18-character ID numbers written with single spaces or hyphens between digit groups.
_SPACED_ID = re.compile(r"(?<![0-9a-z])\d(?:[ \-]?\d){16}[ \-]?[0-9x](?![0-9a-z])")
_ID_SEPARATORS = re.compile(r"[ \-]")


def _t2s() -> Any:
    global _t2s_converter
    if _t2s_converter is None:
        with _lock:
            if _t2s_converter is None:
                import opencc  # lazy: loads conversion tables

                _t2s_converter = opencc.OpenCC("t2s")
    return _t2s_converter


def is_cjk(ch: str) -> bool:
    """Return True for Han ideographs (incl. extensions and 〇), kana and hangul syllables."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x3FFFF
        or 0xF900 <= o <= 0xFAFF
        or o == 0x3007
        or 0x3040 <= o <= 0x30FF
        or 0xAC00 <= o <= 0xD7AF
    )


def _classify(ch: str) -> int:
    if is_cjk(ch):
        kind = CJK
    elif ch.isalnum():
        kind = ALNUM
    else:
        kind = SEP
    _CLASS[ch] = kind
    return kind


def char_class(ch: str) -> int:
    """``SEP``, ``ALNUM`` or ``CJK`` for one normalised character."""
    kind = _CLASS.get(ch)
    return _classify(ch) if kind is None else kind


def _normalize_char(ch: str) -> str:
    if unicodedata.category(ch) == "Cf":
        out = ""  # zero-width joiners, BOMs: invisible, never part of a word
    else:
        out = unicodedata.normalize("NFKC", ch).lower()
        if any(is_cjk(c) for c in out):
            out = _t2s().convert(out)
    _NORM[ch] = out
    return out


def normalize(text: str) -> str:
    """NFKC + traditional→simplified + lower-case, character by character."""
    cache = _NORM
    return "".join([cache[c] if c in cache else _normalize_char(c) for c in text])


def normalize_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Return the normalised text and, per normalised character, its source index.

    The list is ``None`` when normalisation kept a one-to-one mapping (the common case).
    """
    cache = _NORM
    parts = [cache[c] if c in cache else _normalize_char(c) for c in text]
    norm = "".join(parts)
    if len(norm) == len(text) and "" not in parts:
        return norm, None
    return norm, [i for i, part in enumerate(parts) for _ in part]


def canonical_case_number(case_number: str) -> str:
    """One spelling of a case number for filters: no spaces, full-width round brackets."""
    norm = unicodedata.normalize("NFKC", case_number).strip()
    norm = "".join(ch for ch in norm if not ch.isspace())
    norm = re.sub(r"[(\[〔【［]", "（", norm)
    return re.sub(r"[)\]〕】］]", "）", norm)


def canonical_value(value: str) -> str:
    """Facet/filter values (charges, defendants, document types) compared normalised."""
    return normalize(value.strip())


def _cut(token: str) -> str:
    return token if len(token) <= MAX_TOKEN_CHARS else token[:MAX_TOKEN_CHARS]


def index_tokens(norm: str) -> list[tuple[str, int]]:
    """``(token, position)`` pairs of normalised page text, sorted by position."""
    cls = _CLASS
    tokens: list[tuple[str, int]] = []
    append = tokens.append
    pos = 0
    prev_cjk = ""
    run: list[str] = []
    run_pos = 0
    for ch in norm:
        kind = cls.get(ch)
        if kind is None:
            kind = _classify(ch)
        if kind == CJK:
            if run:
                append((_cut("".join(run)), run_pos))
                run = []
            if prev_cjk:
                append((prev_cjk + ch, pos - 1))
            append((ch, pos))
            prev_cjk = ch
            pos += 1
        elif kind == ALNUM:
            if not run:
                run_pos = pos
            run.append(ch)
            pos += 1
            prev_cjk = ""
        elif run:
            # A separator ends an alphanumeric run; CJK pairs may span it (compact adjacency).
            append((_cut("".join(run)), run_pos))
            run = []
    if run:
        append((_cut("".join(run)), run_pos))
    if _has_spaced_id_candidate(norm):
        extra = _spaced_id_tokens(norm)
        if extra:
            tokens.extend(extra)
            tokens.sort(key=lambda t: t[1])
    return tokens


def _has_spaced_id_candidate(norm: str) -> bool:
    return (" " in norm or "-" in norm) and _SPACED_ID.search(norm) is not None


def _spaced_id_tokens(norm: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for match in _SPACED_ID.finditer(norm):
        raw = match.group()
        if raw.isalnum():
            continue  # written without separators: already one alphanumeric token
        pos = sum(1 for c in norm[: match.start()] if char_class(c) != SEP)
        out.append((_ID_SEPARATORS.sub("", raw), pos))
    return out


def query_tokens(norm_term: str) -> list[tuple[int, str]]:
    """``(position, token)`` pairs that a phrase query needs to find ``norm_term`` in page text.

    CJK sequences become overlapping pairs (a lone CJK character stays a single token),
    alphanumeric runs stay whole, a spaced ID number is joined into one token.
    """
    term = _SPACED_ID.sub(lambda m: _ID_SEPARATORS.sub("", m.group()), norm_term)
    items: list[tuple[int, str, int]] = []  # (kind, text, position)
    pos = 0
    run: list[str] = []
    run_pos = 0
    for ch in term:
        kind = char_class(ch)
        if kind == ALNUM:
            if not run:
                run_pos = pos
            run.append(ch)
            pos += 1
            continue
        if run:
            items.append((ALNUM, _cut("".join(run)), run_pos))
            run = []
        if kind == CJK:
            items.append((CJK, ch, pos))
            pos += 1
    if run:
        items.append((ALNUM, _cut("".join(run)), run_pos))

    out: list[tuple[int, str]] = []
    for i, (kind, text, p) in enumerate(items):
        if kind == ALNUM:
            out.append((p, text))
            continue
        nxt = items[i + 1] if i + 1 < len(items) else None
        prev = items[i - 1] if i > 0 else None
        if nxt is not None and nxt[0] == CJK:
            out.append((p, text + nxt[1]))
        elif prev is None or prev[0] != CJK:
            out.append((p, text))  # a lone CJK character
    return out


def compact(norm: str) -> tuple[str, list[int]]:
    """Significant characters of normalised text and, for each, its index in ``norm``."""
    keep = [i for i, ch in enumerate(norm) if char_class(ch) != SEP]
    return "".join(norm[i] for i in keep), keep


def compact_term(norm_term: str) -> str:
    """Return a query term as the compact string that page text must contain."""
    term = _SPACED_ID.sub(lambda m: _ID_SEPARATORS.sub("", m.group()), norm_term)
    return "".join(ch for ch in term if char_class(ch) != SEP)


def _ensure_jieba() -> Any:
    global _jieba_ready
    import jieba  # lazy: the dictionary takes about a second to load

    if not _jieba_ready:
        with _lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba_ready = True
    return jieba


def index_words(norm: str) -> str:
    """Jieba words (2+ characters with CJK) of normalised text, space-joined for a whitespace field."""
    jieba = _ensure_jieba()
    return " ".join(
        w for w in jieba.lcut(norm, HMM=False) if len(w) >= 2 and is_cjk(w[0]) and is_cjk(w[-1])
    )


def query_word(term: str) -> str | None:
    """Return the term if jieba sees it as one dictionary word, else None (for boosting)."""
    if len(term) < 2 or not all(is_cjk(c) for c in term):
        return None
    jieba = _ensure_jieba()
    words = jieba.lcut(term, HMM=False)
    return term if len(words) == 1 else None


@dataclass(frozen=True)
class AnalysedText:
    """Normalised page text with the maps needed to turn compact matches into page offsets."""

    text: str
    normalized: str
    source_index: list[int] | None  # normalised index -> text index; None = identity
    compact: str
    compact_index: list[int]  # compact index -> normalised index

    def span(self, compact_start: int, compact_end: int) -> tuple[int, int]:
        """Page-text offsets ``[start, end)`` of compact characters ``[compact_start, compact_end)``."""
        first = self.compact_index[compact_start]
        last = self.compact_index[compact_end - 1]
        if self.source_index is not None:
            first, last = self.source_index[first], self.source_index[last]
        return first, last + 1


def analyse(text: str) -> AnalysedText:
    """Normalise ``text`` and build its compact form with offset maps."""
    norm, source_index = normalize_with_offsets(text)
    comp, comp_index = compact(norm)
    return AnalysedText(text, norm, source_index, comp, comp_index)
