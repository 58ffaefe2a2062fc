"""``GET /api/cases/{case_number}/deadlines`` on stored documents (issue 21)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.deadlines import documents as docs

CASE = "（2026）京朝公刑立字第21号"


def _upload(client: TestClient, name: str, text: str) -> None:
    response = client.post(
        f"/api/cases/{CASE}/documents",
        files=[("file", (name, text.encode("utf-8"), "application/octet-stream"))],
    )
    assert response.status_code == 201, response.text
    document_id = response.json()["documents"][0]["id"]
    assert client.get(f"/api/documents/{document_id}").json()["status"] == "done"


def test_issue21_case_deadlines_from_stored_documents(client: TestClient) -> None:
    assert client.post("/api/cases", json={"case_number": CASE}).status_code == 201
    _upload(client, "提请批准逮捕书.txt", docs.REQUEST_TWO_SUSPECTS)
    _upload(client, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    response = client.get(f"/api/cases/{CASE}/deadlines", params={"today": "2026-04-08"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["documents"]) == 2
    persons = {p["name"]: p for p in body["persons"]}
    assert set(persons) == {"张某", "李某某", "王某"}
    li = {lim["rule"]: lim for lim in persons["李某某"]["limits"]}
    # 3/10 + 30 days = 4/9 (extended); 4/7 + 7 days = 4/14, 6 days left on 4/8.
    assert li["arrest_request"]["due"] == "2026-04-09"
    assert (li["arrest_decision"]["due"], li["arrest_decision"]["days_left"]) == ("2026-04-14", 6)


def test_issue21_case_deadlines_of_an_unknown_case_is_404(client: TestClient) -> None:
    response = client.get("/api/cases/（2026）无此案/deadlines")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "hint"}


def test_issue21_case_deadlines_bad_date_is_422_json(client: TestClient) -> None:
    assert client.post("/api/cases", json={"case_number": CASE}).status_code == 201
    response = client.get(f"/api/cases/{CASE}/deadlines", params={"today": "4/8"})
    assert response.status_code == 422


def test_issue21_case_deadlines_events_name_their_document(client: TestClient) -> None:
    """The timeline links each event to its page: its evidence names the stored document."""
    assert client.post("/api/cases", json={"case_number": CASE}).status_code == 201
    _upload(client, "提请批准逮捕书.txt", docs.REQUEST_TWO_SUSPECTS)
    body = client.get(f"/api/cases/{CASE}/deadlines").json()
    document_id = body["documents"][0]
    li = next(p for p in body["persons"] if p["name"] == "李某某")
    extension = next(e for e in li["events"] if e["measure"] == "延长")
    assert extension["evidence"]["measure"]["document_id"] == document_id
    assert extension["evidence"]["measure"]["page"] == 1
    detention = next(e for e in li["events"] if e["measure"] == "刑事拘留")
    assert any(part.get("document_id") == document_id for part in detention["evidence"].values()
               if isinstance(part, dict))
    signed = next(e for e in li["events"] if e["measure"] == "提请批准逮捕")
    assert signed["evidence"]["document_id"] == document_id
