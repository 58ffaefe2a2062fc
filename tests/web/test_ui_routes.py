"""The small routes the web pages use: development mode, agencies to transfer to, workload statistics."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.services.users import create_user
from api.state import AppState
from tests.conftest import bearer

POLICE, PROCURATORATE = "北京市公安局朝阳分局", "北京市朝阳区人民检察院"
PASSWORD = "ui-routes-password-1"


def test_mode_is_public_and_says_development(anonymous: TestClient) -> None:
    assert anonymous.get("/api/ui/mode").json() == {"development": True}


def test_web_assets_are_served_and_nothing_else(anonymous: TestClient) -> None:
    for name in ("app.js", "api.js", "cases.js", "search.js", "viewer.js", "review.js", "admin.js", "app.css"):
        response = anonymous.get(f"/assets/{name}")
        assert response.status_code == 200, name
    assert anonymous.get("/assets/app.js").headers["content-type"].startswith("text/javascript")
    assert anonymous.get("/assets/index.html").status_code == 404
    assert anonymous.get("/assets/..%2Fapp.py").status_code == 404


def test_agencies_for_transfer_leave_out_ones_own(state: AppState, anonymous: TestClient) -> None:
    with state.ctx.db.session() as session:
        create_user(session, "ui-clerk", PASSWORD, agency=POLICE, role="clerk")
        create_user(session, "ui-prosecutor", PASSWORD, agency=PROCURATORATE, role="prosecutor")
    names = [a["name"] for a in anonymous.get("/api/ui/agencies", headers=bearer(anonymous, "ui-clerk", PASSWORD)).json()]
    assert PROCURATORATE in names and POLICE not in names
    assert anonymous.get("/api/ui/agencies").status_code == 401


def test_stats_count_uploads_and_pages_per_agency_and_own_people(state: AppState, client: TestClient) -> None:
    with state.ctx.db.session() as session:
        create_user(session, "ui-clerk", PASSWORD, agency=POLICE, role="clerk")
    clerk = bearer(client, "ui-clerk", PASSWORD)
    assert client.post("/api/cases", json={"case_number": "统计案1"}).status_code == 201
    for name in ("a.txt", "b.txt"):
        response = client.post("/api/cases/统计案1/documents", files=[("file", (name, f"{name} 内容".encode(), "text/plain"))])
        assert response.status_code == 201
    # the same file again is a duplicate, not a second upload
    client.post("/api/cases/统计案1/documents", files=[("file", ("a.txt", "a.txt 内容".encode(), "text/plain"))])
    assert client.post("/api/cases", json={"case_number": "统计案2"}, headers=clerk).status_code == 201
    client.post("/api/cases/统计案2/documents", headers=clerk, files=[("file", ("c.txt", b"c", "text/plain"))])

    stats = client.get("/api/ui/stats").json()
    people = {p["username"]: p for p in stats["people"]}
    assert set(people) == {"admin"}  # people of the administrator's own agency only
    assert people["admin"]["documents"] == 2
    assert people["admin"]["pages"] == 2  # one page per text file
    agencies = {a["agency"]: a for a in stats["agencies"]}
    assert agencies[POLICE]["documents"] == 1 and agencies[POLICE]["pages"] == 1  # totals of every agency
    assert "统计案2" not in client.get("/api/ui/stats").text
    # time in each stage: the agencies' processed documents, with an average duration
    stages = {s["agency"]: s for s in stats["stages"]}
    assert stages[POLICE]["documents_processed"] == 1 and stages[POLICE]["processing_seconds_avg"] >= 0
    assert stages[POLICE]["transfers_decided"] == 0 and stages[POLICE]["review_minutes_avg"] is None
    assert client.get("/api/ui/stats", headers=clerk).status_code == 403
    # the route declares its answer, and answers with the keys in the order the page reads them
    declared = client.app.openapi()["paths"]["/api/ui/stats"]["get"]["responses"]["200"]  # type: ignore[attr-defined]
    assert declared["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/WorkloadStatsPublic"}
    assert list(stats) == ["stages", "agencies", "people"]
    assert list(people["admin"]) == ["username", "agency", "documents", "pages", "reviews", "transfers"]
    assert list(stages[POLICE]) == ["agency", "documents_processed", "processing_seconds_avg",
                                    "transfers_decided", "review_minutes_avg"]
