"""Issue #21 in the browser: the case page's 办案期限, this week's due dates, and triage.

Dates are written relative to today: the server counts days left against its own today.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest

from tests.web.conftest import POLICE, PROCURATORATE, Server, shot, sign_in, sign_out
from tests.web.test_transfer_review import MATERIALS, OPINION

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CASE = "京公朝刑立字〔2026〕2101号"
RED = "rgb(197, 48, 48)"


def cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def custody_report(today: dt.date) -> str:
    """A police report of three suspects on different clocks.

    Held (due in 2 days), on bail for 400 days (overdue), under residential surveillance for
    30 days (running, not yet due soon).
    """
    return (
        "北京市公安局朝阳分局\n呈请延长拘留期限报告书\n京公朝（刑）呈字〔2026〕901号\n"
        f"犯罪嫌疑人孙某某，男，1990年5月6日出生，汉族，住北京市朝阳区某街1号。因涉嫌盗窃罪于{cn(today - dt.timedelta(days=1))}"
        "被北京市公安局朝阳分局刑事拘留，现羁押于北京市朝阳区看守所。\n"
        f"犯罪嫌疑人钱某，男，1988年2月3日出生，汉族，住北京市朝阳区某路2号。因涉嫌盗窃罪于{cn(today - dt.timedelta(days=400))}"
        "被北京市公安局朝阳分局取保候审。\n"
        f"犯罪嫌疑人李某，男，1991年3月3日出生，汉族，住北京市朝阳区某路5号。因涉嫌盗窃罪于{cn(today - dt.timedelta(days=30))}"
        "被北京市公安局朝阳分局监视居住。\n"
        "经依法侦查查明：犯罪嫌疑人孙某某、钱某、李某结伙在北京市朝阳区某小区内盗窃电动自行车三辆，价值人民币四千元。\n"
        "此致\n北京市朝阳区人民检察院\n"
    )


def _open_case_with(page: Any, files: dict[str, str]) -> None:
    page.get_by_label("案号").fill(CASE)
    page.get_by_role("button", name="新建案件").click()
    page.get_by_role("heading", name=CASE).wait_for()
    page.locator("#file-picker").set_input_files([
        {"name": name, "mimeType": "text/plain", "buffer": text.encode()} for name, text in files.items()])
    page.wait_for_function(
        "n => { const r = [...document.querySelectorAll('#documents tbody tr')];"
        " return r.length === n && r.every(x => x.dataset.status === 'done'); }", arg=len(files), timeout=120_000)


def test_issue21_case_page_timeline(server: Server, page: Any) -> None:
    today = dt.date.today()
    server.add_user("timeline-clerk", POLICE, "clerk")
    sign_in(page, server.base, "timeline-clerk")
    _open_case_with(page, {"报告书.txt": custody_report(today)})
    page.get_by_role("heading", name="办案期限").wait_for()
    box = page.locator("#deadlines")
    box.locator(".deadline-person").first.wait_for()
    assert box.locator(".deadline-person").count() == 3

    # held: 3 days from the day after detention, never moved for a holiday; due soon and due next
    held = box.locator('.deadline-person[data-person="孙某某"] tr[data-rule="arrest_request"]')
    due = (today + dt.timedelta(days=2)).isoformat()
    assert due in held.inner_text() and "2 日" in held.inner_text() and "刑事诉讼法第九十一条" in held.inner_text()
    assert set(held.get_attribute("class").split()) >= {"due-soon", "due-next"}
    assert "孙某某" in page.locator("#deadline-next").inner_text() and due in page.locator("#deadline-next").inner_text()

    # 取保候审 for 400 days: past its 12 months, in red
    overdue = box.locator('.deadline-person[data-person="钱某"] tr[data-rule="bail_max"]')
    assert "overdue" in overdue.get_attribute("class").split()
    assert "已超期" in overdue.inner_text() and "刑事诉讼法第七十九条" in overdue.inner_text()
    assert overdue.locator("td").first.evaluate("el => getComputedStyle(el).color") == RED
    assert "钱某" in page.locator("#deadline-overdue").inner_text()

    # running, neither soon nor next
    running = box.locator('.deadline-person[data-person="李某"] tr[data-rule="residence_max"]')
    assert not {"due-soon", "due-next", "overdue"} & set(running.get_attribute("class").split())
    assert "进行中" in running.inner_text()
    box.scroll_into_view_if_needed()
    shot(page, "issue21-timeline")

    # each event links to its page, as the fact sheet does
    event = box.locator('.deadline-person[data-person="孙某某"] tr[data-measure="刑事拘留"] a')
    assert event.get_attribute("href").startswith("#/page/")
    event.click()
    page.wait_for_url("**/#/page/**")


def _due_rows(page: Any, case: str) -> dict[tuple[str, str], Any]:
    """The rows of the due list of ``case`` by (person, rule); other tests' cases may be listed too."""
    page.locator("#due-table").wait_for()
    rows = page.locator(f'#due-table tbody tr[data-case="{case}"]')
    return {(r.get_attribute("data-person"), r.get_attribute("data-rule")): r for r in rows.all()}


