"""Text analysis shared by every backend: normalisation, index token streams, query plans.

Normalisation folds full/half width (NFKC), traditional to simplified Chinese (OpenCC ``t2s``,
per character so offsets survive) and Latin case. Significant characters are CJK (Han, 〇, kana,
hangul) and alphanumerics; everything else (spaces, punctuation, brackets) is a separator.

A page becomes a sequence of *units*: each CJK character and each alphanumeric run. Positions
count units, so separators never matter: ``（2020）粤1973刑初123号``, ``(2020)粤1973刑初123号`` and
``( 2020 ) 粤 1973 刑初 123 号`` have the same units and a phrase built from one finds the others.
Two streams are indexed with positions: ``uni`` (the units, so 1-character queries work) and
``pairs`` (each CJK unit joined with the next CJK unit, so 2-character words such as 张某 or 盗窃
are one exact token and longer words a phrase of overlapping pairs). ID numbers written with
spaces or hyphens are also indexed joined. Jieba words are indexed separately to rank whole-word
matches higher. Streams are whitespace-joined strings, so tantivy tokenises them in Rust.

OCR tolerance, for scanned pages: characters that OCR reads as one another (``CONFUSABLES``, e.g.
己/已) are folded to one form in units and compact text, at index and query time alike, so such a
misreading costs nothing. For any other single misread, dropped or extra unit, an unquoted query
term of ``TOLERANT_MIN_CHARS`` or more characters (and at most ``TOLERANT_MAX_UNITS`` units) also
matches through ``one_error_variants``.

Everything loads lazily (OpenCC tables, jieba dictionary) on first use.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import struct
import threading
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.jieba_dictionary import use_fast_cache_reading
from core.textmap import CharTable, translate_mapped

SEP, ALNUM, CJK = 0, 1, 2
MAX_TOKEN_CHARS = 64  # longer alphanumeric runs are cut; tantivy rejects huge terms

# Groups of characters that PP-OCR (bench/search/ocr_pages.py: 240 pages, 200-DPI scans in uming
# and ukai, clean and degraded) was seen reading as one another, folded to the first. Folding
# merges their words in search: harmless where one side is a misreading nobody writes (时问,
# 询间, 七首), and the price of finding OCR'd pages where both are real (乌某/鸟某). In letters
# and digits, l is read as 1 and o as 0 (100ml -> 100m1, oppo -> 0pp0). 未/末 and the like
# were not seen and stay apart. The tiny recogniser (ppocr's default since session 2) adds its
# own on the same pages: 淮->准, 逯->途, 铳->镜, 冼->洗, 遊->避. 二->一 and 手->于 were seen too but
# stay apart: folding them would merge too many real words.
CONFUSABLES = ("己已巳", "梁粱", "戊戌戍", "汩汨", "乌鸟", "七匕", "间问", "淑溆", "埔埇", "准淮", "途逯",
               "镜铳", "洗冼", "避遊", "1l", "0o")
_FOLD_CHARS = {ch: group[0] for group in CONFUSABLES for ch in group[1:]}
# An unquoted term this long also matches with one unit misread, dropped or added: shorter terms
# (names such as 张某, legal terms such as 取保候审) would match too much.
TOLERANT_MIN_CHARS = 6
TOLERANT_MIN_UNITS = 5  # 挣了300元钱: 7 characters, 5 units; 2020年3月: 4 units, too loose
# ... and a term longer than this matches exactly. A term of n units has about 3n variants of
# about n tokens each: the work grows with n², and one pasted 500-character term held the event
# loop for seconds (issue #16, item 9). 32 units cost a few milliseconds; a sentence pasted from
# the original is long enough to be found exactly.
TOLERANT_MAX_UNITS = 32

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
    # Significant means isalnum(), exactly what the regex ``[^\W_]`` matches (see ``compact``).
    if not ch.isalnum():
        kind = SEP
    elif is_cjk(ch):
        kind = CJK
    else:
        kind = ALNUM
    _CLASS[ch] = kind
    return kind


def _fold_char(ch: str) -> str:
    return _FOLD_CHARS.get(ch, ch)


_FOLD_TABLE = CharTable(_fold_char)


def fold(text: str) -> str:
    """Fold OCR-confusable characters (``CONFUSABLES``) to one form; length is kept."""
    return text.translate(_FOLD_TABLE)


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
    return out


_NORM_TABLE = CharTable(_normalize_char)  # its ``irregular``: a normal form not of one character


def normalize(text: str) -> str:
    """NFKC + traditional→simplified + lower-case, character by character."""
    return text.translate(_NORM_TABLE)


def normalize_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Return the normalised text and, per normalised character, its source index.

    The list is ``None`` when normalisation kept a one-to-one mapping (the common case).
    """
    mapped = translate_mapped(text, _NORM_TABLE)
    return mapped.text, mapped.orig


