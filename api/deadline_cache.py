"""Cases' deadline reports kept between requests, each under the version of what it was computed from.

A case's report (``api.deadlines.case_report``) depends on its documents (pages and fact
sheets), the handlers' custody records and its transfers, and on the day counted from. The
version of a case is read from the database on every request, for all the cases at once (three
grouped queries), so a change made by any process (a worker finishing a document, another API
process recording an extension) is seen at once: a stale report is never served, it is only
recomputed. Reports are shared between requests: callers must not change them.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from typing import Any

from cachetools import LRUCache
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from models.tables import CustodyRecord, Document, Transfer, TransferStatus

# about 5 kB a case: 4,096 cases' reports are some 20 MB per process
DEFAULT_SIZE = 4096


def case_versions(session: Session, case_ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """The version of each case: what changes whenever its report may change.

    Documents: how many, the latest id and the latest update (a document's ``updated_at`` moves
    with every stage, reprocessing, retyping and catalogue edit). Records: how many, the latest
    id and how many withdrawn. Transfers: how many in each status, the latest id, the latest
    decision and opening.
    """
    if not case_ids:
        return {}
    ids = list(case_ids)
    docs = {row[0]: tuple(row[1:]) for row in session.execute(
        select(Document.case_id, func.count(Document.id), func.max(Document.id), func.max(Document.updated_at))
        .where(Document.case_id.in_(ids)).group_by(Document.case_id))}
    records = {row[0]: tuple(row[1:]) for row in session.execute(
        select(CustodyRecord.case_id, func.count(CustodyRecord.id), func.max(CustodyRecord.id),
               func.count(CustodyRecord.withdrawn_at))
        .where(CustodyRecord.case_id.in_(ids)).group_by(CustodyRecord.case_id))}
    by_status = [func.sum(case((Transfer.status == status, 1), else_=0)) for status in TransferStatus]
    transfers = {row[0]: tuple(row[1:]) for row in session.execute(
        select(Transfer.case_id, func.max(Transfer.id), func.max(Transfer.decided_at), func.max(Transfer.opened_at),
               *by_status)
        .where(Transfer.case_id.in_(ids)).group_by(Transfer.case_id))}
    return {case_id: (docs.get(case_id), records.get(case_id), transfers.get(case_id)) for case_id in ids}


class CaseReportCache:
    """An LRU of ``(case id, version, day, warn days) → (document ids, report)``, safe across threads."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self._entries: LRUCache[tuple[Any, ...], tuple[list[int], dict[str, Any]]] = LRUCache(maxsize=size)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def report(
        self, case_id: int, version: tuple[Any, ...], today: dt.date, warn_days: int,
        compute: Callable[[], tuple[list[int], dict[str, Any]]],
    ) -> tuple[list[int], dict[str, Any]]:
        """The cached report of this version of the case, else ``compute()``'s, kept."""
        key = (case_id, version, today, warn_days)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self.hits += 1
                return found
            self.misses += 1
        value = compute()  # outside the lock: two requests may both compute, the result is the same
        with self._lock:
            self._entries[key] = value
        return value
