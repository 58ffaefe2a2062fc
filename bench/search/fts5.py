"""SQLite FTS5 baselines on the same pages, for comparison with TantivyIndex.

The ``trigram`` tokenizer on normalised text, and jieba-segmented words with the ``unicode61`` tokenizer. Each answers the benchmark's query kinds
with top-10 (bm25 order, with ``snippet()``), an exact count and, for filtered queries, facets.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from search.analysis import normalize


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class Fts5Baseline:
    """One FTS5 table plus a metadata table; ``mode`` is ``trigram`` or ``words``."""

    def __init__(self, path: Path, mode: str) -> None:
        self.mode = mode
        self.name = f"sqlite-fts5-{mode}"
        self.path = path
        self._local = threading.local()

    def build(self, rows: Iterable[tuple[int, str, str, str, int, str]]) -> int:
        """Create the tables from ``(rowid, text, case_key, charge, date_ord, doc_type)``."""
        from search.analysis import _ensure_jieba

        jieba = _ensure_jieba()
        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(self.path)
        tokenize = "trigram" if self.mode == "trigram" else "unicode61"
        db.execute(f"CREATE VIRTUAL TABLE f USING fts5(body, tokenize='{tokenize}')")
        db.execute("CREATE TABLE meta(id INTEGER PRIMARY KEY, case_key TEXT, charge TEXT, "
                   "year TEXT, date_ord INT, doc_type TEXT)")
        n = 0
        for rowid, text, case_key, charge, date_ord, doc_type in rows:
            body = normalize(text)
            if self.mode == "words":
                body = " ".join(jieba.lcut(body, HMM=False))
            db.execute("INSERT INTO f(rowid, body) VALUES (?, ?)", (rowid, body))
            db.execute("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?)",
                       (rowid, case_key, charge, str(date_ord // 10000), date_ord, doc_type))
            n += 1
        db.execute("CREATE INDEX meta_charge ON meta(charge, date_ord)")
        db.commit()
        db.close()
        return n

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def match_expr(self, terms: list[str]) -> str | None:
        """Return an FTS5 MATCH expression ANDing ``terms``; None if this tokenizer cannot match them."""
        if self.mode == "trigram":
            if any(len(t) < 3 for t in terms):
                return None  # trigram MATCH cannot find strings shorter than 3 characters
            return " AND ".join(_quote(t) for t in terms)
        from search.analysis import _ensure_jieba

        jieba = _ensure_jieba()
        return " AND ".join(_quote(" ".join(jieba.lcut(t, HMM=False))) for t in terms)

    def search(self, terms: list[str], filters: dict[str, object] | None = None) -> tuple[int, list[int]]:
        """``(total, top-10 rowids)``; filters add facets (GROUP BY) like the real search."""
        db = self._db()
        terms = [normalize(t) for t in terms]
        expr = self.match_expr(terms)
        if expr is None:
            # A full scan: the trigram index cannot help (and LIKE '%张某%' on a trigram table
            # returns no rows at all in SQLite 3.40).
            where = " AND ".join("instr(f.body, ?) > 0" for _ in terms)
            params: list[object] = list(terms)
        else:
            where, params = "f MATCH ?", [expr]
        join = ""
        if filters:
            join = " JOIN meta m ON m.id = f.rowid"
            where += " AND m.charge = ? AND m.date_ord BETWEEN ? AND ?"
            params += [filters["charge"], filters["date_from"], filters["date_to"]]
            cases = sorted(filters["cases"])  # type: ignore[call-overload]
            where += f" AND m.case_key IN ({','.join('?' * len(cases))})"
            params += cases
        order = "ORDER BY bm25(f)" if expr is not None else ""
        top = db.execute(
            f"SELECT f.rowid, snippet(f, 0, '', '', '…', 16) FROM f{join} WHERE {where} {order} LIMIT 10",
            params,
        ).fetchall()
        total = db.execute(f"SELECT count(*) FROM f{join} WHERE {where}", params).fetchone()[0]
        if filters:
            for column in ("doc_type", "year", "case_key", "charge"):
                db.execute(
                    f"SELECT m.{column}, count(*) FROM f{join} WHERE {where} GROUP BY m.{column}", params
                ).fetchall()
        return total, [r[0] for r in top]
