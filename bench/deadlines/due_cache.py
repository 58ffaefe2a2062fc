"""The due list with and without the per-case report cache (issue 21, item 4).

Run: ``.venv/bin/python -m bench.deadlines.due_cache [--cases 200] [--repeat 3]``.

One 提请批准逮捕书 (two suspects) goes through the real pipeline once; its pages and fact sheet are
copied into ``--cases`` cases of a fresh SQLite database. Then ``api.deadlines.due_within`` over
all of them, as the operator, is timed: without a cache (every case read and computed, as before),
with a cold cache (the first request: the same work plus the version queries), with a warm one
(nothing changed), and warm after one case changed (a custody record added: that case alone is
computed again). Prints one JSON line; milliseconds per case are wall time over the cases listed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.support.server import bearer

REQUEST = """北京市公安局朝阳分局
提请批准逮捕书
京公朝（刑）提捕字〔2026〕21号
犯罪嫌疑人张某，男，1990年1月2日出生，汉族，住北京市朝阳区某路1号。因涉嫌盗窃罪于2026年3月10日被北京市公安局朝阳分局刑事拘留。
犯罪嫌疑人李某某，男，1992年3月4日出生，汉族，住北京市朝阳区某路2号。因涉嫌盗窃罪于2026年4月3日被北京市公安局朝阳分局刑事拘留，同年4月5日经批准延长拘留期限至七日。
经依法侦查查明：2026年3月，犯罪嫌疑人张某、李某某结伙盗窃电动自行车五辆，价值人民币一万元。
依照《中华人民共和国刑事诉讼法》第八十七条之规定，特提请批准逮捕。
此致
北京市朝阳区人民检察院
二〇二六年四月七日
"""


def _timed(run: Any, repeat: int) -> float:
    """Median wall seconds of ``repeat`` runs of ``run()``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from api.app import create_app
    from api.deadline_cache import CaseReportCache
    from api.deadlines import due_within
    from api.state import build_state
    from core.settings import Settings
    from models.access import operator
    from models.tables import Case, CustodyRecord, Document, FactSheetRow, Page

    today = dt.date(2026, 4, 8)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", load_demo=False)
        state = build_state(settings, eager_jobs=True)
        with TestClient(create_app(state=state)) as client:
            client.headers.update(bearer(client, "admin", settings.admin_password))
            client.post("/api/cases", json={"case_number": "（2026）京朝公刑立字第1号"})
            client.post("/api/cases/（2026）京朝公刑立字第1号/documents",
                        files=[("file", ("提请批准逮捕书.txt", REQUEST.encode(), "text/plain"))])
        db = state.ctx.db
        with db.session() as session:
            source = session.scalars(select(Document)).one()
            sheet = session.scalars(select(FactSheetRow)).one().data
            pages = [(p.number, p.text) for p in source.pages]
            for n in range(2, args.cases + 1):
                case = Case(case_number=f"（2026）京朝公刑立字第{n}号", agency_id=source.case.agency_id)
                session.add(case)
                session.flush()
                doc = Document(case_id=case.id, agency_id=source.agency_id, original_name=source.original_name,
                               sha256=source.sha256, media_type=source.media_type, size_bytes=source.size_bytes,
                               page_count=source.page_count, status=source.status, stage=source.stage,
                               document_type=source.document_type)
                session.add(doc)
                session.flush()
                session.add_all([Page(document_id=doc.id, number=number, status="done", text=text)
                                 for number, text in pages])
                session.add(FactSheetRow(document_id=doc.id, data=sheet))
            session.commit()

        actor = operator()
        cache = CaseReportCache()
        listed = 0

        def due(with_cache: CaseReportCache | None) -> None:
            nonlocal listed
            with db.session() as session:
                found = due_within(session, actor, days=7, today=today, warn_days=3, cache=with_cache)
                listed = len(found.cases)

        uncached = _timed(lambda: due(None), args.repeat)
        cold = _timed(lambda: due(CaseReportCache()), args.repeat)
        due(cache)
        warm = _timed(lambda: due(cache), args.repeat)

        def one_changed() -> None:
            with db.session() as session:
                case = session.scalars(select(Case).order_by(Case.id)).first()
                assert case is not None
                session.add(CustodyRecord(case_id=case.id, person="张某", kind="measure", measure="取保候审",
                                          effective_on=today, document_number="bench", recorded_by="bench"))
                session.commit()
            due(cache)

        changed = _timed(one_changed, args.repeat)
        state.ctx.db.dispose()

    per_case = {name: round(1000 * seconds / max(listed, 1), 3)
                for name, seconds in (("uncached", uncached), ("cold", cold), ("warm", warm),
                                      ("one_changed", changed))}
    print(json.dumps({"cases": listed, "repeat": args.repeat, "ms_per_case": per_case,
                      "seconds": {"uncached": round(uncached, 3), "cold": round(cold, 3), "warm": round(warm, 3),
                                  "one_changed": round(changed, 3)},
                      "python": platform.python_version(), "machine": platform.machine()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
