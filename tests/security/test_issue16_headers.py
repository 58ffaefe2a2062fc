"""Issue 16, item 15: a strict Content-Security-Policy and the other browser headers.

The framing, sniffing and referrer headers are on every response, and the pages need nothing the
policy refuses. That the pages work under the policy is checked in the browser tests (tests/web: any CSP violation
on the console fails them; the hit boxes on a page image are placed through the CSSOM).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.web import WEB_DIR
from api.state import AppState

EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def _policy(header: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip().partition(" ")[2] for d in header.split(";") if d.strip()}


def _check(response) -> None:  # noqa: ANN001
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    policy = _policy(response.headers["content-security-policy"])
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    for directive in ("script-src", "style-src"):
        assert policy[directive] == "'self'", directive
    assert "unsafe" not in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/assets/app.js"),
        ("GET", "/assets/app.css"),
        ("GET", "/healthz"),
        ("GET", "/api/ui/mode"),
        ("GET", "/api/me"),  # 401
        ("GET", "/no/such/page"),  # 404
        ("POST", "/api/auth/token"),  # 422
    ],
)
def test_issue16_security_headers_on_every_response(anonymous: TestClient, method: str, path: str) -> None:
    _check(anonymous.request(method, path))


def test_issue16_security_headers_on_signed_in_and_refused_requests(client: TestClient) -> None:
    _check(client.get("/api/cases"))
    _check(client.post("/api/cases", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                       headers={"Content-Type": "application/json"}))  # refused by the body guard


def test_issue16_security_headers_on_an_unexpected_error(state: AppState) -> None:
    app = create_app(state=state)

    @app.get("/boom", include_in_schema=False)
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as anonymous:
        response = anonymous.get("/boom")
    assert response.status_code == 500
    _check(response)


def test_issue16_the_pages_need_no_inline_code_or_style() -> None:
    """None of what a strict policy refuses: inline script or style, handler attributes, ...

    ... style attributes set as text, code built from strings.
    """
    html = (WEB_DIR / "index.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline <script>"
    assert "<style" not in html and "style=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "event-handler attribute"
    for path in WEB_DIR.glob("*.js"):
        code = path.read_text()
        assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML\(", code), path.name
        assert not re.search(r"\beval\(|new Function\(|setTimeout\(\s*[\"'`]", code), path.name
        assert not re.search(r"setAttribute\(\s*[\"']style[\"']", code), path.name
        # h(tag, {style: "…"}) becomes a style attribute; {style: {…}} goes through the CSSOM
        assert not re.search(r"\bstyle:\s*[\"'`]", code), path.name
