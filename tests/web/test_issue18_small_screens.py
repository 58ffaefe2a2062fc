"""Issue #18: every screen usable on a phone (390×844) and a tablet (768×1024), with screenshots.

Checked as a person would meet it: the page never scrolls sideways, the header is a strip and
not a third of the screen, menu words stay whole, search results get the width, and the
reviewer's buttons are on screen (the review table becomes one card per field).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.demo import DEMO_CASE, DEMO_CLERK_USER, DEMO_RECEIVER_AGENCY, DEMO_RECEIVER_USER
from tests.web.conftest import (
    ADMIN_PASSWORD,
    SCREENS,
    Server,
    assert_no_sideways_scroll,
    screen_tab,
    shot,
    sign_in,
)
from tests.web.test_prosecutor_search import wait_for_demo

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

@pytest.fixture(params=["phone", "tablet"])
def small(browser: Any, request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    with screen_tab(browser, request, request.param) as tab:
        yield request.param, tab


def _fits(tab: Any, where: str) -> None:
    assert_no_sideways_scroll(tab, where)
    header = tab.locator("header").bounding_box()
    assert header["height"] <= 0.16 * tab.evaluate("innerHeight"), f"{where}: header {header['height']} px"
    for link in tab.locator("#nav a").all():
        assert link.bounding_box()["height"] < 40, f"{where}: menu word broken over lines"


def _transfer_id(server: Server) -> int:
    with server.api(DEMO_CLERK_USER, ADMIN_PASSWORD) as client:
        existing = client.get(f"/api/cases/{DEMO_CASE}/transfers").json()
        pending = [t for t in existing if t["status"] == "pending"]
        if pending:
            return int(pending[0]["id"])
        sent = client.post(f"/api/cases/{DEMO_CASE}/transfers",
                           json={"form_id": "prosecution_transfer", "to_agency": DEMO_RECEIVER_AGENCY})
        assert sent.status_code == 201, sent.text
        return int(sent.json()["id"])


def _send_by_hand(server: Server, tab: Any, size: str) -> None:
    """The demo's hand-over as a newcomer does it, on this screen: 一键流转, preview, confirm."""
    sign_in(tab, server.base, DEMO_CLERK_USER, ADMIN_PASSWORD)
    tab.goto(f"{server.base}/#/case/{DEMO_CASE}")
    tab.locator("#transfer-form").wait_for()
    tab.get_by_label("接收单位").fill(DEMO_RECEIVER_AGENCY)
    tab.get_by_role("button", name="一键流转").click()
    ok = tab.locator("#transfer-preview-ok")
    ok.wait_for()
    box = ok.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= SCREENS[size]["width"], "the confirm button off screen"
    _fits(tab, "preview")
    shot(tab, f"{size}-preview")
    ok.click()
    tab.locator("#transfer-sent").wait_for()
    tab.locator("#sign-out").click()


def test_issue18_screens_fit_small_screens(server: Server, small: tuple[str, Any]) -> None:
    size, tab = small
    wait_for_demo(server)
    with server.api(DEMO_CLERK_USER, ADMIN_PASSWORD) as client:
        pending = [t for t in client.get(f"/api/cases/{DEMO_CASE}/transfers").json() if t["status"] == "pending"]
    if not pending:
        _send_by_hand(server, tab, size)
    transfer = _transfer_id(server)

    sign_in(tab, server.base, DEMO_RECEIVER_USER, ADMIN_PASSWORD)
    _fits(tab, "cases")
    shot(tab, f"{size}-cases")

    tab.goto(f"{server.base}/#/search?q=王晓丽")
    tab.locator(".hit").first.wait_for()
    _fits(tab, "search")
    hit = tab.locator(".hit").first.bounding_box()
    assert hit["width"] >= min(0.7 * SCREENS[size]["width"], 400), f"results squeezed to {hit['width']} px"
    shot(tab, f"{size}-search")

    tab.locator(".hit a.hit-link").first.click()
    tab.locator(".page-wrap .box").first.wait_for()
    tab.wait_for_function("() => { const i = document.querySelector('.page-wrap img'); return i && i.complete && i.naturalWidth > 0; }")
    _fits(tab, "viewer")
    image = tab.locator(".page-wrap img").bounding_box()
    assert image["x"] >= 0 and image["x"] + image["width"] <= SCREENS[size]["width"] + 1
    assert image["height"] > image["width"]  # the whole page shown, upright (A4 is taller than wide)
    shot(tab, f"{size}-viewer")

    tab.goto(f"{server.base}/#/transfer/{transfer}")
    tab.locator("table.review").first.wait_for()
    _fits(tab, "review")
    row = tab.locator("table.review tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"  # a card per field
    for button in tab.locator("table.review tbody tr").first.get_by_role("button").all():
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= SCREENS[size]["width"], "a review button off screen"
    shot(tab, f"{size}-review")
