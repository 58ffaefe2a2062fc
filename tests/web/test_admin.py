"""The administrator in a real browser: add a user, filter and verify the audit log, workload charts."""

from __future__ import annotations

from typing import Any

import pytest

from core.settings import DEMO_POLICE_AGENCY
from tests.web.conftest import ADMIN, ADMIN_PASSWORD, Server, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_admin_users_audit_and_statistics(server: Server, page: Any) -> None:
    sign_in(page, server.base, ADMIN, ADMIN_PASSWORD)
    page.get_by_role("link", name="用户与单位").first.click()
    page.get_by_label("用户名").fill("new-reviewer")
    assert "至少 10 个字符" in page.locator("#u-pass-rule").inner_text()  # the rule before a failed try
    page.get_by_label("初始密码").fill("short")
    # the administrator's own agency, shown and not chosen (issue 16: own agency only)
    assert page.get_by_label("单位").input_value() == DEMO_POLICE_AGENCY
    assert page.get_by_label("单位").get_attribute("readonly") is not None
    page.get_by_label("角色").select_option("reviewer")
    page.get_by_role("button", name="新建用户").click()
    # the browser's own check (minlength) stops a short password before the server sees it
    assert page.locator("#u-pass").evaluate("el => !el.validity.valid")
    page.get_by_label("初始密码").fill("a-long-enough-password")
    page.get_by_role("button", name="新建用户").click()
    page.get_by_text("已创建用户 new-reviewer").wait_for()
    assert "new-reviewer" in page.locator("#users").inner_text()

    page.locator("nav.tabs").get_by_role("link", name="审计日志").click()
    page.locator("#audit tbody tr").first.wait_for()
    page.get_by_label("操作").select_option("user.create")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_function("() => location.hash.includes('action=user.create')")
    page.locator("#audit tbody tr").first.wait_for()
    rows = page.locator("#audit tbody tr").all_inner_texts()
    assert rows and all("新建用户" in row for row in rows)
    assert any("用户 new-reviewer" in row for row in rows)

    # issue #18: the log in words: outcomes, targets and details, no codes or raw JSON
    page.get_by_label("操作").select_option("")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_function("() => !location.hash.includes('action=')")
    page.locator("#audit tbody tr").first.wait_for()
    for cell in page.locator("#audit tbody td:nth-child(6)").all_inner_texts():
        assert cell and not cell.isascii(), cell  # 成功, 被拒绝, 密码错误 … never ok / refused
    for cell in page.locator("#audit tbody td:nth-child(5), #audit tbody td:nth-child(7)").all_inner_texts():
        assert "{" not in cell and "document:" not in cell and "case:" not in cell, cell
    assert "不连续" in page.locator("#audit-note").inner_text()
    page.get_by_role("button", name="校验审计链").click()
    page.get_by_text("审计链完整").wait_for()
    shot(page, "audit")

    page.locator("nav.tabs").get_by_role("link", name="全口径统计").click()
    page.get_by_role("heading", name="按单位").wait_for()
    agencies = page.locator("#stats-agencies tbody tr").count()
    # one chart per measure for agencies, and per person when the own agency has worked
    expected = (3 if agencies else 0) + (3 if page.locator("#stats-people").count() else 0)
    assert page.locator("svg.chart").count() == expected
    assert "命令行" in page.locator("#stages-note").inner_text()  # why the two counts differ
    # no label is cut: each label's box starts inside the chart
    assert page.evaluate(
        "() => [...document.querySelectorAll('svg.chart text[text-anchor=end]')].every(t => t.getBBox().x >= 0)"
    )
    shot(page, "statistics")
