"""Issue #18, a clerk's day: the upload list follows processing, and every fact links to its page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import POLICE, Server, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]

CASE = "京公朝刑立字〔2026〕0318号"
OPINION = (
    "起诉意见书\n京公朝刑诉字〔2026〕0318号\n"
    "犯罪嫌疑人周海涛，男，1986年5月4日出生，汉族，公民身份号码110105198605041234，"
    "住北京市朝阳区望京街道。2024年8月因犯盗窃罪被北京市朝阳区人民法院判处有期徒刑一年，缓刑二年。"
    "因涉嫌盗窃罪于2026年3月2日被北京市公安局朝阳分局刑事拘留，"
    "2026年3月30日经北京市朝阳区人民检察院批准逮捕，同日由北京市公安局朝阳分局执行逮捕。\n"
)


def test_issue18_upload_list_follows_processing_and_facts_link_each_item(server: Server, page: Any) -> None:
    server.add_user("day-clerk", POLICE, "clerk")
    sign_in(page, server.base, "day-clerk")
    page.get_by_label("案号").fill(CASE)
    page.get_by_role("button", name="新建案件").click()
    page.get_by_role("heading", name=CASE).wait_for()
    page.locator("#file-picker").set_input_files([
        {"name": "IMG_0001.txt", "mimeType": "text/plain", "buffer": OPINION.encode()},
        {"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00" + bytes(200)},
    ])
    page.wait_for_function(
        "() => [...document.querySelectorAll('#documents tbody tr')].some(r => r.dataset.status === 'done')",
        timeout=120_000,
    )
    # item 8: the upload list says what the table says, and a refused file shows no full bar
    done = page.locator('#uploads li[data-file="IMG_0001.txt"] .upload-state')
    page.wait_for_function("el => el.textContent.includes('处理完成')", arg=done.element_handle())
    refused = page.locator('#uploads li[data-file="setup.exe"]')
    refused.locator(".error").wait_for()
    assert refused.locator("progress").count() == 0

    # item 7: each 前科 and each 强制措施 links to its own evidence; the charge is not repeated
    facts = page.locator("#facts")
    facts.locator(".defendant").first.wait_for()
    prior = facts.locator('dd[data-field="prior_convictions"] .fact-item')
    assert prior.count() == 1
    text = prior.first.inner_text()
    assert text.count("盗窃罪") == 1 and "2024-08" in text and "缓刑二年" in text
    assert prior.first.locator("a").count() == 1
    custody = facts.locator('dd[data-field="custody_events"] .fact-item')
    assert custody.count() == 2
    assert all(item.locator("a").count() == 1 for item in custody.all())
    assert "刑事拘留" in custody.first.inner_text()
    # a police document that says nothing of 认罪认罚 does not say 否
    plea = facts.locator('dd[data-field="guilty_plea_leniency"]')
    assert plea.inner_text() == "未载明"
    shot(page, "issue18-clerk-day")

    prior.first.locator("a").click()
    page.locator("#page-text mark").first.wait_for()
    assert "2024年8月" in page.locator("#page-text mark").first.inner_text()


def test_issue18_document_columns_stay_still_while_files_are_read(server: Server, page: Any) -> None:
    server.add_user("columns-clerk", POLICE, "clerk")
    sign_in(page, server.base, "columns-clerk")
    page.get_by_label("案号").fill("京公朝刑立字〔2026〕0319号")
    page.get_by_role("button", name="新建案件").click()
    page.locator("#file-picker").set_input_files([
        {"name": f"IMG_00{i}.txt", "mimeType": "text/plain", "buffer": (OPINION * (i + 1)).encode()} for i in range(3)])
    widths = []
    for _ in range(6):  # while they are read and after, the column edges do not move
        page.locator("#documents tbody tr").first.wait_for()
        widths.append(page.evaluate("() => [...document.querySelectorAll('#documents thead th')].map(th => Math.round(th.getBoundingClientRect().width))"))
        page.wait_for_timeout(400)
    assert all(w == widths[0] for w in widths), widths