@functools.lru_cache(maxsize=65536)
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


def _is_cjk_unit(unit: str) -> bool:
    return len(unit) == 1 and char_class(unit) == CJK


def units(norm: str) -> list[str]:
    """Significant units of normalised text: each CJK character, each alphanumeric run."""
    cls = _CLASS
    folded = _FOLD_CHARS.get
    out: list[str] = []
    append = out.append
    run: list[str] = []
    for ch in norm:
        kind = cls.get(ch)
        if kind is None:
            kind = _classify(ch)
        if kind == CJK:
            if run:
                append(_cut(fold("".join(run))))
                run = []
            append(folded(ch, ch))
        elif kind == ALNUM:
            run.append(ch)
        elif run:
            append(_cut(fold("".join(run))))
            run = []
    if run:
        append(_cut(fold("".join(run))))
    return out


@dataclass(frozen=True)
class IndexStreams:
    """Whitespace-joined token streams of one page; token *i* of each stream is unit *i*.

    ``uni``: the units themselves. ``pairs``: a CJK unit followed by a CJK unit becomes the pair,
    anything else stays itself, so positions line up with ``uni``. ``ids``: 18-character ID numbers
    that the page writes with spaces or hyphens, joined.
    """

    uni: str
    pairs: str
    ids: str


def index_streams(norm: str) -> IndexStreams:
    """Token streams of normalised page text (fed to whitespace-tokenised fields)."""
    us = units(norm)
    pairs = []
    last = len(us) - 1
    for i, u in enumerate(us):
        if i < last and _is_cjk_unit(u) and _is_cjk_unit(us[i + 1]):
            pairs.append(u + us[i + 1])
        else:
            pairs.append(u)
    ids = ""
    if ("-" in norm or " " in norm) and _SPACED_ID.search(norm):
        ids = " ".join(
            _ID_SEPARATORS.sub("", m.group()) for m in _SPACED_ID.finditer(norm) if not m.group().isalnum()
        )
    return IndexStreams(" ".join(us), " ".join(pairs), ids)


@dataclass(frozen=True)
class QueryPlan:
    """How to find one query term: a phrase (or single term) on ``field``, plus an ID alternative."""

    field: str  # "uni" or "pairs"
    tokens: tuple[tuple[int, str], ...]  # (position, token); gaps are allowed
    id_number: str | None  # set when the term is one 18-character ID number
    units: tuple[str, ...]  # the term's units, for backends that analyse text themselves


_ID_UNIT = re.compile(r"\d{17}[0-9x]")


def query_plan(norm_term: str) -> QueryPlan | None:
    """Plan the index lookup for one normalised query term; None if it has nothing searchable.

    On ``pairs`` a CJK unit followed by a non-CJK unit (or ending the term) may be indexed as
    either itself or a pair, depending on the page, so it is left out of the phrase (a gap); it
    is still covered by the pair before it. A CJK unit with no CJK neighbour is covered by
    nothing on ``pairs``, so such terms use ``uni``.
    """
    us = units(_SPACED_ID.sub(lambda m: _ID_SEPARATORS.sub("", m.group()), norm_term))
    if not us:
        return None
    cjk = [_is_cjk_unit(u) for u in us]
    n = len(us)
    lone = any(cjk[i] and not (i > 0 and cjk[i - 1]) and not (i + 1 < n and cjk[i + 1]) for i in range(n))
    id_number = us[0] if n == 1 and _ID_UNIT.fullmatch(us[0]) else None
    if lone:
        return QueryPlan("uni", tuple(enumerate(us)), id_number, tuple(us))
    return QueryPlan("pairs", pair_tokens(us), id_number, tuple(us))


