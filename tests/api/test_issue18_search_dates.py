"""Issue #18 item 4: the search date filters and the 年份 facet, through the API on real uploads.

Pages were indexed without their document's date, so any date range matched nothing and the
year facet never appeared.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

CASE = "京公朝刑立字〔2026〕0402号"
DETENTION = "拘留证\n京公朝拘字〔2026〕0402号\n犯罪嫌疑人周海涛，男，因涉嫌盗窃罪，决定刑事拘留。\n北京市公安局朝阳分局\n2026年3月2日\n"
OLD_JUDGMENT = "北京市朝阳区人民法院\n刑事判决书\n被告人周海涛犯盗窃罪，判处有期徒刑一年，缓刑二年。\n二〇二四年八月十二日\n"


def test_issue18_date_range_and_year_facet(client: TestClient) -> None:
    assert client.post("/api/cases", json={"case_number": CASE}).status_code == 201
    files = [("file", (name, text.encode(), "text/plain"))
             for name, text in (("IMG_0001.txt", DETENTION), ("IMG_0002.txt", OLD_JUDGMENT))]
    assert client.post(f"/api/cases/{CASE}/documents", files=files).status_code == 201

    def search(**params: str) -> dict:  # type: ignore[type-arg]
        response = client.get("/api/search", params={"q": "周海涛", **params})
        assert response.status_code == 200, response.text
        return response.json()

    assert search()["total"] == 2
    this_year = search(date_from="2026-01-01", date_to="2026-12-31")
    assert [h["filename"] for h in this_year["hits"]] == ["IMG_0001.txt"]
    assert [h["filename"] for h in search(date_from="2024-08-12", date_to="2024-08-12")["hits"]] == ["IMG_0002.txt"]
    assert search(date_from="2026-03-03")["total"] == 0
    years = search()["facets"]["year"]
    assert years == {"2026": 1, "2024": 1}
