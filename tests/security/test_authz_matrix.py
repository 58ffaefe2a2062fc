"""Authorization matrix: every API route × every role × own and foreign case.

Routes come from the application itself, so a new route is covered (or this test fails for want
of a recipe to call it). A user of another agency must get exactly what a missing object gets
(404) and must never see the case in lists, searches, facets or logs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import ROUTERS, create_app
from api.policy import PUBLIC, allowed, api_routes, check_route_policies, route_action
from api.services.users import ROLES, create_user
from api.state import AppState
from models.audit import Actor
from models.tables import Case, FormRecord
from tests.conftest import bearer
from tests.support.render import render_text_pdf

OWN, FOREIGN = "甲市公安局东城分局", "乙市人民检察院"
THIRD = "丙市人民检察院"  # receives the transfer, so that FOREIGN stays a stranger to the case
FOURTH = "丁市人民检察院"  # receives the transfers that the withdraw route takes back
CASE = "（2026）甲公刑立字第77号"
SECRET_NAME = "欧阳秘密"
PASSWORD = "matrix-password-1"
# the world's document has a text layer, so there is no searchable PDF to make of it
# (a password change without a body is refused before anything: changing the world's passwords
# would end the sessions the other cases use)
OWN_EXPECTED = {"/api/documents/{document_id}/searchable.pdf": 409, "/api/auth/password": 422}


@dataclass
class World:
    client: TestClient
    headers: dict[tuple[str, str], dict[str, str]]  # (agency, role) -> auth headers
    document_id: int
    counter: Iterator[int]
    transfer_id: int
    record_id: int


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from api.state import build_state
    from core.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("matrix") / "data", load_demo=False)
    state: AppState = build_state(settings, eager_jobs=True)
    with state.ctx.db.session() as session:
        for agency, role in itertools.product((OWN, FOREIGN), ROLES):
            create_user(session, f"{role}-{'own' if agency == OWN else 'foreign'}", PASSWORD,
                        agency=agency, role=role)
    with TestClient(create_app(state=state)) as client:
        headers = {
            (agency, role): bearer(client, f"{role}-{'own' if agency == OWN else 'foreign'}", PASSWORD)
            for agency, role in itertools.product((OWN, FOREIGN), ROLES)
        }
        clerk = headers[(OWN, "clerk")]
        assert client.post("/api/cases", json={"case_number": CASE}, headers=clerk).status_code == 201
        text = f"起诉意见书\n犯罪嫌疑人{SECRET_NAME}，男，1980年1月1日出生。涉嫌盗窃罪。"
        pdf = render_text_pdf([text], settings.data_dir.parent / "起诉意见书.pdf").read_bytes()
        upload = client.post(f"/api/cases/{CASE}/documents", headers=clerk,
                             files=[("file", ("起诉意见书.pdf", pdf, "application/pdf"))])
        document_id = upload.json()["documents"][0]["id"]
        assert client.get(f"/api/documents/{document_id}", headers=clerk).json()["status"] == "done"
        for name in ("到案经过.txt", "讯问笔录.txt", "询问笔录.txt", "拘留证.txt", "户籍证明.txt"):
            client.post(f"/api/cases/{CASE}/documents", headers=clerk,
                        files=[("file", (name, f"{name}：{SECRET_NAME}".encode(), "text/plain"))])
        with state.ctx.db.session() as session:
            create_user(session, "third-prosecutor", PASSWORD, agency=THIRD, role="prosecutor")
            create_user(session, "fourth-prosecutor", PASSWORD, agency=FOURTH, role="prosecutor")
        sent = client.post(f"/api/cases/{CASE}/transfers", headers=clerk,
                           json={"form_id": "prosecution_transfer", "to_agency": THIRD})
        assert sent.status_code == 201, sent.text
        transfer_id = sent.json()["id"]
        with state.ctx.db.session() as session:
            case = session.scalar(select(Case).where(Case.case_number == CASE))
            assert case is not None
            record = FormRecord(
                case_id=case.id, transfer_id=transfer_id, form_id="prosecution_transfer",
                form_index=0, version=1, defendant=SECRET_NAME, values={"name": SECRET_NAME},
                fields=[], sha256="0" * 64, accepted_by="third-prosecutor",
            )
            session.add(record)
            session.flush()
            record_id = record.id
        yield World(client, headers, document_id, itertools.count(), transfer_id, record_id)
    state.ctx.db.dispose()


def _routes() -> list[APIRoute]:
    return list(api_routes(ROUTERS))


def _call(world: World, route: APIRoute, method: str, headers: dict[str, str]) -> Any:
    n = next(world.counter)
    document_id = world.document_id
    if method == "DELETE":
        # delete a document of its own, so that the shared one stays for the other cases
        upload = world.client.post(
            f"/api/cases/{CASE}/documents", headers=world.headers[(OWN, "clerk")],
            files=[("file", (f"del{n}.txt", f"待删除{n}：{SECRET_NAME}".encode(), "text/plain"))],
        )
        document_id = upload.json()["documents"][0]["id"]
    transfer_id = world.transfer_id
    custody_record_id = 0
    custody = {"person": "矩阵某", "kind": "measure", "measure": "取保候审", "date": "2026-04-01",
               "document_number": f"矩阵〔2026〕{n}号"}
    if "/custody-records/" in route.path:
        # withdraw a record of its own, made by the owner's handler
        made = world.client.post(f"/api/cases/{CASE}/custody-records", json=custody,
                                 headers=world.headers[(OWN, "investigator")])
        custody_record_id = made.json()["id"]
    elif route.path.endswith("/withdraw"):
        # withdraw a transfer of its own, so that the shared one stays pending
        # (to a fourth agency: one pending transfer of a form per receiver; a withdrawal the role
        # may not make leaves its transfer pending, and the next role withdraws that one)
        clerk = world.headers[(OWN, "clerk")]
        sent = world.client.post(f"/api/cases/{CASE}/transfers", headers=clerk,
                                 json={"form_id": "prosecution_transfer", "to_agency": FOURTH})
        if sent.status_code == 409:
            transfer_id = next(t["id"] for t in world.client.get(f"/api/cases/{CASE}/transfers", headers=clerk).json()
                               if t["status"] == "pending" and t["to_agency"] == FOURTH)
        else:
            transfer_id = sent.json()["id"]
    path = route.path.format(
        case_number=CASE, document_id=document_id, number=1, form_id="prosecution_transfer",
        transfer_id=transfer_id, record_id=world.record_id, custody_record_id=custody_record_id,
    )
    if "{" in path:
        pytest.fail(f"no recipe for the path parameters of {route.path}: add one to this test")
    kwargs: dict[str, Any] = {"headers": headers}
    if method == "POST" and route.path == "/api/cases":
        kwargs["json"] = {"case_number": f"（2026）矩阵{n}号"}
    elif method == "POST" and route.path.endswith("/documents"):
        kwargs["files"] = [("file", (f"{n}.txt", f"笔录{n}：{SECRET_NAME}".encode(), "text/plain"))]
    elif method == "POST" and route.path == "/api/admin/users":
        kwargs["json"] = {"username": f"new{n}", "password": PASSWORD, "role": "clerk"}  # their own agency
    elif method == "GET" and route.path == "/api/search":
        kwargs["params"] = {"q": SECRET_NAME}
    elif route.path.endswith("/transfers") and method == "POST":
        kwargs["json"] = {"form_id": "prosecution_transfer", "to_agency": THIRD}
    elif route.path.endswith("/review"):
        kwargs["json"] = {"field": "name", "decision": "accept"}
    elif route.path.endswith("/return"):
        kwargs["json"] = {"reasons": ["补充证据"]}
    elif route.path.endswith("/custody-records"):
        kwargs["json"] = custody
    elif route.path.endswith("/withdraw") and "/custody-records/" in route.path:
        kwargs["json"] = {"reason": "矩阵测试"}
    elif route.path.endswith("/handler") and method == "POST":
        kwargs["json"] = {"username": "investigator-own"}  # a handler of the agency holding the case
    elif route.path.endswith("/triage/decisions"):
        kwargs["json"] = {"decision": "rejected", "procedure": "速裁", "reason": "矩阵测试"}
    elif method == "PATCH" and route.path == "/api/documents/{document_id}":
        kwargs["json"] = {"document_type": "起诉意见书"}
    elif route.path.endswith("/catalogue/edits"):  # a retitle: allowed any number of times
        kwargs["json"] = {"op": "edit", "first_page": 1, "fields": {"title": "起诉意见书"}}
    elif route.path.endswith("/catalogue/undo"):  # a retitle first, so there is one to take back
        world.client.post(path.removesuffix("/undo") + "/edits", headers=headers,
                          json={"op": "edit", "first_page": 1, "fields": {"title": "起诉意见书"}})
    return world.client.request(method, path, **kwargs)


def _cases() -> list[tuple[APIRoute, str]]:
    return [
        (route, method)
        for route in _routes()
        for method in sorted(route.methods or ())
        if route_action(route) != PUBLIC
    ]


@pytest.mark.parametrize(("route", "method"), _cases(), ids=lambda v: getattr(v, "path", v))
@pytest.mark.parametrize("role", ROLES)
def test_route_policy(world: World, route: APIRoute, method: str, role: str) -> None:
    action = route_action(route)
    assert action is not None
    touches_case = any(
        p in route.path for p in ("{case_number}", "{document_id}", "{transfer_id}", "{record_id}",
                                  "{custody_record_id}")
    )
    # the sender withdraws its own transfer; everything else under a transfer is the receiver's
    receiver_only = route.path.startswith("/api/transfers/{transfer_id}/") and not route.path.endswith("/withdraw")
    for agency in (OWN, FOREIGN):
        actor = Actor(username="x", agency=agency, role=role)
        response = _call(world, route, method, world.headers[(agency, role)])
        where = f"{method} {route.path} as {role} of {agency}"
        if not allowed(actor, action):
            assert response.status_code == 403, where
        elif agency == FOREIGN and touches_case:
            assert response.status_code == 404, where
            assert response.json()["code"].endswith("not_found"), where
        elif receiver_only:
            # the sending agency sees its transfer but only the receiving agency reviews it
            assert response.status_code == 403, where
            assert response.json()["code"] == "not_receiver", where
        elif route.path in OWN_EXPECTED:
            assert response.status_code == OWN_EXPECTED[route.path], where
        elif route.path.endswith("/transfers") and method == "POST" and response.status_code == 409:
            # allowed, and the world's transfer is still pending: the business rule answers
            assert response.json()["code"] == "transfer_pending", where
        else:
            assert response.status_code < 400, f"{where}: {response.status_code} {response.text[:300]}"
        if agency == FOREIGN:
            if route.path == "/api/admin/audit" and response.status_code == 200:
                # their own audit log holds what they typed: searches for the name, and their
                # refused attempts at the case's paths (issue 16); never an event of the owner
                assert {e["agency"] for e in response.json()} <= {FOREIGN}, f"{where} leaks events"
            else:
                assert SECRET_NAME not in response.text, f"{where} leaks the case"
                assert CASE not in response.text, f"{where} leaks the case number"
            assert f"document:{world.document_id}" not in response.text, f"{where} leaks"


def test_foreign_search_counts_and_facets_nothing(world: World) -> None:
    for role in ("prosecutor", "clerk", "admin"):
        result = world.client.get("/api/search", params={"q": SECRET_NAME},
                                  headers=world.headers[(FOREIGN, role)]).json()
        assert result["total"] == 0 and result["hits"] == []
        assert all(not counts for counts in result["facets"].values()), result["facets"]
        own = world.client.get("/api/search", params={"q": SECRET_NAME},
                               headers=world.headers[(OWN, role)]).json()
        assert own["total"] >= 1


def test_a_route_without_policy_is_refused() -> None:
    app = FastAPI()
    router = APIRouter()

    @router.get("/api/new-thing")
    def new_thing() -> dict[str, str]:
        return {}

    app.include_router(router)
    with pytest.raises(RuntimeError, match="/api/new-thing"):
        check_route_policies(app)


def test_every_route_declares_a_policy() -> None:
    assert all(route_action(route) for route in _routes())
