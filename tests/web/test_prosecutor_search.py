"""The prosecutor's search in a real browser: facets, highlighted snippets, the hit box on the scan."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

import pytest

from api.demo import DEMO_CASE, demo_files
from tests.web.conftest import ADMIN, ADMIN_PASSWORD, Server, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]


def wait_for_demo(server: Server) -> None:
    """The demo dossier, loaded at start-up, read with the default OCR engine (bounded wait)."""
    with server.api(ADMIN, ADMIN_PASSWORD) as client:
        deadline = time.monotonic() + 300
        while True:
            documents = client.get(f"/api/cases/{DEMO_CASE}/documents").json()
            if isinstance(documents, list) and len(documents) == len(demo_files()) and all(
                d["status"] in ("done", "failed") for d in documents
            ):
                break
            assert time.monotonic() < deadline, f"demo not processed in 300 s: {documents}"
            time.sleep(0.5)
    assert [d["status"] for d in documents] == ["done"] * len(demo_files())


def search_as_admin(server: Server, page: Any, query: str) -> None:
    """Sign in once the demo is processed, search for ``query`` and wait for the first hit."""
    wait_for_demo(server)
    sign_in(page, server.base, ADMIN, ADMIN_PASSWORD)
    page.get_by_role("link", name="检索", exact=True).click()
    page.get_by_label("检索词").fill(query)
    page.get_by_label("检索词").press("Enter")
    page.locator(".hit").first.wait_for()


def test_search_facets_and_hit_box_on_the_page_image(server: Server, page: Any) -> None:
    search_as_admin(server, page, "王晓丽")
    count = page.locator("#result-count").inner_text()
    total = int(count.split("共找到 ")[1].split(" ")[0])
    assert total >= 3
    assert page.locator(".hit .snippet mark").first.inner_text() == "王晓丽"  # snippet_spans highlighted
    assert page.locator("#approximate-note").count() == 0  # an exact match is not flagged


    # a facet narrows the results to its value, with the count it showed
    facet = page.locator(".facet a", has_text="讯问笔录").first
    shown = int(facet.locator(".count").inner_text())
    facet.click()
    page.wait_for_function("n => document.querySelector('#result-count') && "
                           "document.querySelector('#result-count').textContent.includes('共找到 ' + n + ' 处')", arg=shown)
    assert page.locator(".facet a.facet-on").inner_text().startswith("讯问笔录")
    for name in page.locator(".hit-link").all_inner_texts():
        assert "讯问笔录" in name
    shot(page, "search")

    # open the hit on the scanned page; its box must sit where the API says, in image pixels
    link = page.locator(".hit-link").first
    hash_ = link.get_attribute("href")
    link.click()
    image = page.locator("#page-image")
    image.wait_for()
    page.wait_for_function("() => document.querySelector('#page-image').complete"
                           " && document.querySelector('#page-image').naturalWidth > 0")
    document_id, number = hash_.split("?")[0].split("/")[2:4]
    params = parse_qs(hash_.split("?", 1)[1])
    with server.api(ADMIN, ADMIN_PASSWORD) as client:
        hits = client.get("/api/search", params={"q": "王晓丽", "document_type": "讯问笔录"}).json()["hits"]
        info = client.get(f"/api/documents/{document_id}/pages/{number}").json()
    hit = next(h for h in hits if str(h["document_id"]) == document_id and str(h["page"]) == number)
    assert hit["boxes"] and json.loads(params["boxes"][0]) == hit["boxes"]
    assert info["source"] == "ocr"
    frame = image.bounding_box()
    boxes = page.locator(".page-wrap .box")
    assert boxes.count() == len(hit["boxes"])
    scale_x, scale_y = frame["width"] / info["width"], frame["height"] / info["height"]
    for i, (x0, y0, x1, y1) in enumerate(hit["boxes"]):
        drawn = boxes.nth(i).bounding_box()
        assert drawn["x"] == pytest.approx(frame["x"] + x0 * scale_x, abs=2)
        assert drawn["y"] == pytest.approx(frame["y"] + y0 * scale_y, abs=2)
        assert drawn["width"] == pytest.approx((x1 - x0) * scale_x, abs=2)
        assert drawn["height"] == pytest.approx((y1 - y0) * scale_y, abs=2)
    # and the box covers the name in the page's own OCR lines
    line = next(ln for ln in info["lines"] if "王晓丽" in ln["text"])
    bx0, by0, bx1, by1 = line["bbox"]
    x0, y0, x1, y1 = hit["boxes"][0]
    assert bx0 - 2 <= x0 < x1 <= bx1 + 2 and by0 - 2 <= y0 < y1 <= by1 + 2
    assert "王晓丽" in page.locator("#page-text mark").first.inner_text()
    shot(page, "viewer")


def test_fact_sheet_values_link_to_their_evidence(server: Server, page: Any) -> None:
    wait_for_demo(server)
    sign_in(page, server.base, ADMIN, ADMIN_PASSWORD)
    page.get_by_role("link", name=DEMO_CASE).click()
    facts = page.locator("#facts")
    facts.locator(".defendant").first.wait_for()
    assert {"被告人 李明远", "被告人 王晓丽"} <= set(facts.locator(".defendant h4").all_inner_texts())
    assert "不一致之处" in facts.inner_text()
    shot(page, "facts")
    name = facts.locator('.defendant dd[data-field="id_number"] a').first
    value = name.inner_text()
    name.click()
    page.locator(".page-wrap .box").first.wait_for()
    assert page.locator("#page-text mark").first.inner_text() == value


def test_near_matches_are_flagged_as_approximate(server: Server, page: Any) -> None:
    # 望京街道 misread as 望京街遣: no page has it, the near match finds the page that has 望京街道
    search_as_admin(server, page, "朝阳区望京街遣")
    assert "近似结果" in page.locator("#approximate-note").inner_text()


def test_issue18_viewer_pages_keep_the_query_zoom_rotate_and_focus(server: Server, page: Any) -> None:
    search_as_admin(server, page, "王晓丽")
    # the focus is on the count: one Tab reaches the first hit, not the facets
    assert page.evaluate("document.activeElement.id") == "result-count"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "hit-link"
    # a hit on a multi-page document, then the next or previous page
    link = next(a for a in page.locator(".hit-link").all() if "起诉意见书" in a.inner_text())
    link.click()
    page.locator("#page-text mark").first.wait_for()
    turn = page.get_by_role("link", name="下一页").or_(page.get_by_role("link", name="上一页")).first
    turn.click()
    page.wait_for_function("() => !location.hash.includes('spans=')")
    back = page.locator("#back-to-results")
    back.wait_for()  # the new page is drawn (the router shows a loading line meanwhile)
    page.locator("#page-text").wait_for()
    assert "q=" in page.evaluate("location.hash")
    assert "q=" in (back.get_attribute("href") or "")
    text = page.locator("#page-text").inner_text()
    marks = page.locator("#page-text mark").all_inner_texts()
    assert marks == ["王晓丽"] * text.count("王晓丽")  # the query's words marked on this page too

    image = page.locator("#page-image")
    page.wait_for_function("() => document.querySelector('#page-image').naturalWidth > 0")
    width = image.bounding_box()["width"]
    page.get_by_role("button", name="放大").click()
    assert image.bounding_box()["width"] == pytest.approx(width * 1.25, rel=0.05)
    page.get_by_role("button", name="向右旋转").click()
    assert "rotate(90deg)" in (page.locator(".page-wrap").get_attribute("style") or "")
    page.get_by_role("button", name="复原").click()
    back.click()
    page.locator(".hit").first.wait_for()
    assert page.get_by_label("检索词").input_value() == "王晓丽"


def test_issue18_document_type_filter_is_a_choice(server: Server, page: Any) -> None:
    search_as_admin(server, page, "王晓丽")
    choice = page.locator("#f-document_type")
    assert choice.evaluate("el => el.tagName") == "SELECT"
    page.wait_for_function("() => document.querySelectorAll('#f-document_type option').length > 20")
    choice.select_option("讯问笔录")
    page.get_by_role("button", name="检索", exact=True).click()
    page.wait_for_function("() => location.hash.includes('document_type=')")
    page.locator(".hit").first.wait_for()
    assert page.locator("#f-document_type").input_value() == "讯问笔录"
    for name in page.locator(".hit-link").all_inner_texts():
        assert "讯问笔录" in name


def test_issue18_case_facet_spells_the_number_as_the_case_does(server: Server, page: Any) -> None:
    search_as_admin(server, page, "王晓丽")
    facet = page.locator(".facet", has=page.locator("h4", has_text="案件"))
    assert DEMO_CASE in facet.inner_text()  # 〔2026〕 as written, not the filter's （2026）
    facet.locator("a").first.click()
    page.wait_for_function("() => location.hash.includes('case=')")
    page.locator(".hit").first.wait_for()
    assert page.locator(".facet a.facet-on").inner_text().startswith(DEMO_CASE)
