"""A small fictional corpus for the search tests (all names, numbers and events are invented)."""

from __future__ import annotations

from search.base import PageRecord

CASE_THEFT = "（2020）粤1973刑初123号"
CASE_DRUNK = "(2021)京0105刑初7号"
CASE_SECRET = "（2019）沪0115刑初88号"
# the cases' database ids: the permission filter's values
THEFT_ID, DRUNK_ID, SECRET_ID = 101, 102, 103

ID_NUMBER = "44060219850312271X"

THEFT_P1 = (
    "广东省佛山市顺德区人民检察院\n起诉书\n（2020）粤1973刑初123号\n"
    f"被告人王志勤，男，公民身份号码{ID_NUMBER}，汉族，无业。\n"
    "经依法审查查明：2020年3月5日晚，被告人王志勤在顺德区某小区盗窃电动车一辆，价值人民币二千元。"
)
THEFT_P2 = "被告人王志勤到案后如实供述盗窃事实，认罪认罚。本院认为，其行为已构成盗窃罪。"
DRUNK_P1 = (
    "北京市朝阳区人民法院\n刑事判决书\n(2021)京0105刑初7号\n"
    "被告人张某，女，1990年出生。2021年1月8日凌晨，被告人张某醉酒驾驶机动车，"
    "经鉴定血液酒精含量为１５０ｍｇ／１００ｍｌ。"
)
SECRET_P1 = (
    "上海市浦东新区人民法院\n刑事判决书\n（2019）沪0115刑初88号\n"
    "被告人李某某以投资为名诈骗被害人钱款，另查明其曾盗窃手机一部。机密证人赵明远作证。"
)


def corpus() -> list[PageRecord]:
    """Four pages in three cases, with facets and dates."""
    return [
        PageRecord(
            1, CASE_THEFT, "qisushu.pdf", 1, THEFT_P1, document_type="起诉书", agency="顺德区检察院",
            charges=["盗窃罪"], defendants=["王志勤"], date="2020-06-01", case_id=THEFT_ID,
        ),
        PageRecord(
            1, CASE_THEFT, "qisushu.pdf", 2, THEFT_P2, document_type="起诉书", agency="顺德区检察院",
            charges=["盗窃罪"], defendants=["王志勤"], date="2020-06-01", case_id=THEFT_ID,
        ),
        PageRecord(
            2, CASE_DRUNK, "panjueshu.pdf", 1, DRUNK_P1, document_type="判决书", agency="朝阳区法院",
            charges=["危险驾驶罪"], defendants=["张某"], date="2021-03-15", case_id=DRUNK_ID,
        ),
        PageRecord(
            3, CASE_SECRET, "secret.pdf", 1, SECRET_P1, document_type="判决书", agency="浦东新区法院",
            charges=["诈骗罪", "盗窃罪"], defendants=["李某某"], date="2019-11-20", case_id=SECRET_ID,
        ),
    ]