def pair_tokens(us: tuple[str, ...] | list[str], offset: int = 0) -> tuple[tuple[int, str], ...]:
    """``(position, token)`` on ``pairs`` for consecutive units starting at ``offset``.

    A CJK unit followed by another CJK unit is their pair; an alphanumeric unit is itself; a CJK
    unit with no CJK unit after it is a gap (see ``query_plan``).
    """
    tokens = []
    last = len(us) - 1
    for i, u in enumerate(us):
        if not _is_cjk_unit(u):
            tokens.append((offset + i, u))
        elif i < last and _is_cjk_unit(us[i + 1]):
            tokens.append((offset + i, u + us[i + 1]))
    return tuple(tokens)


# One way a page may differ from the query term: contiguous pieces of the term's units, each
# with its offset (in units) from the start of the match on the page.
Variant = tuple[tuple[int, tuple[str, ...]], ...]


def one_error_variants(plan: QueryPlan) -> tuple[Variant, ...]:
    """Ways the term can appear on a page where OCR misread, dropped or added one unit.

    Only for terms of ``TOLERANT_MIN_CHARS`` characters and ``TOLERANT_MIN_UNITS`` units or more,
    and ``TOLERANT_MAX_UNITS`` units or fewer.
    A misread unit *j* splits the term into the units before and after *j*, with *j*'s slot kept;
    a dropped unit closes the slot, an added one opens a slot between two units. Pieces keep their
    relative offsets, so a backend that can express offsets matches nothing looser than edit
    distance one (at unit level). An error in the first or last unit leaves one shorter piece.
    """
    us = plan.units
    n = len(us)
    if n < TOLERANT_MIN_UNITS or n > TOLERANT_MAX_UNITS or sum(map(len, us)) < TOLERANT_MIN_CHARS:
        return ()
    out: dict[Variant, None] = {}

    def add(pieces: list[tuple[int, tuple[str, ...]]]) -> None:
        kept = [(offset, piece) for offset, piece in pieces if piece]
        first = kept[0][0]
        out[tuple((offset - first, piece) for offset, piece in kept)] = None

    for j in range(n):  # unit j misread
        add([(0, us[:j]), (j + 1, us[j + 1 :])])
    for j in range(1, n - 1):  # unit j dropped (at either end it is the same as misread)
        add([(0, us[:j]), (j, us[j + 1 :])])
    for j in range(1, n):  # a unit added before unit j
        add([(0, us[:j]), (j + 1, us[j:])])
    return tuple(out)


def variant_tokens(variant: Variant) -> tuple[str, tuple[tuple[int, str], ...]]:
    """The field and ``(position, token)`` phrase that finds a variant at its pieces' offsets.

    On ``pairs`` an ideograph with no ideograph beside it in its piece (next to the error, or
    between digits as in 2017年4月) would be a gap, and the variant would match far more than the
    term minus one unit. Such variants use ``uni``, which keeps every unit.
    """
    def lone(piece: tuple[str, ...], i: int) -> bool:
        return _is_cjk_unit(piece[i]) and not any(
            0 <= j < len(piece) and _is_cjk_unit(piece[j]) for j in (i - 1, i + 1))

    if any(lone(piece, i) for _offset, piece in variant for i in range(len(piece))):
        return "uni", tuple((offset + i, u) for offset, piece in variant for i, u in enumerate(piece))
    return "pairs", tuple(tok for offset, piece in variant for tok in pair_tokens(piece, offset))


def joined_units(us: list[str] | tuple[str, ...]) -> str:
    """Units as text for analysers that bigram adjacent CJK (Elasticsearch ``cjk_bigram``).

    CJK units touch, everything else is space-separated, so the analyser sees the same
    adjacency as ``index_streams`` whatever the page's spacing and punctuation.
    """
    out: list[str] = []
    prev_cjk = False
    for u in us:
        cjk = _is_cjk_unit(u)
        if out and not (cjk and prev_cjk):
            out.append(" ")
        out.append(u)
        prev_cjk = cjk
    return "".join(out)


def _compact_char(ch: str) -> str | None:
    return _FOLD_CHARS.get(ch, ch) if ch.isalnum() else None  # isalnum() = significant


def _mask_char(ch: str) -> str:
    return "\x01" if ch.isalnum() else "\x00"


_COMPACT_TABLE = CharTable(_compact_char)
_MASK_TABLE = CharTable(_mask_char)


def compact(norm: str) -> tuple[str, list[int]]:
    """Significant characters of normalised text (folded) and, for each, its index in ``norm``."""
    # All in C (translate, compress): this runs on the page text of every hit of every query.
    mask = norm.translate(_MASK_TABLE).encode("ascii")
    return norm.translate(_COMPACT_TABLE), list(itertools.compress(range(len(norm)), mask))


