"""Issue #17 item 4 in the browser: 撤销上一步 on the case page, and a correction made on a stale page.

A clerk splits an entry off and retypes it, then undoes: a double click on 撤销上一步 takes back one
correction (the button is off while the request runs); undone to the automatic catalogue, the
button is off. Another clerk's correction made meanwhile refuses the first clerk's next one, in
Chinese, telling them to reload, and overwrites nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_issue17_catalogue_edits import VOLUME
from tests.web.conftest import POLICE, Server, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CASE = "京公朝刑立字〔2026〕0418号"
ROWS = "#catalogue-table tbody tr"
UNDO = "button.catalogue-undo"


def _titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(f"{ROWS} td:nth-child(2) a").all_inner_texts()]


def _row(page: Any, first_page: int) -> Any:
    return page.locator(f'{ROWS}[data-first-page="{first_page}"]')


def _rows(page: Any, count: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('{ROWS}').length === {count}", timeout=120_000)


def test_issue17_clerk_undoes_the_last_correction_on_the_case_page(server: Server, page: Any) -> None:
    server.add_user("catundo-clerk", POLICE, "clerk")
    server.add_user("catundo-other", POLICE, "clerk")
    sign_in(page, server.base, "catundo-clerk")
    page.get_by_label("案号").fill(CASE)
    page.get_by_role("button", name="新建案件").click()
    page.get_by_role("heading", name=CASE).wait_for()
    page.locator("#file-picker").set_input_files([
        {"name": "卷二.txt", "mimeType": "text/plain", "buffer": "\f".join(VOLUME).encode()}])
    _rows(page, 4)
    assert page.locator(UNDO).is_disabled()  # nothing corrected yet, nothing to undo

    _row(page, 3).get_by_role("button", name="拆分“讯问笔录”").click()
    page.locator("#split-dialog").wait_for()
    page.locator("#split-page").fill("5")
    page.locator("#split-type").select_option("到案经过")
    page.locator("#split-dialog-ok").click()
    _rows(page, 5)
    _row(page, 5).get_by_role("button", name="改类型“到案经过”").click()
    page.locator("#retype-entry").select_option("常住人口登记表")
    page.locator("#retype-dialog-ok").click()
    page.wait_for_function(f"() => document.querySelector('{ROWS}[data-first-page=\"5\"]')?.textContent.includes('常住人口登记表')")
    assert "改类型" in (page.locator(UNDO).get_attribute("title") or "")

    # a double click takes back one correction, the retype: the split stays
    page.get_by_role("button", name="撤销上一步").dblclick()
    page.wait_for_function(f"() => !document.querySelector('{ROWS}[data-first-page=\"5\"]')?.textContent.includes('常住人口登记表')")
    page.wait_for_timeout(500)
    _rows(page, 5)
    assert "已撤销" in page.locator("#catalogue-msg").inner_text()
    assert _titles(page) == ["起诉意见书", "拘留证", "讯问笔录", "到案经过", "询问笔录"]
    shot(page, "issue17-catalogue-undo")
    page.get_by_role("button", name="撤销上一步").click()
    _rows(page, 4)
    assert _titles(page) == ["起诉意见书", "拘留证", "讯问笔录", "询问笔录"]
    page.wait_for_function(f"() => document.querySelector('{UNDO}')?.disabled === true")

    # another clerk corrects the same catalogue meanwhile: this page's next correction is refused
    with server.api("catundo-other") as other:
        document_id = int(page.locator(ROWS).first.get_attribute("data-document") or 0)
        shown = other.get(f"/api/documents/{document_id}").json()
        moved = other.post(f"/api/documents/{document_id}/catalogue/edits",
                           json={"op": "move", "first_page": 6, "by": -1, "revision": shown["catalogue_revision"]})
        assert moved.status_code == 200, moved.text
        _row(page, 2).get_by_role("button", name="删除“拘留证”").click()
        page.locator("#entry-delete-dialog-ok").click()
        page.locator("#catalogue-msg .error").wait_for()
        assert "刷新页面" in page.locator("#catalogue-msg").inner_text()
        after = other.get(f"/api/documents/{document_id}").json()
        assert [e["first_page"] for e in after["catalogue"]] == [1, 2, 6, 3]  # the move stays, nothing deleted