def test_issue21_due_this_week_for_clerk_and_prosecutor(server: Server, page: Any) -> None:
    today = dt.date.today()
    case = "京公朝刑立字〔2026〕2102号"
    server.add_user("due-clerk", POLICE, "clerk")
    server.add_user("due-prosecutor", PROCURATORATE, "prosecutor")
    clerk = server.api("due-clerk")
    assert clerk.post("/api/cases", json={"case_number": case}).status_code == 201
    # the custody report, and what a transfer to the procuratorate needs
    files = {"报告书.txt": custody_report(today), "起诉意见书.txt": OPINION, **MATERIALS}
    ids = [clerk.post(f"/api/cases/{case}/documents", files=[("file", (name, text.encode(), "text/plain"))])
           .json()["documents"][0]["id"] for name, text in files.items()]
    for _ in range(480):
        if all(clerk.get(f"/api/documents/{i}").json()["status"] == "done" for i in ids):
            break
        time.sleep(0.5)
    sign_in(page, server.base, "due-clerk")
    rows = _due_rows(page, case)
    # due in 2 days and overdue are listed; 监视居住 for 30 of its 6 months is not
    assert ("孙某某", "arrest_request") in rows and ("钱某", "bail_max") in rows
    assert ("李某", "residence_max") not in rows
    assert "due-soon" in rows[("孙某某", "arrest_request")].get_attribute("class").split()
    assert rows[("钱某", "bail_max")].locator("td").nth(1).evaluate("el => getComputedStyle(el).color") == RED
    page.locator("#due-list").scroll_into_view_if_needed()
    shot(page, "issue21-due-clerk")

    # a prosecutor sees a case once it is sent to them, and nothing of it before
    sign_out(page)
    sign_in(page, server.base, "due-prosecutor")
    page.wait_for_function("() => (document.querySelector('#due-list') && !document.querySelector('#due-list .loading'))"
                           " || document.querySelector('main').textContent.includes('还没有案件')")
    assert page.locator(f'#due-table tr[data-case="{case}"]').count() == 0
    transfer = clerk.post(f"/api/cases/{case}/transfers",
                          json={"form_id": "prosecution_transfer", "to_agency": PROCURATORATE})
    assert transfer.status_code == 201, transfer.text
    page.reload()
    rows = _due_rows(page, case)
    # the transfer itself (移送审查起诉, today) is on the timeline: it ends the request limit of
    # 孙某某 in time, and starts the review, due in a month, not this week
    assert ("钱某", "bail_max") in rows and ("孙某某", "arrest_request") not in rows
    rows[("钱某", "bail_max")].get_by_role("link", name="取保候审最长期限").click()
    page.get_by_role("heading", name="办案期限").wait_for()


def test_issue21_triage_on_the_case_page(server: Server, page: Any) -> None:
    from tests.deadlines.documents import DRUNK_DRIVING_INDICTMENT

    case = "京朝检刑诉〔2026〕2103号"
    server.add_user("triage-prosecutor", PROCURATORATE, "prosecutor")
    sign_in(page, server.base, "triage-prosecutor")
    page.get_by_label("案号").fill(case)
    page.get_by_role("button", name="新建案件").click()
    page.get_by_role("heading", name=case).wait_for()
    page.locator("#file-picker").set_input_files([
        {"name": "起诉书.txt", "mimeType": "text/plain", "buffer": DRUNK_DRIVING_INDICTMENT.encode()}])
    page.wait_for_function("() => document.querySelector('#triage-candidate')?.textContent.includes('速裁')",
                           timeout=120_000)
    triage = page.locator("#triage")
    plea = triage.locator('#triage-reasons li[data-id="guilty_plea"]')
    assert "刑事诉讼法第二百二十二条" in plea.inner_text()
    assert plea.locator("a").get_attribute("href").startswith("#/page/")
    assert triage.locator("#triage-blocking").count() == 0
    assert "尚未确认" in triage.locator("#triage-decision").inner_text()

    # a reason is required; then the decision is stored and shown, the latest standing
    triage.get_by_role("button", name="确认适用").click()
    triage.locator(".error").wait_for()
    triage.get_by_label("理由").fill("认罪认罚，事实清楚，证据充分")
    triage.get_by_role("button", name="确认适用").click()
    page.wait_for_function("() => document.querySelector('#triage-decision').textContent.includes('确认适用速裁程序')")
    assert "认罪认罚，事实清楚，证据充分" in triage.locator("#triage-decision").inner_text()
    assert "triage-prosecutor" in triage.locator("#triage-decision").inner_text()
    triage.get_by_label("理由").fill("被害人提起附带民事诉讼，尚未达成调解")
    triage.get_by_role("button", name="否定适用").click()
    page.wait_for_function("() => document.querySelector('#triage-decision').textContent.includes('否定适用速裁程序')")
    assert triage.locator("#triage-history li").count() == 2
    triage.scroll_into_view_if_needed()
    shot(page, "issue21-triage")