def compact_term(norm_term: str) -> str:
    """Return a query term as the compact string that page text must contain."""
    term = _SPACED_ID.sub(lambda m: _ID_SEPARATORS.sub("", m.group()), norm_term)
    return fold("".join(ch for ch in term if char_class(ch) != SEP))


def _ensure_jieba() -> Any:
    global _jieba_ready
    import jieba  # lazy: the dictionary takes about a second to load

    if not _jieba_ready:
        with _lock:
            if not _jieba_ready:
                use_fast_cache_reading()
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba_ready = True
    return jieba


def index_words(norm: str) -> str:
    """Jieba words (2+ characters with CJK) of normalised text, space-joined for a whitespace field."""
    jieba = _ensure_jieba()
    return " ".join(
        w for w in jieba.lcut(fold(norm), HMM=False) if len(w) >= 2 and is_cjk(w[0]) and is_cjk(w[-1])
    )


@functools.lru_cache(maxsize=4096)  # every search asks for each of its terms; jieba is slow
def query_word(term: str) -> str | None:
    """Return the term if jieba sees it as one dictionary word, else None (for boosting)."""
    if len(term) < 2 or not all(is_cjk(c) for c in term):
        return None
    jieba = _ensure_jieba()
    words = jieba.lcut(term, HMM=False)
    return term if len(words) == 1 else None


@dataclass(frozen=True)
class AnalysedText:
    """Page text with its compact form and the maps that turn compact matches into page offsets."""

    text: str
    source_index: Sequence[int] | None  # normalised index -> text index; None = identity
    compact: str
    compact_index: Sequence[int]  # compact index -> normalised index

    def span(self, compact_start: int, compact_end: int) -> tuple[int, int]:
        """Page-text offsets ``[start, end)`` of compact characters ``[compact_start, compact_end)``."""
        first = self.compact_index[compact_start]
        last = self.compact_index[compact_end - 1]
        if self.source_index is not None:
            first, last = self.source_index[first], self.source_index[last]
        return first, last + 1


def analyse(text: str, normal: tuple[str, list[int] | None] | None = None) -> AnalysedText:
    """Normalise ``text`` and build its compact form with offset maps.

    ``normal``: ``normalize_with_offsets(text)``, when the caller has it already (indexing does).
    """
    norm, source_index = normal or normalize_with_offsets(text)
    comp, comp_index = compact(norm)
    return AnalysedText(text, source_index, comp, comp_index)


# Stored with each indexed page, so a hit's matches are found without analysing its text again
# (as search engines store offsets for highlighting): the compact text (UTF-8) and the offset maps
# as machine integers, which load with one copy instead of a dictionary lookup per character.
_PACKED = struct.Struct("<BBBII")  # format, offset type, has a source_index, compact bytes, compact characters
_PACKED_FORMAT = 1


def pack_analysis(analysed: AnalysedText) -> bytes:
    """``analysed`` as bytes, for ``unpack_analysis`` to rebuild beside the same page text."""
    comp = analysed.compact.encode("utf-8")
    # offsets point into the page text or its normal form: 16 bits each unless the page is huge
    largest = max(len(analysed.text), analysed.compact_index[-1] if analysed.compact_index else 0)
    kind = "H" if largest <= 0xFFFF else "I"
    comp_index = array(kind, analysed.compact_index)
    source = array(kind, analysed.source_index or ())
    header = _PACKED.pack(_PACKED_FORMAT, ord(kind), analysed.source_index is not None, len(comp), len(comp_index))
    return header + comp + comp_index.tobytes() + source.tobytes()


def unpack_analysis(text: str, packed: bytes) -> AnalysedText:
    """The analysis of ``text`` that ``pack_analysis`` stored."""
    version, kind, has_source, comp_size, comp_items = _PACKED.unpack_from(packed)
    if version != _PACKED_FORMAT:
        raise ValueError(f"stored analysis of format {version}, expected {_PACKED_FORMAT}")
    at = _PACKED.size
    comp = packed[at:at + comp_size].decode("utf-8")
    at += comp_size
    comp_index = array(chr(kind))
    comp_index.frombytes(packed[at:at + comp_items * comp_index.itemsize])
    source = None
    if has_source:  # the rest, one item per normalised character
        source = array(chr(kind))
        source.frombytes(packed[at + comp_items * comp_index.itemsize:])
    return AnalysedText(text, source, comp, comp_index)
