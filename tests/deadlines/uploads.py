"""Uploading a text document through the API in the deadline tests (the eager pipeline is done on return)."""

from __future__ import annotations

from fastapi.testclient import TestClient


def upload_done(client: TestClient, case: str, name: str, text: str) -> int:
    """Create ``case``, upload ``text`` as ``name`` into it, check it was processed; its document id."""
    assert client.post("/api/cases", json={"case_number": case}).status_code == 201
    response = client.post(f"/api/cases/{case}/documents",
                           files=[("file", (name, text.encode("utf-8"), "application/octet-stream"))])
    assert response.status_code == 201, response.text
    document_id = int(response.json()["documents"][0]["id"])
    assert client.get(f"/api/documents/{document_id}").json()["status"] == "done"
    return document_id
