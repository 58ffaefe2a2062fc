"""Issue #18 item 5: a query the server refuses keeps the search form and says why beside the box."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import PROCURATORATE, Server, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]

BAD_QUERIES = {
    "long": ("盗" * 2100, "过长"),
    "many-words": (" ".join(f"词{i}" for i in range(40)), "过多"),
    "bare-operator": ("AND", "检索条件不正确"),
    "star": ("*", "检索条件不正确"),
    "brackets": ("(((", "检索条件不正确"),
    "spaces": ("   ", "只有空格"),
}


def test_issue18_invalid_query_keeps_the_form_and_says_why(server: Server, page: Any) -> None:
    server.add_user("search-errors", PROCURATORATE, "prosecutor")
    sign_in(page, server.base, "search-errors")
    page.get_by_role("link", name="检索", exact=True).click()
    for name, (query, reason) in BAD_QUERIES.items():
        # the previous query's note is marked, so that only this query's answer is read
        page.evaluate("document.querySelector('#q-error')?.setAttribute('data-old', '')")
        page.get_by_label("检索词").fill(query)
        page.get_by_label("检索词").press("Enter")
        note = page.locator("#q-error:not([data-old])")
        note.wait_for()
        assert reason in note.inner_text(), name
        box = page.locator("#f-q")
        assert box.input_value() == query and box.get_attribute("aria-invalid") == "true", name
        assert page.locator(".search-form .filters").is_visible(), name
        assert page.evaluate("document.activeElement.id") == "f-q", name
        if name == "long":
            shot(page, "issue18-search-error")
