"""Issue #17 item 4 / #18 in the browser: a clerk splits and retitles a volume's 卷内目录 entries.

The untitled arrest report on page 5 of the volume is split off the 讯问笔录 it was put in, typed
and retitled; a wrong entry (empty title) is refused in Chinese beside the table; a double click
moves an entry once; at 390 px every correction button is on screen.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_issue17_catalogue_edits import VOLUME
from tests.web.conftest import POLICE, SCREENS, Server, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CASE = "京公朝刑立字〔2026〕0417号"
ROWS = "#catalogue-table tbody tr"


def _titles(page: Any) -> list[str]:
    return [t.strip() for t in page.locator(f"{ROWS} td:nth-child(2) a").all_inner_texts()]


def _row(page: Any, first_page: int) -> Any:
    return page.locator(f'{ROWS}[data-first-page="{first_page}"]')


def test_issue17_clerk_splits_and_retitles_on_the_case_page(server: Server, page: Any) -> None:
    server.add_user("catedit-clerk", POLICE, "clerk")
    sign_in(page, server.base, "catedit-clerk")
    page.get_by_label("案号").fill(CASE)
    page.get_by_role("button", name="新建案件").click()
    page.get_by_role("heading", name=CASE).wait_for()
    page.locator("#file-picker").set_input_files([
        {"name": "卷一.txt", "mimeType": "text/plain", "buffer": "\f".join(VOLUME).encode()}])
    page.wait_for_function("() => document.querySelectorAll('#catalogue-table tbody tr').length === 4", timeout=120_000)
    assert _titles(page) == ["起诉意见书", "拘留证", "讯问笔录", "询问笔录"]
    page.wait_for_function("() => document.querySelector('#checklist li[data-item=\"arrival\"]')?.textContent.includes('✗')")

    # split: page 5 of the 讯问笔录 (pages 3–5) becomes a 到案经过 of its own
    _row(page, 3).get_by_role("button", name="拆分“讯问笔录”").click()
    page.locator("#split-dialog").wait_for()
    page.locator("#split-page").fill("5")
    page.locator("#split-type").select_option("到案经过")
    page.locator("#split-dialog-ok").click()
    page.wait_for_function("() => document.querySelectorAll('#catalogue-table tbody tr').length === 5")
    assert _titles(page) == ["起诉意见书", "拘留证", "讯问笔录", "到案经过", "询问笔录"]
    assert "第 3–4 页" in _row(page, 3).inner_text() and "第 5 页" in _row(page, 5).inner_text()
    assert "已从第 5 页起拆分" in page.locator("#catalogue-msg").inner_text()
    page.wait_for_function("() => document.querySelector('#checklist li[data-item=\"arrival\"]')?.textContent.includes('✓')")

    # retitle, with 文号 and 日期; an empty title is refused in words, nothing changes
    _row(page, 5).get_by_role("button", name="改标题“到案经过”").click()
    page.locator("#entry-title").fill("  ")
    page.locator("#retitle-dialog-ok").click()
    page.locator("#catalogue-msg .error").wait_for()
    assert "文书名称不能为空" in page.locator("#catalogue-msg").inner_text()
    _row(page, 5).get_by_role("button", name="改标题“到案经过”").click()
    page.locator("#entry-title").fill("抓获经过")
    page.locator("#entry-number").fill("京公朝（望）字〔2026〕12号")
    page.locator("#entry-date").fill("2026-03-02")
    page.locator("#retitle-dialog-ok").click()
    page.wait_for_function("() => document.querySelector('#catalogue-table tr[data-first-page=\"5\"]')?.textContent.includes('抓获经过')")
    row = _row(page, 5).inner_text()
    assert "京公朝（望）字〔2026〕12号" in row and "2026-03-02" in row and "已更正" in row
    shot(page, "issue17-catalogue-edits")

    # a double click on 下移 moves the entry once (the buttons are off while the request runs)
    _row(page, 1).get_by_role("button", name="下移“起诉意见书”").dblclick()
    page.wait_for_function("() => document.querySelector('#catalogue-table tbody tr')?.dataset.firstPage === '2'")
    page.wait_for_timeout(500)
    assert _titles(page) == ["拘留证", "起诉意见书", "讯问笔录", "抓获经过", "询问笔录"]

    # at phone width every correction button of an entry is on the screen
    page.set_viewport_size(SCREENS["phone"])
    entry = _row(page, 5)
    entry.scroll_into_view_if_needed()
    for name in ("拆分", "合并", "改类型", "改标题", "上移", "下移", "删除"):
        box = entry.get_by_role("button", name=f"{name}“抓获经过”").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
    shot(page, "issue17-catalogue-edits-phone")
