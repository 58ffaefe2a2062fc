"""CPU of one search request's own work, sequential and in-process: the figures behind Load.

`.venv/bin/python -m bench.search.request_cpu [--uploads 300] [--rounds 50] [--repeats 5]`

Builds a data folder the way `bench/load` finds it (the demo dossier loaded by `casefile serve`
and its worker, then ``--uploads`` short text documents, all processed), stops the server, and
then measures in this process, with no HTTP: ``run_search`` (index search, hits, snippets, hit
boxes from the database) for the load benchmark's 8 queries as a user of the demo agency would
send them, and the two reads every request makes before it (the sign-in row and the visible
cases). Each figure is CPU time per call, the least of ``--repeats`` runs of ``--rounds`` rounds,
so other work on the machine counts as little as it can.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.load.run import QUERIES  # noqa: E402
from tests.support.server import clean_env, free_port, start_serve, stop  # noqa: E402


def prepare(data: Path, uploads: int) -> None:
    """The demo dossier plus ``uploads`` text documents, all processed, in ``data``."""
    from sqlalchemy import create_engine, text

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_serve(data, port, clean_env())
    try:
        token = httpx.post(f"{base}/api/auth/token",
                           data={"username": "admin", "password": "casefile-demo"}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        httpx.post(f"{base}/api/cases", json={"case_number": "LOAD-1"}, headers=headers)
        for k in range(uploads):
            body = f"讯问笔录\n问：你叫什么名字？\n答：我叫测试{k}号，{1960 + k % 40}年出生。因为我在超市盗窃了笔记本电脑。"
            httpx.post(f"{base}/api/cases/LOAD-1/documents", headers=headers,
                       files=[("file", (f"u{k}.txt", body.encode(), "text/plain"))])
        engine = create_engine(f"sqlite:///{data / 'casefile.db'}")
        while True:
            with engine.connect() as connection:
                pending = connection.execute(text(
                    "SELECT count(*) FROM documents WHERE status NOT IN ('done', 'failed')")).scalar()
            if not pending:
                break
            time.sleep(2)
        engine.dispose()
    finally:
        stop(server)


def cpu_per_call(call: Callable[[], object], calls: int, repeats: int) -> float:
    """Least CPU milliseconds per call over ``repeats`` runs of ``calls`` calls."""
    for _ in range(max(1, calls // 10)):
        call()  # warm: statement caches, the index reader
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(calls):
            call()
        best = min(best, (time.process_time() - started) / calls * 1000)
    return best


def measure(data: Path, rounds: int, repeats: int) -> dict[str, float]:
    os.environ["CASEFILE_DATA_DIR"] = str(data)
    from api.auth import _SIGNED_IN
    from api.searching import run_search
    from api.sessions import API, open_session
    from api.state import build_state
    from core.settings import Settings
    from models.access import visible_case_ids
    from models.audit import Actor
    from models.tables import User
    from search.base import SearchQuery

    state = build_state(Settings())
    db, index = state.ctx.db, state.ctx.index()
    with db.session() as session:
        admin = session.query(User).filter_by(username="admin").one()
        actor = Actor(username=admin.username, agency=None, role=admin.role, user_id=admin.id,
                      agency_id=admin.agency_id)
        signed_in, _expires = open_session(session, admin.id, API, client=None, minutes=60)
    with db.reading() as connection:
        allowed = visible_case_ids(connection, actor)

    def searches() -> None:
        for q in QUERIES:
            with db.reading() as connection:
                run_search(index, connection, SearchQuery(text=q, allowed_case_ids=allowed))

    def sign_in() -> None:
        with db.reading() as connection:
            _SIGNED_IN.rows(connection, {"session_id": signed_in.session_id})

    def visible() -> None:
        with db.reading() as connection:
            visible_case_ids(connection, actor)

    return {
        "search_ms": cpu_per_call(searches, rounds, repeats) / len(QUERIES),
        "sign_in_us": cpu_per_call(sign_in, rounds * 60, repeats) * 1000,
        "visible_us": cpu_per_call(visible, rounds * 60, repeats) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=50, help="rounds of the 8 queries per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        prepare(data, args.uploads)
        figures = measure(data, args.rounds, args.repeats)
    print(f"load average {os.getloadavg()[0]:.2f}; CPU per call, least of {args.repeats} runs: "
          f"search {figures['search_ms']:.2f} ms, sign-in row {figures['sign_in_us']:.0f} µs, "
          f"visible cases {figures['visible_us']:.0f} µs")


if __name__ == "__main__":
    main()
