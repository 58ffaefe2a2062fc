"""一键流转 in a real browser: send with a checklist error, receive, review, correct, accept, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.test_forms_workflow import MATERIALS, OPINION
from tests.web.conftest import POLICE, PROCURATORATE, Server, shot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

# what the reviewer types for a required field the pre-fill could not settle
TRUTH = {
    "李明远": {"name": "李明远", "gender": "男", "birth_date": "1988-03-15", "ethnicity": "汉族",
            "id_number": "110105198803152710", "charges": "盗窃罪"},
    "王晓丽": {"name": "王晓丽", "gender": "女", "birth_date": "1992-11-07", "ethnicity": "汉族",
            "id_number": "110105199211074223", "charges": "掩饰、隐瞒犯罪所得罪"},
}
CASE = "京公朝刑立字〔2026〕302号"


def _upload_and_wait(page: Any, files: dict[str, str], expected_rows: int) -> None:
    page.locator("#file-picker").set_input_files([
        {"name": name, "mimeType": "text/plain", "buffer": text.encode()} for name, text in files.items()
    ])
    page.wait_for_function(
        "n => { const r = [...document.querySelectorAll('#documents tbody tr')];"
        " return r.length === n && r.every(x => x.dataset.status === 'done'); }",
        arg=expected_rows, timeout=120_000,
    )


def _correct(page: Any, row: Any, value: str, reason: str) -> None:
    field = row.get_attribute("data-field")
    form = row.get_attribute("data-form")
    row.get_by_role("button", name="更正", exact=True).click()
    row.locator(f'[id="f{form}-{field}-value"]').fill(value)
    row.locator(f'[id="f{form}-{field}-reason"]').fill(reason)
    row.get_by_role("button", name="保存更正").click()
    page.locator(f'tr[data-form="{form}"][data-field="{field}"].field-correct').wait_for()


def test_transfer_review_correct_accept_and_export(server: Server, page: Any, tmp_path: Path) -> None:
    server.add_user("transfer-clerk", POLICE, "clerk")
    server.add_user("transfer-prosecutor", PROCURATORATE, "prosecutor")

    sign_in(page, server.base, "transfer-clerk")
    page.get_by_label("案号").fill(CASE)
    page.get_by_role("button", name="新建案件").click()
    page.get_by_role("heading", name=CASE).wait_for()
    _upload_and_wait(page, {"起诉意见书.txt": OPINION}, 1)

    # issue #18: the form the case's stage calls for is chosen (arrested: 移送审查起诉), and only
    # the forms a police unit sends are offered
    page.reload()
    page.locator("#transfer-form").wait_for()
    assert page.locator("#transfer-form").input_value() == "prosecution_transfer"
    assert set(page.locator("#transfer-form option").evaluate_all("os => os.map(o => o.value)")) == {
        "arrest_request", "prosecution_transfer"}
    page.get_by_label("表单").select_option("prosecution_transfer")
    page.get_by_label("接收单位").fill(PROCURATORATE)
    page.get_by_role("button", name="一键流转").click()
    error = page.locator("#transfer-msg .error")
    error.wait_for()
    assert "移送材料不齐全" in error.inner_text() and "到案经过" in error.inner_text()
    shot(page, "transfer-incomplete")

    _upload_and_wait(page, MATERIALS, 1 + len(MATERIALS))
    page.get_by_label("表单").select_option("prosecution_transfer")
    page.get_by_label("接收单位").fill(PROCURATORATE)
    # issue #18: a preview of the form before sending; a double click opens it once
    page.get_by_role("button", name="一键流转").dblclick()
    preview = page.locator("#transfer-preview")
    preview.wait_for()
    assert page.locator("dialog#transfer-preview").count() == 1
    assert "李明远" in preview.inner_text() and "犯罪嫌疑人姓名" in preview.inner_text() and PROCURATORATE in preview.inner_text()
    shot(page, "transfer-preview")
    page.locator("#transfer-preview-cancel").click()  # back to the case: nothing sent
    assert page.locator("#transfer-preview").count() == 0 and page.locator("#transfer-sent").count() == 0
    page.get_by_role("button", name="一键流转").click()
    page.locator("#transfer-preview-ok").dblclick()
    assert PROCURATORATE in page.locator("#transfer-sent").inner_text()
    assert page.locator("#transfers table.transfers tbody tr").count() == 1  # one transfer, not two
    assert "待审核" in page.locator("#transfers table").inner_text()
    sign_out(page)

    sign_in(page, server.base, "transfer-prosecutor")
    page.locator("#inbox-count:not([hidden])").wait_for()  # pending items counted in the menu
    with server.api("transfer-prosecutor") as client:  # (other tests of this server send here too)
        pending = sum(1 for t in client.get("/api/transfers/inbox").json() if t["status"] == "pending")
    assert pending >= 1 and page.locator("#inbox-count").inner_text() == str(pending)
    page.get_by_role("link", name="收件箱").click()
    page.locator("#inbox tbody tr").first.wait_for()
    assert CASE in page.locator("#inbox").inner_text() and "待审核" in page.locator("#inbox").inner_text()
    page.locator("#inbox tbody tr").first.get_by_role("link").first.click()
    page.locator("table.review").first.wait_for()
    sheets = page.locator(".form-sheet")
    assert sheets.count() == 2  # one form per defendant
    shown = page.locator("main").inner_text()
    for word in ("null", "undefined", "prosecution_transfer", "other", "{\""):  # issue #18: words only
        assert word not in shown, word
    # every filled field shows a thumbnail of its evidence on the page image
    filled = page.locator("tr.field-filled")
    assert filled.count() > 0
    assert filled.first.locator("a.thumb-link").count() == 1
    # issue #18: a thumbnail names its document, not only the page
    page.wait_for_function("() => document.querySelector('tr.field-filled .thumb-label').textContent.includes('.txt')")

    # required fields the pre-fill could not settle are corrected with the true value and a reason
    for i in range(sheets.count()):
        defendant = sheets.nth(i).locator("h3").inner_text().split("（")[-1].rstrip("）")
        for row in sheets.nth(i).locator("tr.field-missing, tr.field-conflict").all():
            if row.locator(".req").count() == 0:
                continue
            key = row.get_attribute("data-source").split(".")[-1]
            _correct(page, row, TRUTH[defendant][key], "据户籍证明更正")
    # one filled value is corrected by hand, one accepted
    birth = page.locator('tr[data-form="0"][data-field="birth_date"]')
    _correct(page, birth, "1988-03-15", "与户籍证明核对一致")
    corrected = page.locator('tr[data-form="0"][data-field="birth_date"]')
    assert "与户籍证明核对一致" in corrected.inner_text() and "已更正" in corrected.inner_text()
    # issue #18: a selective charge holds 、 itself; charges are entered one per line
    _correct(page, page.locator('tr[data-form="1"][data-field="charges"]'),
             "掩饰、隐瞒犯罪所得、犯罪所得收益罪\n盗窃罪", "据起诉意见书更正")
    charges = page.locator('tr[data-form="1"][data-field="charges"]').inner_text()
    assert "掩饰、隐瞒犯罪所得、犯罪所得收益罪；盗窃罪" in charges and "已更正" in charges
    name = page.locator('tr[data-form="0"][data-field="name"]')
    if "field-filled" in (name.get_attribute("class") or ""):
        name.get_by_role("button", name="确认").click()
        page.locator('tr[data-form="0"][data-field="name"].field-accept').wait_for()
    shot(page, "review")

    page.get_by_role("button", name="接收表单").click()
    # fields nobody looked at are counted before the form is locked
    confirm = page.locator("#accept-confirm")
    confirm.wait_for()
    assert "个未审核" in confirm.inner_text()
    page.locator("#accept-confirm-ok").click()
    page.locator("#records").wait_for()
    assert "已接收" in page.locator("#transfer-status").inner_text()
    assert page.locator("#review-actions").count() == 0  # an accepted form is closed
    # issue 21: taken in, the procuratorate assigns its handler (承办人) right there
    page.locator("#handler-select").wait_for()
    assert "尚未指定" in page.locator("#case-handler-current").inner_text()
    page.locator("#handler-select").select_option("transfer-prosecutor")
    page.locator("#handler-assign").click()
    page.wait_for_function("() => document.querySelector('#case-handler-current').textContent"
                           ".includes('承办人：transfer-prosecutor')")
    with page.expect_download() as download_info:
        page.locator("#records a.pdf-link").first.click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert download.suggested_filename.endswith(".pdf")
    assert saved.read_bytes().startswith(b"%PDF-")
    shot(page, "review-accepted")

    # the print view hides the controls
    page.emulate_media(media="print")
    assert not page.locator("header").is_visible()
    assert not page.get_by_role("button", name="打印").is_visible()
    page.emulate_media(media="screen")
