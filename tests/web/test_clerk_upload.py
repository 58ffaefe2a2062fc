"""Sign-in and the clerk's work in a real browser: a case, a batch upload with a bad file, live progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.render import render_image
from tests.web.conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    PASSWORD,
    POLICE,
    Server,
    shot,
    sign_in,
    sign_out,
)

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_sign_in_errors_wait_and_sign_out(server: Server, page: Any) -> None:
    server.add_user("locked-clerk", POLICE, "clerk")
    page.goto(server.base + "/")
    page.locator("#dev-hint").wait_for(state="visible")  # development mode names the demo account
    assert "casefile-demo" in page.locator("#dev-hint").inner_text()
    for _ in range(5):
        page.get_by_label("用户名").fill("locked-clerk")
        page.get_by_label("密码").fill("wrong-password")
        page.get_by_role("button", name="登录").click()
        page.locator("#login-error .error").wait_for()
        assert "用户名或密码不正确" in page.locator("#login-error").inner_text()
    page.get_by_label("用户名").fill("locked-clerk")
    page.get_by_label("密码").fill(PASSWORD)  # right password, but this name must wait now
    page.get_by_role("button", name="登录").click()
    page.get_by_text("尝试次数过多，请于").wait_for()  # … HH:MM 后再试: told until when
    shot(page, "sign-in-locked")

    # by keyboard alone: the user name has the focus, Tab to the password, Enter signs in
    page.get_by_label("用户名").fill("")
    page.get_by_label("密码").fill("")
    page.get_by_label("用户名").focus()
    page.keyboard.type(ADMIN)
    page.keyboard.press("Tab")
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Enter")
    page.locator("#sign-out").wait_for()
    header = page.locator("header").inner_text()
    assert "admin" in header and "管理员" in header
    nav = page.locator("#nav").inner_text()
    assert "审计日志" in nav and "收件箱" not in nav  # navigation follows the allowed actions
    sign_out(page)
    page.goto(server.base + "/#/admin/audit")
    page.locator("#username").wait_for()  # signed out: the sign-in page, not the log


@pytest.mark.slow
def test_clerk_uploads_a_batch_and_watches_it_processed(server: Server, page: Any, tmp_path: Path) -> None:
    server.add_user("upload-clerk", POLICE, "clerk")
    scan = render_image("讯问笔录\n问：你叫什么名字？\n答：我叫张建国，男，汉族。\n问：你为什么被带到派出所？\n答：我偷了一辆电动车。",
                        tmp_path / "讯问笔录（扫描件）.png")
    files = [
        {"name": "到案经过.txt", "mimeType": "text/plain",
         "buffer": "到案经过\n2026年3月2日，民警在望京街道将犯罪嫌疑人张建国抓获。".encode()},
        {"name": "病毒.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00not a case file"},
        {"name": scan.name, "mimeType": "image/png", "buffer": scan.read_bytes()},
    ]
    sign_in(page, server.base, "upload-clerk")
    nav = page.locator("#nav").inner_text()
    assert "案件" in nav and "审计日志" not in nav

    case_number = "京公朝刑立字〔2026〕888号"
    page.get_by_label("案号").fill(case_number)
    page.get_by_label("案件名称").fill("张建国盗窃案")
    page.get_by_role("button", name="新建案件").click()
    page.get_by_role("heading", name=case_number).wait_for()

    page.locator("#file-picker").set_input_files(files)
    uploads = page.locator("#uploads li")
    uploads.nth(2).wait_for()
    bad = page.locator('#uploads li[data-file="病毒.exe"]')
    bad.locator(".error").wait_for()
    assert "不支持这种文件类型" in bad.inner_text()  # the 415 in words, with its hint
    for name in ("到案经过.txt", scan.name):
        item = page.locator(f'#uploads li[data-file="{name}"]')
        page.wait_for_function("el => el.classList.contains('ok')", arg=item.element_handle())
        assert item.locator("progress").get_attribute("value") == "100"

    rows = page.locator("#documents tbody tr")
    rows.nth(1).wait_for()
    assert rows.count() == 2  # the rest of the batch went on without the bad file
    shot(page, "upload-progress")
    # live progress: the table is polled until every document is done (OCR of the scan included)
    page.wait_for_function(
        "() => { const r = [...document.querySelectorAll('#documents tbody tr')];"
        " return r.length === 2 && r.every(x => x.dataset.status === 'done'); }",
        timeout=300_000,
    )
    assert "完成 2，处理中 0，失败 0" in page.locator("#doc-summary").inner_text()
    for bar in page.locator("#documents progress").all():
        assert bar.get_attribute("value") == "100"
    shot(page, "upload-done")

    # the scanned page was read by the default OCR engine: open it in the viewer
    page.get_by_role("link", name=scan.name).click()
    page.locator("#page-image").wait_for()
    page.wait_for_function("() => document.querySelector('#page-image').naturalWidth > 0")
    assert "文字识别（OCR）" in page.locator("main").inner_text()
    text = page.locator("#page-text").inner_text()
    assert "张建国" in text or "电动车" in text, text
