"""Issue #21 in the browser: the 承办人 assigned on the case page, the due list and the statistics per handler.

A clerk of the agency holding the case assigns its handler; the 办案期限 page shows the assigned
handler; the statistics page lists the days per stage of each handler, as a table and charts.
Run at 1366 px and at 390 px (a phone), where the page must not scroll sideways.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from tests.deadlines import documents as docs
from tests.web.conftest import (
    POLICE,
    Server,
    assert_no_sideways_scroll,
    screen_tab,
    shot,
    sign_in,
    sign_out,
)
from tests.web.test_issue21_due_and_board import _upload
from tests.web.test_issue21_timeline import custody_report

pytestmark = [pytest.mark.browser, pytest.mark.integration]

@pytest.fixture(params=["desktop", "phone"])
def sized(browser: Any, request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    """A fresh context at the size; page errors and CSP violations fail the test."""
    with screen_tab(browser, request, request.param) as tab:
        yield request.param, tab


def test_issue21_assign_handler_due_list_and_statistics(server: Server, sized: tuple[str, Any]) -> None:
    size, page = sized
    today = dt.date.today()
    clerk, investigator, admin = f"hb-clerk-{size}", f"hb-investigator-{size}", f"hb-admin-{size}"
    case = f"京公朝刑立字〔2026〕{2181 if size == 'desktop' else 2182}号"
    server.add_user(clerk, POLICE, "clerk")
    server.add_user(investigator, POLICE, "investigator")
    server.add_user(admin, POLICE, "admin")  # the statistics page is the administrator's, of their agency
    api = server.api(investigator)
    _upload(api, case, "报告书.txt", custody_report(today))
    # 赵某: 拘留 2026年1月5日 → 逮捕 1月15日: 10 days, a stage of the police
    document_id = api.post(f"/api/cases/{case}/documents", files=[
        ("file", ("起诉书.txt", docs.RETURNED_INDICTMENT.encode(), "text/plain"))]).json()["documents"][0]["id"]

    # the clerk assigns the investigator on the case page
    sign_in(page, server.base, clerk)
    page.goto(f"{server.base}/#/case/{case}")
    current = page.locator("#case-handler-current")
    current.wait_for()
    assert "尚未指定" in current.inner_text()
    page.locator("#handler-select").select_option(investigator)
    page.locator("#handler-assign").click()
    page.wait_for_function("n => document.querySelector('#case-handler-current').textContent.includes('承办人：' + n)",
                           arg=investigator)
    assert clerk in current.inner_text() and POLICE in current.inner_text()
    assert page.locator("#handler-assign").inner_text() == "更换承办人"
    assert_no_sideways_scroll(page, f"case page at {size}")
    shot(page, f"issue21-handler-assign-{size}")

    # the 办案期限 page names the assigned handler, not the users who acted
    page.goto(f"{server.base}/#/due")
    page.locator("#due-page-table").wait_for()
    cells = page.locator(f'#due-page-table tbody tr[data-case="{case}"] td[data-source]')
    assert cells.count() >= 1
    assert {c.get_attribute("data-source") for c in cells.all()} == {"assigned"}
    assert all(c.inner_text() == investigator for c in cells.all())
    assert_no_sideways_scroll(page, f"due page at {size}")
    shot(page, f"issue21-handler-due-{size}")
    mine = api.get("/api/deadlines/due", params={"handler": "me", "days": 7}).json()
    assert case in {item["case_number"] for item in mine["limits"]}

    # the statistics page: the investigator's row counts the police's stages
    for _ in range(240):
        if api.get(f"/api/documents/{document_id}").json()["status"] == "done":
            break
        page.wait_for_timeout(500)
    sign_out(page)
    sign_in(page, server.base, admin)
    page.goto(f"{server.base}/#/admin/stats")
    row = page.locator(f'#stats-handler-days tr[data-handler="{investigator}"][data-track="普通"]')
    row.wait_for()
    assert row.locator('td[data-stage="detention_to_arrest"]').inner_text().startswith("10")
    assert row.locator('td[data-stage="review_to_indictment"]').inner_text() == "—"
    charts = page.locator("#handler-charts figure")
    assert charts.count() >= 1
    assert investigator in page.locator("#handler-charts").inner_text()
    page.locator("#handler-days").scroll_into_view_if_needed()
    assert_no_sideways_scroll(page, f"statistics page at {size}")
    shot(page, f"issue21-handler-stats-{size}")
