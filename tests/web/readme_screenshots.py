"""Take the README's desktop screenshots from a running `casefile serve` (not a test).

    casefile --data-dir D users add shot-clerk --agency 北京市公安局朝阳分局 --role clerk --password …
    casefile --data-dir D users add shot-prosecutor --agency 北京市朝阳区人民检察院 --role prosecutor --password …
    python -m tests.web.readme_screenshots http://127.0.0.1:8123 PASSWORD

Writes docs/screenshots/{upload,transfer-preview,catalogue,viewer,due,review}.png at 1366×768,
palette-compressed.
"""

from __future__ import annotations

import sys
import time
from urllib.parse import quote

from PIL import Image
from playwright.sync_api import FilePayload, Page, sync_playwright

from tests.web.conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    CHROMIUM,
    CHROMIUM_FLAGS,
    PROCURATORATE,
    REPO,
)
from tests.web.test_transfer_review import MATERIALS

OUT = REPO / "docs" / "screenshots"
DEMO_FILES = REPO / "api" / "demo" / "files"
# a fresh case number on each run, so the script can run again against the same server
CASE = f"京公朝刑立字〔2026〕{int(time.time()) % 10000:04d}号"


def sign_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(base + "/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.locator("#sign-out").wait_for()


def save(page: Page, name: str) -> None:
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path))
    Image.open(path).convert("RGB").quantize(colors=128).save(path, optimize=True)
    print(path, path.stat().st_size // 1024, "KB")


def main(base: str, password: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
        page.set_default_timeout(300_000)

        sign_in(page, base, "shot-clerk", password)
        page.get_by_label("案号").fill(CASE)
        page.get_by_label("案件名称").fill("李明远盗窃案")
        page.get_by_role("button", name="新建案件").click()
        page.get_by_role("heading", name=CASE).wait_for()
        files = [DEMO_FILES / "01_起诉意见书.pdf", DEMO_FILES / "02_起诉书（扫描件）.pdf"]
        payload: list[FilePayload] = [
            {"name": f.name, "mimeType": "application/pdf", "buffer": f.read_bytes()} for f in files
        ]
        payload += [{"name": n, "mimeType": "text/plain", "buffer": t.encode()} for n, t in MATERIALS.items()]
        payload.append({"name": "照片.heic", "mimeType": "image/heic", "buffer": b"not an image"})
        page.locator("#file-picker").set_input_files(payload)
        page.locator("#documents tbody tr").nth(6).wait_for()
        page.wait_for_function("() => [...document.querySelectorAll('#documents tbody tr')]"
                               ".some(r => r.dataset.status !== 'done')")
        page.locator("#uploads").scroll_into_view_if_needed()
        page.evaluate("window.scrollTo(0, document.querySelector('#uploads').offsetTop - 150)")
        save(page, "upload")
        page.wait_for_function("() => [...document.querySelectorAll('#documents tbody tr')]"
                               ".every(r => r.dataset.status === 'done')")
        page.get_by_label("表单").select_option("prosecution_transfer")
        page.get_by_label("接收单位").fill(PROCURATORATE)
        page.get_by_role("button", name="一键流转").click()
        page.locator("#transfer-preview-ok").wait_for()  # the form is previewed before it is sent
        save(page, "transfer-preview")
        page.locator("#transfer-preview-ok").click()
        page.locator("#transfer-sent").wait_for()
        page.evaluate("window.scrollTo(0, document.querySelector('#catalogue, #documents').offsetTop - 60)")
        save(page, "catalogue")
        page.locator("#sign-out").click()

        sign_in(page, base, ADMIN, ADMIN_PASSWORD)
        page.goto(base + "/#/search?q=" + quote("王晓丽") + "&document_type=" + quote("讯问笔录"))
        page.locator(".hit-link").first.click()
        page.locator(".page-wrap .box").first.wait_for()
        page.wait_for_function("() => document.querySelector('#page-image').naturalWidth > 0")
        page.evaluate("window.scrollTo(0, 0)")
        save(page, "viewer")
        page.goto(base + "/#/due?days=366")
        page.locator("#due-page table, #due-page p:not(.loading)").first.wait_for()
        save(page, "due")
        page.locator("#sign-out").click()

        sign_in(page, base, "shot-prosecutor", password)
        page.get_by_role("link", name="收件箱").click()
        page.locator("#inbox tbody tr").first.get_by_role("link").first.click()
        page.locator("table.review").first.wait_for()
        page.wait_for_timeout(1500)  # thumbnails are drawn as their page images arrive
        page.evaluate("window.scrollTo(0, document.querySelector('.form-sheet').offsetTop - 10)")
        save(page, "review")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
