"""Issue 16 in a real browser: the sender withdraws a transfer not yet decided.

The receiver's access to the case ends with it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import POLICE, PROCURATORATE, Server, sign_in, sign_out
from tests.web.test_transfer_review import MATERIALS, OPINION, _upload_and_wait

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

CASE = "京公朝刑立字〔2026〕316号"


def test_issue16_sender_withdraws_a_pending_transfer(server: Server, page: Any) -> None:
    server.add_user("withdraw-clerk", POLICE, "clerk")
    server.add_user("withdraw-prosecutor", PROCURATORATE, "prosecutor")
    sign_in(page, server.base, "withdraw-clerk")
    page.get_by_label("案号").fill(CASE)
    page.get_by_role("button", name="新建案件").click()
    page.get_by_role("heading", name=CASE).wait_for()
    _upload_and_wait(page, {"起诉意见书.txt": OPINION, **MATERIALS}, 1 + len(MATERIALS))
    page.get_by_label("表单").select_option("prosecution_transfer")
    page.get_by_label("接收单位").fill(PROCURATORATE)
    page.get_by_role("button", name="一键流转").click()
    page.locator("#transfer-preview-ok").click()  # the preview before sending (issue #18)
    page.locator("#transfer-sent").wait_for()

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#transfers").get_by_role("button", name="撤回").click()
    page.get_by_text(f"已撤回移送至{PROCURATORATE}").wait_for()
    assert "已撤回" in page.locator("#transfers table").inner_text()
    assert page.locator("#transfers").get_by_role("button", name="撤回").count() == 0
    sign_out(page)

    sign_in(page, server.base, "withdraw-prosecutor")
    status = page.evaluate(
        "n => fetch('/api/cases/' + encodeURIComponent(n), {credentials: 'same-origin'}).then(r => r.status)", CASE)
    assert status == 404
