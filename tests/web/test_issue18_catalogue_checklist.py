"""Issues #17/#18 in the browser: the materials check by type, corrections, the 卷内目录.

✓/✗ per material with the document meeting it, a clerk correcting a type and deleting a
document, and the case's table of contents with its printable PDF.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_issue17_checklist_by_type import SCANNER_NAMED
from tests.web.conftest import POLICE, Server, shot, sign_in
from tests.web.test_transfer_review import OPINION

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CASE = "京公朝刑立字〔2026〕0330号"


def _item(page: Any, name: str) -> Any:
    return page.locator(f'#checklist li[data-item="{name}"]')


def test_issue18_checklist_by_type_retype_delete_and_catalogue(server: Server, page: Any) -> None:
    server.add_user("catalogue-clerk", POLICE, "clerk")
    sign_in(page, server.base, "catalogue-clerk")
    page.get_by_label("案号").fill(CASE)
    page.get_by_role("button", name="新建案件").click()
    page.get_by_role("heading", name=CASE).wait_for()
    files = {"IMG_0001.txt": OPINION, **SCANNER_NAMED, "IMG_0003.txt": "2026年3月2日，民警将李明远抓获。"}
    page.locator("#file-picker").set_input_files([
        {"name": name, "mimeType": "text/plain", "buffer": text.encode()} for name, text in files.items()])
    page.wait_for_function(
        "n => { const r = [...document.querySelectorAll('#documents tbody tr')];"
        " return r.length === n && r.every(x => x.dataset.status === 'done'); }", arg=len(files), timeout=120_000)

    # scanner names, yet typed by their content; the untitled one is missing
    page.wait_for_function("() => document.querySelector('#checklist li[data-item=\"arrival\"]')")
    assert "✓" in _item(page, "interrogation").inner_text() and "IMG_0002.txt" in _item(page, "interrogation").inner_text()
    assert "✗" in _item(page, "arrival").inner_text()
    assert page.locator("#catalogue-table tbody tr").count() == len(files)
    shot(page, "issue18-checklist")

    row = page.locator('#documents tbody tr', has_text="IMG_0003.txt")
    row.locator("select.retype").select_option("到案经过")
    page.wait_for_function("() => document.querySelector('#checklist li[data-item=\"arrival\"]')?.textContent.includes('✓')")
    assert "IMG_0003.txt" in _item(page, "arrival").inner_text()
    assert "已更正" in page.locator('#documents tbody tr', has_text="IMG_0003.txt").inner_text()

    page.locator('#documents tbody tr', has_text="IMG_0006.txt").get_by_role("button", name="删除").click()
    page.locator("#delete-confirm").wait_for()
    page.locator("#delete-confirm-ok").click()
    page.wait_for_function("() => ![...document.querySelectorAll('#documents tbody tr')].some(r => r.textContent.includes('IMG_0006.txt'))")
    page.wait_for_function("() => document.querySelector('#checklist li[data-item=\"evidence\"]')?.textContent.includes('✗')")
    assert page.locator("#catalogue-table tbody tr").count() == len(files) - 1
    shot(page, "issue18-catalogue")

    # the printable 卷内目录 beside the table's heading, as the same signed-in clerk downloads it
    link = page.locator("#catalogue-pdf")
    assert link.inner_text() == "打印卷内目录（PDF）"
    pdf = page.request.get(server.base + link.get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert "_%E5%8D%B7%E5%86%85%E7%9B%AE%E5%BD%95.pdf" in pdf.headers["content-disposition"]  # _卷内目录.pdf
