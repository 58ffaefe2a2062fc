"""Parse what a user types into the search box into terms every backend can execute.

Grammar (deliberately small): words and ``"exact phrases"`` are ANDed; ``OR`` joins the term
before it with the term after it (``a b OR c`` = a AND (b OR c)); ``NOT x`` and ``-x`` exclude.
Operators are upper-case Latin words. An unbalanced quote runs to the end of the query. A word
without spaces is matched as a contiguous sequence (Chinese has no spaces), so quoting only
matters for phrases containing spaces, and for long words: an unquoted word of six to 32 units
also matches a page where OCR misread, dropped or added one unit (``one_error_variants``); a
quoted one matches exactly. Case numbers and ID numbers are recognised whatever their spacing and
quoted automatically.

Raises ``CasefileError(INVALID_QUERY)`` for empty queries, queries with nothing searchable (``*``),
only exclusions, control characters, more than ``MAX_QUERY_CHARS`` characters, a term of more
than ``MAX_TERM_CHARS``, more than ``MAX_TERMS`` terms, or more than ``MAX_EXPANSION_TOKENS``
tokens in all the terms' OCR-tolerant variants. Limits are checked before the costly step each
one bounds, so a huge query costs little: the work a query may cause is bounded (issue #16).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.errors import INVALID_QUERY, CasefileError
from search.analysis import (
    QueryPlan,
    Variant,
    canonical_case_number,
    compact_term,
    normalize,
    one_error_variants,
    query_plan,
)

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
MAX_TERM_CHARS = 100
# Tokens in the phrases of every tolerant variant of a query: two terms of 32 units, or thirty
# of ten units; a few tens of milliseconds of the engine's time at most.
MAX_EXPANSION_TOKENS = 8000

_QUOTES = frozenset('"“”「」『』')
_OPERATORS = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}
_CASE_NUMBER = re.compile(
    r"[(\[〔【]\s*\d{4}\s*[)\]〕】]\s*[\u4e00-\u9fff]\s*\d*(?:\s*[\u4e00-\u9fff]){1,6}\s*\d+\s*号"
)
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d(?:[ \-]?\d){16}[ \-]?[0-9Xx](?![0-9A-Za-z])")


@dataclass(frozen=True)
class Term:
    """One searchable unit: tokens for the engine, compact text for highlighting."""

    raw: str
    normalized: str
    compact: str
    plan: QueryPlan
    quoted: bool
    case_key: str | None = None  # set when the term is a whole case number: also match metadata
    variants: tuple[Variant, ...] = ()  # also match these (OCR tolerance); empty = exact only


@dataclass(frozen=True)
class ParsedQuery:
    """``groups`` are ANDed; the terms inside one group are ORed; ``excluded`` must not match."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    def positive_terms(self) -> list[Term]:
        """Every term that can produce a highlight."""
        return [t for group in self.groups for t in group]


def _invalid(detail: str, message: str | None = None, hint: str | None = None) -> CasefileError:
    return CasefileError(INVALID_QUERY, detail, message=message, hint=hint)


def _check_raw(text: object) -> str:
    if not isinstance(text, str):
        raise _invalid(f"query text must be str, got {type(text).__name__}")
    if len(text) > MAX_QUERY_CHARS:
        raise _invalid(
            f"query has {len(text)} characters (max {MAX_QUERY_CHARS})",
            message=f"检索内容过长（最多 {MAX_QUERY_CHARS} 个字符）。",
            hint="请缩短为几个关键词或一句原文。",
        )
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text):
        raise _invalid("query contains control characters", message="检索内容包含无法识别的控制字符。")
    return text


def _quote_identifiers(text: str) -> str:
    """Wrap case numbers and ID numbers outside quotes in quotes so their parts stay together."""
    spans = [m.span() for pattern in (_CASE_NUMBER, _ID_NUMBER) for m in pattern.finditer(text)]
    for start, end in sorted(spans, reverse=True):
        inside_quotes = sum(1 for c in text[:start] if c in _QUOTES) % 2 == 1
        if inside_quotes or any(c in _QUOTES for c in text[start:end]):
            continue
        text = f'{text[:start]}"{text[start:end]}"{text[end:]}'
    return text


def _lex(text: str) -> list[tuple[str, str, bool]]:
    """``(kind, value, negated)`` with kind ``word``, ``phrase`` or ``op``."""
    out: list[tuple[str, str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
            ch = text[i]
        if ch in _QUOTES:
            j = i + 1
            while j < n and text[j] not in _QUOTES:
                j += 1
            out.append(("phrase", text[i + 1 : j], negated))
            i = j + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in _QUOTES:
            j += 1
        word = text[i:j]
        i = j
        if not negated and word in _OPERATORS:
            out.append(("op", _OPERATORS[word], False))
        else:
            out.append(("word", word, negated))
    return out


def _make_term(raw: str, quoted: bool) -> Term | None:
    if len(raw) > MAX_TERM_CHARS:
        raise _invalid(
            f"a term has {len(raw)} characters (max {MAX_TERM_CHARS})",
            message=f"单个检索词过长（最多 {MAX_TERM_CHARS} 个字符）。",
            hint="请只保留最能区分的一段原文，或拆成几个关键词（用空格分开）。",
        )
    norm = normalize(raw)
    plan = query_plan(norm)
    if plan is None:
        return None  # only punctuation or wildcards: nothing to look for
    case_key = canonical_case_number(raw) if _CASE_NUMBER.fullmatch(raw.strip()) else None
    # Quotes ask for the exact text; identifiers are exact by nature (one wrong digit is
    # another person or another case).
    exact = quoted or case_key is not None or plan.id_number is not None
    variants = () if exact else one_error_variants(plan)
    return Term(raw, norm, compact_term(norm), plan, quoted, case_key, variants)


def parse_query(text: str) -> ParsedQuery:
    """Parse a query string; see the module docstring for grammar and errors."""
    text = _check_raw(text)
    text = unicodedata.normalize("NFKC", text)
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = pending_not = last_positive = False
    expansion = 0
    for kind, value, negated in _lex(_quote_identifiers(text)):
        if kind == "op":
            pending_or = value == "OR"
            pending_not = pending_not or value == "NOT"
            continue
        negated = negated or pending_not
        pending_not = False
        term = _make_term(value, quoted=kind == "phrase")
        if term is None:
            pending_or = False
            continue
        if negated:
            excluded.append(term)
        elif pending_or and groups and last_positive:
            groups[-1].append(term)
        else:
            groups.append([term])
        last_positive = not negated
        pending_or = False
        if len(excluded) + sum(len(g) for g in groups) > MAX_TERMS:
            raise _invalid(
                f"more than {MAX_TERMS} terms",
                message=f"检索词过多（最多 {MAX_TERMS} 个）。",
                hint="请减少关键词数量。",
            )
        expansion += sum(len(piece) for variant in term.variants for _offset, piece in variant)
        if expansion > MAX_EXPANSION_TOKENS:
            raise _invalid(
                f"OCR-tolerant variants need more than {MAX_EXPANSION_TOKENS} tokens",
                message="检索条件过于复杂。",
                hint="请减少较长的关键词，或给长词加上引号（\"…\"）按原文精确查找。",
            )
    if not groups:
        if excluded:
            raise _invalid(
                "query has only excluded terms",
                message="检索条件只有排除词。",
                hint="请至少输入一个要查找的词，例如“盗窃 -抢劫”。",
            )
        raise _invalid(f"nothing searchable in {text[:50]!r}")
    return ParsedQuery(tuple(tuple(g) for g in groups), tuple(excluded))
