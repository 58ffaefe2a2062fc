"""Issue 17 item 7: prior-conviction charges and names in fact sections, fixed by class.

Every text here is fictional. Each test names the class of error it guards against.
"""

from typing import Any

from nlp.factsheet import extract_text
from nlp.person import trim_charge

_HEAD = ("青石省河东县人民法院\n刑事判决书\n（2025）青0102刑初88号\n"
         "公诉机关青石省河东县人民检察院。\n")
_PARTY = "被告人钱小满，男，1985年3月2日出生，汉族，住青石省河东县北街5号。"
_CUSTODY = "2024年6月1日因涉嫌犯盗窃罪被刑事拘留。\n"
_TAIL = ("河东县人民检察院以河检刑诉〔2025〕1号起诉书指控被告人钱小满犯盗窃罪。经审理查明，2024年5月，"
         "被告人钱小满在河东县某超市窃取香烟十条。本院认为，被告人钱小满以非法占有为目的，秘密窃取"
         "他人财物，其行为已构成盗窃罪。判决如下：\n被告人钱小满犯盗窃罪，判处有期徒刑一年。\n")


def _priors(history: str, tail: str = _TAIL) -> list[tuple[Any, Any, Any]]:
    sheet = extract_text(_HEAD + _PARTY + history + _CUSTODY + tail)
    (defendant,) = sheet["defendants"]
    return [(p["date"], p["charge"], p["sentence"]) for p in defendant["prior_convictions"]]


def test_issue17_prior_charge_does_not_absorb_the_word_before_it() -> None:
    # "犯有盗窃罪": 有 is read with the charge unless the name is linked and its prefix trimmed.
    assert _priors("2012年5月6日因犯有盗窃罪被河东县人民法院判处有期徒刑一年。") == [
        ("2012-05-06", "盗窃罪", "有期徒刑一年")]


def test_issue17_prior_charge_after_an_account_of_the_act() -> None:
    # "因<what was done>犯X罪": the match starts at 因 and runs over the act; the charge is the tail.
    assert _priors("2012年5月6日因在集市上扒窃犯盗窃罪被河东县人民法院判处有期徒刑一年。") == [
        ("2012-05-06", "盗窃罪", "有期徒刑一年")]


def test_issue17_trim_charge_keeps_linked_names_and_cuts_fragments() -> None:
    assert trim_charge("因盗窃罪") == "盗窃罪"
    assert trim_charge("有抢劫罪") == "抢劫罪"
    assert trim_charge("故意伤害罪") == "故意伤害罪"
    assert trim_charge("贩卖毒品罪") == "贩卖毒品罪"
    assert trim_charge("流氓罪") == "流氓罪"
    # A miswritten name is not cut down to another offence that happens to end it.
    assert trim_charge("组织非法偷越国境罪") == "组织非法偷越国境罪"


def test_issue17_prior_sentenced_without_the_word_chu_is_not_missed() -> None:
    # "被判有期徒刑三年" (no 处): the prior was missed and only the reasoning's hint was left.
    tail = _TAIL.replace("判决如下", "被告人钱小满曾因犯抢劫罪被判处有期徒刑，系累犯。判决如下")
    assert _priors("2012年5月6日因犯抢劫罪被判有期徒刑三年，2014年刑满释放。", tail) == [
        ("2012-05-06", "抢劫罪", "有期徒刑三年")]


def test_issue17_prior_sentenced_written_as_pan_xing() -> None:
    assert _priors("2015年3月因犯诈骗罪被判刑，2016年刑满释放。") == [("2015-03", "诈骗罪", None)]


def test_issue17_prior_stated_twice_is_counted_once() -> None:
    history = ("2012年5月6日因犯抢劫罪被河东县人民法院判处有期徒刑三年，2014年刑满释放。"
               "又查明其于2012年5月6日因犯抢劫罪被判处有期徒刑三年。")
    assert _priors(history) == [("2012-05-06", "抢劫罪", "有期徒刑三年")]


