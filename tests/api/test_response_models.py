"""`GET /api/search` declares its answer (``SearchResultsPublic``), and answers exactly that.

The route returns its JSON as built (no second validation on the event loop), so this holds the
answers to the model: same keys in the same order, same values, nothing the model would drop.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.schemas import SearchResultsPublic
from tests.support.render import render_text_pdf

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASE = "（2026）测试刑初2004号"


def test_search_answers_as_its_declared_model(client: TestClient, tmp_path: Path) -> None:
    text = (FIXTURES / "indictment.txt").read_text(encoding="utf-8")
    pdf = render_text_pdf([text], tmp_path / "起诉书.pdf")
    assert client.post("/api/cases", json={"case_number": CASE, "title": "测试"}).status_code == 201
    uploaded = client.post(f"/api/cases/{CASE}/documents",
                           files=[("file", ("起诉书.pdf", pdf.read_bytes(), "application/pdf"))])
    assert uploaded.status_code == 201, uploaded.text
    for params in ({"q": "便利店"}, {"q": "没有这样的词语组合"}, {"q": "便利店", "sort": "date", "limit": 1}):
        response = client.get("/api/search", params=params)
        assert response.status_code == 200
        body = response.json()
        dumped = SearchResultsPublic.model_validate(body).model_dump(mode="json")
        assert json.dumps(dumped, ensure_ascii=False) == json.dumps(body, ensure_ascii=False)
    assert body["hits"] and body["hits"][0]["boxes"]
    declared = client.app.openapi()["paths"]["/api/search"]["get"]["responses"]["200"]  # type: ignore[attr-defined]
    assert declared["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SearchResultsPublic"}


@pytest.mark.parametrize(("method", "path", "model"), [
    ("get", "/api/auth/me", "MePublic"),
    ("get", "/api/admin/agencies", "AgencyPublic"),
    ("get", "/api/ui/agencies", "AgencyPublic"),
    ("delete", "/api/documents/{document_id}", "DocumentDeleted"),
])
def test_routes_declare_their_answers(client: TestClient, method: str, path: str, model: str) -> None:
    """Routes that answered ``dict[str, Any]`` declare a model; their JSON is unchanged."""
    schema = client.app.openapi()["paths"][path][method]["responses"]["200"]["content"]  # type: ignore[attr-defined]
    declared = schema["application/json"]["schema"]
    assert model in json.dumps(declared), declared


def test_me_and_agencies_answer_as_before(client: TestClient) -> None:
    me = client.get("/api/auth/me").json()
    assert list(me) == ["username", "agency", "agency_kind", "role", "actions", "development"]
    assert me["username"] == "admin" and me["actions"] == sorted(me["actions"])
    assert all(list(a) == ["name", "kind"] for a in client.get("/api/admin/agencies").json())
