"""Checks shared by every backend: a ``SearchQuery`` or ``PageRecord`` becomes canonical values.

Backends translate the checked form into their own query language, so validation, limits and
the meaning of each filter are the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.errors import INVALID_QUERY, INVALID_REQUEST, CasefileError, ErrorSpec
from search.analysis import canonical_case_number, canonical_value
from search.base import PageRecord, SearchQuery
from search.query_parser import ParsedQuery, parse_query

MAX_LIMIT = 100
MAX_RESULT_WINDOW = 10_000  # deeper pages return no hits (but the true total), like ES


def date_ordinal(value: str, spec: ErrorSpec = INVALID_QUERY) -> int:
    """``2020-05-01`` (optionally with a time part) as the integer ``20200501``."""
    try:
        day = dt.date.fromisoformat(value.strip()[:10])
    except ValueError as e:
        raise CasefileError(spec, f"not an ISO date: {value!r}", message="日期格式不正确。",
                            hint="请使用 YYYY-MM-DD 格式，例如 2020-05-01。") from e
    return day.year * 10000 + day.month * 100 + day.day


@dataclass(frozen=True)
class CheckedQuery:
    """A validated query; filter values are canonical (see ``search.analysis``)."""

    parsed: ParsedQuery
    case_key: str | None
    allowed_ids: frozenset[int] | None  # case ids; None = no restriction
    document_type: str | None
    charge: str | None
    defendant: str | None
    date_from: int | None
    date_to: int | None
    sort: str
    limit: int
    offset: int

    @property
    def beyond_window(self) -> bool:
        """True when the requested page lies past ``MAX_RESULT_WINDOW``: no hits, true total."""
        return self.offset + self.limit > MAX_RESULT_WINDOW


def check_query(query: SearchQuery) -> CheckedQuery:
    """Validate and canonicalise; raises ``CasefileError(INVALID_QUERY)``."""
    parsed = parse_query(query.text)
    if not isinstance(query.limit, int) or not 1 <= query.limit <= MAX_LIMIT:
        raise CasefileError(INVALID_QUERY, f"limit must be 1..{MAX_LIMIT}, got {query.limit!r}",
                            message=f"每页条数须在 1 到 {MAX_LIMIT} 之间。")
    if not isinstance(query.offset, int) or query.offset < 0:
        raise CasefileError(INVALID_QUERY, f"offset must be >= 0, got {query.offset!r}",
                            message="页码不正确。")
    if query.sort not in ("relevance", "date"):
        raise CasefileError(INVALID_QUERY, f"unknown sort {query.sort!r}", message="排序方式不正确。",
                            hint="请选择按相关度（relevance）或按日期（date）排序。")
    date_from = date_ordinal(query.date_from) if query.date_from else None
    date_to = date_ordinal(query.date_to) if query.date_to else None
    allowed = query.allowed_case_ids
    if allowed is not None and not all(isinstance(i, int) and not isinstance(i, bool) for i in allowed):
        raise CasefileError(INVALID_QUERY, f"allowed_case_ids must be ints: {sorted(map(repr, allowed))[:5]}")
    return CheckedQuery(
        parsed=parsed,
        case_key=canonical_case_number(query.case_number) if query.case_number else None,
        allowed_ids=None if allowed is None else frozenset(allowed),
        document_type=canonical_value(query.document_type) if query.document_type else None,
        charge=canonical_value(query.charge) if query.charge else None,
        defendant=canonical_value(query.defendant) if query.defendant else None,
        date_from=date_from,
        date_to=date_to,
        sort=query.sort,
        limit=query.limit,
        offset=query.offset,
    )


def check_record(record: PageRecord) -> None:
    """Reject records the index cannot hold; raises ``CasefileError(INVALID_REQUEST)``."""
    problems = []
    if not isinstance(record.document_id, int) or record.document_id < 0:
        problems.append(f"document_id={record.document_id!r}")
    if not isinstance(record.page, int) or record.page < 1:
        problems.append(f"page={record.page!r}")
    if not isinstance(record.case_number, str) or not record.case_number.strip():
        problems.append(f"case_number={record.case_number!r}")
    if not isinstance(record.case_id, int) or isinstance(record.case_id, bool) or record.case_id < 0:
        problems.append(f"case_id={record.case_id!r}")
    if not isinstance(record.text, str):
        problems.append("text is not str")
    if problems:
        raise CasefileError(INVALID_REQUEST, "bad PageRecord: " + ", ".join(problems))
    if record.date:
        date_ordinal(record.date, INVALID_REQUEST)