def test_issue17_two_priors_for_the_same_charge_stay_two() -> None:
    history = ("2010年2月1日因犯盗窃罪被判处有期徒刑六个月；"
               "2013年4月2日因犯盗窃罪被判处有期徒刑一年。")
    assert _priors(history) == [("2010-02-01", "盗窃罪", "有期徒刑六个月"),
                                ("2013-04-02", "盗窃罪", "有期徒刑一年")]


def _names(text: str) -> list[str]:
    return [d["name"] for d in extract_text(text)["defendants"]]


def test_issue17_victim_reached_through_a_list_is_not_accused() -> None:
    text = ("经审理查明：2023年4月2日，被告人韩某和罗某在青石市东街饭店饮酒，席间韩某与被害人"
            "罗某发生争执，韩某持酒瓶击打罗某头部，致罗某轻伤。证人罗某的陈述证实上述事实。")
    assert _names(text) == ["韩某"]


def test_issue17_witness_list_does_not_lend_names_to_the_accused() -> None:
    text = ("公诉机关指控：2022年9月，被告人邵某和蒲某甲在河东县集市盗窃手机两部。上述事实，有证人"
            "蒲某乙、蒲某甲的证言，被告人邵某的供述等证据证实。")
    assert _names(text) == ["邵某"]


def test_issue17_name_given_the_victims_role_as_often_as_the_accused_role() -> None:
    # The writer once slipped ("被告人龙某某"); twice the text calls 龙某某 the victim.
    text = ("经审理查明：2021年7月3日，被告人柯某驾驶货车与被害人龙某某驾驶的电动车相撞，致被害人"
            "龙某某受伤。案发后，被告人柯某与被告人龙某某的家属达成赔偿协议。")
    assert _names(text) == ["柯某"]


def test_issue17_accused_listed_first_stays_when_the_others_are_dealt_with_elsewhere() -> None:
    # "被告人甲和乙、丙（均另案处理）": 均 covers those listed after the one the role word names.
    text = ("经审理查明：2020年3月，被告人苗某和晏某、谷某（均另案处理）在河东县某村盗伐林木十株。"
            "苗某到案后如实供述。")
    assert _names(text) == ["苗某"]


def test_issue17_accused_named_by_another_role_word_when_no_defendant_is_named() -> None:
    text = ("公诉机关指控，2019年8月5日，犯罪嫌疑人费某在青石市南街某药店向被害人鲍某出售假药。"
            "费某到案后如实供述。")
    assert _names(text) == ["费某"]


def test_issue17_subject_of_the_acts_when_no_role_word_names_anyone() -> None:
    text = ("公诉机关指控，2018年5月，农民屈某在河东县某林场盗伐林木十二株。同年6月，屈某又将盗伐的"
            "林木出售给购买人卜某。经鉴定，屈某盗伐的林木蓄积为六立方米。")
    assert _names(text) == ["屈某"]


def test_issue17_mask_followed_by_a_verb_keeps_the_verb_out_of_the_name() -> None:
    text = ("经审理查明：2022年1月至3月，被告人戚某谎称能办理入学，骗取被害人钱款。被告人戚某谎称"
            "其认识学校领导。")
    assert _names(text) == ["戚某"]


def test_issue17_mask_keeping_a_given_name_character_never_followed_by_punctuation() -> None:
    # 单某霖 is always written whole, never followed by punctuation; the mask is never alone.
    text = ("经审理查明：2023年2月9日，被告人单某霖来到河东县某小区盗窃电瓶车一辆。次日，被告人"
            "单某霖返回该小区。民警将被告人单某霖抓获。")
    assert _names(text) == ["单某霖"]


def test_issue17_record_names_the_suspect_not_the_investigators() -> None:
    # an interrogation record heads with who asked (侦查员) before whom (犯罪嫌疑人：…)
    from nlp.factsheet import extract_text

    record = ("讯问笔录\n时间：2026年3月2日10时15分至11时40分\n侦查员：赵某、钱某\n犯罪嫌疑人：孙立新\n"
              "问：你因为什么事被带到派出所？\n答：因为我拿了别人的手机。")
    assert [d["name"] for d in extract_text(record)["defendants"]] == ["孙立新"]
