"""Issue #21 in the browser: recorded extensions, the 办案期限 page and the 繁简分流 board.

A handler records an extension on the case page, the 办案期限 page filters what is due, and the
繁简分流 board takes a decision.

Dates are written relative to today: the server counts days left against its own today.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from tests.deadlines import documents as docs
from tests.web.conftest import ADMIN, ADMIN_PASSWORD, POLICE, Server, shot, sign_in
from tests.web.test_issue21_timeline import RED, custody_report

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CASE = "京公朝刑立字〔2026〕2151号"
FAST = "京公朝刑立字〔2026〕2152号"


def _upload(client: Any, case: str, name: str, text: str) -> None:
    assert client.post("/api/cases", json={"case_number": case}).status_code == 201
    document_id = client.post(f"/api/cases/{case}/documents", files=[("file", (name, text.encode(), "text/plain"))]
                              ).json()["documents"][0]["id"]
    for _ in range(480):
        if client.get(f"/api/documents/{document_id}").json()["status"] == "done":
            return
        time.sleep(0.5)
    raise AssertionError(f"document {document_id} not processed")


def test_issue21_record_extension_due_page_and_board(server: Server, page: Any) -> None:
    today = dt.date.today()
    server.add_user("board-investigator", POLICE, "investigator")
    handler = server.api("board-investigator")
    _upload(handler, CASE, "报告书.txt", custody_report(today))
    _upload(handler, FAST, "起诉书.txt", docs.DRUNK_DRIVING_INDICTMENT)
    sign_in(page, server.base, "board-investigator")

    # 孙某某 detained yesterday: 3 days (art. 91) → due in 2 days; the handler records the 30-day
    # extension (流窜作案) with its 文号: yesterday + 30 days
    page.goto(f"{server.base}/#/case/{CASE}")
    row = page.locator('.deadline-person[data-person="孙某某"] tr[data-rule="arrest_request"]')
    row.wait_for()
    assert (today + dt.timedelta(days=2)).isoformat() in row.inner_text()
    page.get_by_label("姓名").fill("孙某某")
    page.locator("#record-kind").select_option("extension")
    page.locator("#record-extension").select_option("arrest_request_30")
    page.get_by_label("决定日期").fill(today.isoformat())
    page.get_by_label("文号").fill("京公朝（刑）延拘字〔2026〕51号")
    page.locator("#record-submit").click()
    page.locator("#custody-records li").first.wait_for()
    extended = (today - dt.timedelta(days=1) + dt.timedelta(days=30)).isoformat()
    page.wait_for_function("d => document.querySelector('.deadline-person[data-person=\"孙某某\"] tr[data-rule=\"arrest_request\"]')"
                           ".textContent.includes(d)", arg=extended)
    assert "京公朝（刑）延拘字〔2026〕51号" in page.locator("#custody-records").inner_text()
    assert "流窜作案" in page.locator("#custody-records").inner_text()
    shot(page, "issue21-custody-record")

    # the 办案期限 page: within 7 days the extended limit is gone; 钱某's bail (400 days) is overdue, red
    page.get_by_role("link", name="办案期限").click()
    page.locator("#due-page-table").wait_for()
    rows = page.locator(f'#due-page-table tbody tr[data-case="{CASE}"]')
    keys = {(r.get_attribute("data-person"), r.get_attribute("data-rule")) for r in rows.all()}
    assert ("钱某", "bail_max") in keys and ("孙某某", "arrest_request") not in keys
    overdue = page.locator(f'#due-page-table tr[data-case="{CASE}"][data-rule="bail_max"]')
    assert overdue.locator("td").nth(4).evaluate("el => getComputedStyle(el).color") == RED
    assert "board-investigator" in overdue.inner_text() and POLICE in overdue.inner_text()
    # 我经办的: only the case the handler recorded on (the drunk driving case's trial is not theirs)
    page.locator("#due-scope").select_option("me")
    page.wait_for_function("() => !document.querySelector('#due-page .loading') && document.querySelector('#due-page-table')")
    cases = {r.get_attribute("data-case") for r in page.locator("#due-page-table tbody tr").all()}
    assert cases == {CASE}
    shot(page, "issue21-due-page")
    # by agency: the police station holds both cases
    page.locator("#due-scope").select_option("agency")
    page.wait_for_function("() => !document.querySelector('#due-page .loading') && document.querySelector('#due-page-table')")
    assert page.locator("#due-agency").input_value() == POLICE

    # the board: the drunk driving case is a 速裁 candidate, its plea linked to its page; confirmed here
    page.get_by_role("link", name="繁简分流").click()
    item = page.locator(f'.board-item[data-case="{FAST}"]')
    item.wait_for()
    assert "可适用速裁程序" in item.inner_text()
    assert item.locator(".board-reasons a").first.get_attribute("href").startswith("#/page/")
    item.locator("textarea").fill("认罪认罚，事实清楚，证据充分")
    item.locator(".board-confirm").click()
    page.wait_for_function(f"() => document.querySelector('.board-item[data-case=\"{FAST}\"] .board-decision.ok')")
    assert "board-investigator" in item.locator(".board-decision").inner_text()
    shot(page, "issue21-triage-board")


def test_issue21_stage_days_on_the_statistics_page(server: Server, page: Any) -> None:
    # 王某: 起诉 2月10日, 判决 2月24日 under 速裁: 14 days, in the fast-track row
    admin = server.api(ADMIN, ADMIN_PASSWORD)
    _upload(admin, "（2026）京朝法刑初字第2153号", "判决书.txt", docs.JUDGMENT_FAST_TRACK)
    sign_in(page, server.base, ADMIN, ADMIN_PASSWORD)
    page.goto(f"{server.base}/#/admin/stats")
    row = page.locator('#stats-stage-days tr[data-track="快速"]').first
    row.wait_for()
    assert row.locator('td[data-stage="indictment_to_verdict"]').inner_text().startswith("14")
    page.locator("#stage-days").scroll_into_view_if_needed()
    shot(page, "issue21-stage-days")
