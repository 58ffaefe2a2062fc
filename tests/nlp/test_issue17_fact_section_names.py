"""Issue #17 item 7: names in fact sections (CAIL style): others taken for the accused.

Each case is one class of miss found on ../shared/data/dev/case_facts.jsonl (texts written here,
fictional): people marked as tried elsewhere in a list, co-offenders the conclusion leaves out,
anonymiser leftovers beside the accused, words read after a bare 被告人, and masks cut short.
"""

from __future__ import annotations

import pytest

from nlp.factsheet import extract_text


def _names(text: str) -> list[str]:
    return [d["name"] for d in extract_text(text)["defendants"]]


@pytest.mark.parametrize(("text", "names"), [
    # a list the mark closes for all, not opened by the role word
    ("某县人民检察院指控：2011年3月12日，曹某、高某（均已判决）在某溜冰场持刀砍伤他人。当晚，被告人刘某、曹某"
     "等人驾车将高某带至外地藏匿。被告人刘某到案后如实供述。", ["刘某"]),
    # the count covers everyone the role word lists
    ("经审理查明：被告人樊某、何某、范某（三人已判决）将被害人李某拽至被告人陈1某借用的车内，由被告人陈1某驾车"
     "离开现场。上述事实，被告人陈1某在开庭审理过程中亦无异议。", ["陈1某"]),
    # the role word's first name stays when the mark speaks for the others only
    ("经审理查明：被告人甲某和乙某、丙某（均另案处理）在某地盗窃电缆。被告人甲某到案后如实供述。", ["甲某"]),
])
def test_issue17_people_marked_as_tried_elsewhere_are_not_accused(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_issue17_a_numbered_mask_keeping_a_given_name_character_is_not_the_accused() -> None:
    text = "公诉机关指控，2012年7月7日凌晨，被告人潘2某、潘1某代在某服务区盗窃柴油。被告人潘2某到案后如实供述。"
    assert _names(text) == ["潘2某"]


def test_issue17_the_conclusion_names_whom_the_judgment_is_about() -> None:
    text = ("公诉机关指控：2016年1月至2月期间，被告人唐2某、张1某共谋贩卖毒品。被告人张1某负责联系买家。"
            "公诉机关认为，被告人张1某的行为已触犯刑法，应当以贩卖毒品罪追究其刑事责任。")
    assert _names(text) == ["张1某"]
    both = ("公诉机关指控：被告人唐2某、张1某共谋贩卖毒品。公诉机关认为，被告人唐2某、张1某的行为已触犯刑法。")
    assert _names(both) == ["唐2某", "张1某"]
    each = ("公诉机关指控：被告人唐2某、张1某共谋贩卖毒品。公诉机关认为，被告人唐2某的行为构成贩卖毒品罪，"
            "被告人张1某的行为构成容留他人吸毒罪。")
    assert _names(each) == ["唐2某", "张1某"]


@pytest.mark.parametrize("text", [
    "公诉机关指控：被告人张某某贩卖毒品海洛因。被告人曾因盗窃被判处有期徒刑一年，刑满释放后五年内再犯。",
    "经审理查明：被告人张某某殴打被害人致轻伤。侦查阶段，被告人方与被害人已达成调解协议。",
    "公诉机关指控：被告人张某某盗窃财物。鉴于被告人是累犯，建议对被告人在××至三年幅度内量刑。",
    "公诉机关提供了被告人和被害人常住人口信息等证据，指控被告人张某某犯故意伤害罪。",
    "公诉机关指控：被告人张某某和安徽华星电缆集团有限公司业务员李某签订虚假合同，骗取货款。",
])
def test_issue17_words_after_a_bare_role_are_no_name(text: str) -> None:
    assert _names(text) == ["张某某"]


@pytest.mark.parametrize(("text", "names"), [
    ("某县人民检察院指控：被告人杨X江经韦某介绍，得知某地有人收购木材。杨X江遂盗伐林木。", ["杨X江"]),
    ("公诉机关指控被告人孙××2014年1月5日在某林场盗伐林木。", ["孙××"]),
    ("公诉机关指控：2014年4月29日12时许，被告人段某x无证驾驶一辆无牌摩托车。", ["段某x"]),
])
def test_issue17_a_mask_is_read_whole(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_issue17_two_masked_people_one_masked_longer_are_two_people() -> None:
    text = "公诉机关指控：被告人陈某某和陈某共同盗窃电缆。被告人陈某某、陈某到案后如实供述。"
    assert _names(text) == ["陈某某", "陈某"]


# Third round: classes found on the same data after the second round (texts written here).


@pytest.mark.parametrize(("text", "names"), [
    # prosecuted in a separate case
    ("经审理查明：2019年5月2日晚，孙某（已起诉）驾车撞伤行人后，让被告人钱某顶替。当晚，被告人钱某和孙某、"
     "周某（已起诉）统一口径，向公安机关作虚假陈述。", ["钱某"]),
    # sentenced already, the mark counting the group, and the common misprint 己 for 已
    ("公诉机关指控：被告人吴某与郑某、冯某（二人均判刑）合谋盗窃。被告人吴某和郑某将电缆运走。", ["吴某"]),
    ("公诉机关指控：被告人吴某和陶某（己判刑）在某工地盗窃钢管。", ["吴某"]),
    ("经审理查明：被告人吴某伙同郑某、冯某在某工地盗窃钢管。被告人吴某和郑某、冯某（二人已被本院判处刑罚）"
     "将钢管运走。", ["吴某"]),
    # a parenthesis about the accused that names no other case keeps them
    ("公诉机关指控：被告人吴某（判决前已退赔）在某工地盗窃钢管。被告人吴某到案后如实供述。", ["吴某"]),
])
def test_issue17_people_prosecuted_or_sentenced_separately_are_not_accused(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_issue17_the_subject_of_acts_is_found_after_a_post_or_occupation() -> None:
    # no role word names anyone: the person the acts are told of is the accused
    text = "公诉机关指控，2020年3月，某县某公司法定代表人郑某甲授意员工伪造发票，骗取税款二万元。"
    assert _names(text) == ["郑某甲"]
    text = "公诉机关指控，2016年9月，在某林场施业区内，农民杨某某未经许可采伐松树三株，被当场查获。"
    assert _names(text) == ["杨某某"]


def test_issue17_a_name_before_de_is_an_owner_not_the_one_who_acts() -> None:
    text = ("公诉机关指控，2019年6月1日，在某村王某家门口，村民赵某某因琐事与王某发生争执，王某持木棍将赵某某打伤，"
            "王某随后离开。经鉴定，赵某某的损伤程度为轻伤。")
    assert _names(text) == ["王某"]


def test_issue17_a_mask_marked_as_tried_elsewhere_and_named_by_the_role_word_is_a_namesake() -> None:
    # two people under one mask: the one tried before, and the accused of this judgment
    text = ("经审理查明：2018年1月，王某（已判刑）酒后驾车撞伤行人李某。事故发生后，被告人王某为使王某逃避追究，"
            "指使张某冒名顶替。张某随即到公安机关投案，张某谎称车是自己所驾。2019年3月，被告人王某被抓获。")
    assert _names(text) == ["王某"]


@pytest.mark.parametrize(("text", "names"), [
    ("公诉机关指控：被告人郑某盗得香烟20条，后转卖给被告人吴某8条，获利四百元。", ["郑某", "吴某"]),
    ("公诉机关认为，被告人苑某3次贩卖甲基苯丙胺，其行为已构成贩卖毒品罪。", ["苑某"]),
    ("公诉机关指控：被告人王某1、王某2共同盗窃。", ["王某1", "王某2"]),
])
def test_issue17_a_digit_before_a_unit_is_a_quantity_not_a_mask_number(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(("text", "names"), [
    # the bare mask is the victim; the accused's mask keeps a given-name character
    ("经审理查明：被告人李某云趁同村被害人李某（女，52岁）外出之机，潜入其家中窃得现金五百元。李某云为防止被发现，"
     "将门锁好后离开。后李某云在家中被抓获，李某云对此供认不讳。", ["李某云"]),
    # a × mask keeps it too, and is never written without it
    ("公诉机关指控：2014年3月，被告人尹×旺来到被害人家中，尹×旺强行推倒被害人，尹×旺见有人来随即离开。", ["尹×旺"]),
    # but the character after the mask that names a home is no part of the name
    ("公诉机关指控：吸毒人员侯某、韦某先后来到曾某家，向曾某购买海洛因。同月5日，民警在被告人曾某家，当场查获"
     "海洛因5克，曾某对此供认不讳。", ["曾某"]),
])
def test_issue17_a_mask_keeping_a_given_name_character_is_read_whole(text: str, names: list[str]) -> None:
    assert _names(text) == names


def test_issue17_a_suspect_beside_the_accused_is_not_on_trial() -> None:
    text = ("公诉机关指控：2015年6月3日晚，被告人段某某和犯罪嫌疑人陈某某邀约被害人王某到某地。次日凌晨，被告人段某某"
            "和陈某某强行将被害人带至某宾馆。")
    assert _names(text) == ["段某某"]
    # one the text calls 被告人 itself stays accused
    both = ("公诉机关指控：2015年6月3日晚，被告人段某某和犯罪嫌疑人陈某某邀约被害人王某到某地。被告人陈某某到案后"
            "如实供述。")
    assert _names(both) == ["段某某", "陈某某"]
