"""End-to-end extraction on fictional documents: each field, each pitfall, and evidence."""

from typing import Any

import pytest

from ingest.reading.types import PageContent
from nlp.factsheet import extract_facts, extract_text
from tests.nlp.fixtures import (
    AFFIRMED,
    DETENTION_WARRANT,
    ID_MALE_19900307,
    INDICTMENT,
    JUDGMENT,
    PRIVATE_PROSECUTION,
    PROBATION_REVOKED,
    SECOND_INSTANCE,
    ocr_pages,
)

REQUIRED_DOC = {"case_number", "court", "procuratorate", "procedure", "guilty_plea_leniency",
                "defendants"}
REQUIRED_DEF = {"name", "gender", "birth_date", "ethnicity", "id_number", "prior_convictions",
                "administrative_penalties", "on_probation_at_offense", "custody_events", "charges",
                "sentence"}


@pytest.fixture(scope="module")
def judgment() -> dict[str, Any]:
    return extract_text(JUDGMENT, document_id=7)


def test_schema_keys(judgment: dict[str, Any]) -> None:
    assert REQUIRED_DOC <= judgment.keys()
    assert judgment["document_type"] == "刑事判决书"
    for d in judgment["defendants"]:
        assert REQUIRED_DEF <= d.keys()


def test_document_fields(judgment: dict[str, Any]) -> None:
    assert judgment["case_number"] == "（2021）江0102刑初456号"
    assert judgment["court"] == "江南省青石市河东区人民法院"
    assert judgment["procuratorate"] == "江南省青石市河东区人民检察院"
    assert judgment["procedure"] == "简易程序"
    assert judgment["guilty_plea_leniency"] is True


def test_first_defendant_identity(judgment: dict[str, Any]) -> None:
    d = judgment["defendants"][0]
    assert (d["name"], d["gender"], d["birth_date"], d["ethnicity"]) == ("张小明", "男", "1990-03-07", "汉族")
    assert d["aliases"] == ["小刀"]
    assert d["id_number"] == ID_MALE_19900307
    assert d["id_number_problems"] == []
    assert d["defence_counsel"] == ["李清"]


def test_prior_conviction_versus_administrative_penalty(judgment: dict[str, Any]) -> None:
    d = judgment["defendants"][0]
    assert d["prior_convictions"] == [{
        "date": "2015-06-01", "charge": "盗窃罪", "sentence": "有期徒刑八个月，并处罚金人民币二千元",
        "charge_official": "盗窃罪",
    }]
    assert d["administrative_penalties"] == [{"date": "2019-05-02", "penalty": "行政拘留"}]


def test_custody_events_with_relative_dates(judgment: dict[str, Any]) -> None:
    assert judgment["defendants"][0]["custody_events"] == [
        {"measure": "刑事拘留", "date": "2020-12-31"},
        {"measure": "逮捕", "date": "2021-01-29"},
    ]


def test_detention_by_supervisory_commission_is_other(judgment: dict[str, Any]) -> None:
    d = judgment["defendants"][1]
    assert d["name"] == "王某某"
    assert d["birth_date"] == "1985-11"
    assert [e["measure"] for e in d["custody_events"]] == ["取保候审", "其他", "监视居住"]


def test_charges_and_sentences(judgment: dict[str, Any]) -> None:
    first, second = judgment["defendants"]
    assert first["charges"] == ["贩卖毒品罪"]
    assert first["charges_official"] == ["走私、贩卖、运输、制造毒品罪"]
    assert first["sentence"] == {"principal": "有期徒刑", "term_months": 16.5, "probation_months": None,
                                 "fine_yuan": 20000, "revokes_probation": False}
    assert second["sentence"] == {"principal": "拘役", "term_months": 5, "probation_months": 6,
                                  "fine_yuan": 3000, "revokes_probation": False}


def test_evidence_spans_point_at_the_text(judgment: dict[str, Any]) -> None:
    ev = judgment["evidence"]
    for key in ("case_number", "court", "procuratorate"):
        assert ev[key]["text"] == judgment[key]
        assert JUDGMENT[ev[key]["start"]:ev[key]["end"]] == ev[key]["text"]
        assert ev[key]["document_id"] == 7
        assert ev[key]["page"] == 1
        assert ev[key]["boxes"] == []
    d_ev = judgment["defendants"][0]["evidence"]
    assert d_ev["name"]["text"] == "张小明"
    assert [c["text"] for c in d_ev["charges"]] == ["贩卖毒品罪"]
    assert d_ev["birth_date"]["text"] == "1990年3月7日"
    assert d_ev["custody_events"][0]["date"]["text"] == "次日"
    assert 0 < d_ev["name"]["confidence"] <= 1


def test_masked_and_typo_names_second_instance() -> None:
    sheet = extract_text(SECOND_INSTANCE)
    assert sheet["case_number"] == "（2021）江01刑终77号"
    assert sheet["court"] == "江南省青石市中级人民法院"
    assert sheet["procuratorate"] == "江南省青石市河东区人民检察院"
    [d] = sheet["defendants"]
    assert d["name"] == "邱剑峰"
    assert d["charges"] == ["故意伤害罪"]
    # The verdict's own sentence, not the first instance's that it sets aside.
    assert d["sentence"]["term_months"] == 10


def test_private_prosecution_and_acquittal() -> None:
    sheet = extract_text(PRIVATE_PROSECUTION)
    assert sheet["procuratorate"] is None
    [d] = sheet["defendants"]
    assert d["name"] == "马某"
    assert d["charges"] == []
    assert d["acquitted"] is True
    assert d["sentence"] is None


def test_probation_revoked_and_combined_sentence() -> None:
    sheet = extract_text(PROBATION_REVOKED)
    assert sheet["case_number"] == "（2021）江0102刑初300号"  # the first of two in the header
    assert sheet["procedure"] == "速裁程序"
    [d] = sheet["defendants"]
    assert d["on_probation_at_offense"] is True
    assert d["prior_convictions"][0]["charge"] == "危险驾驶罪"
    assert d["sentence"] == {"principal": "有期徒刑", "term_months": 7, "probation_months": None,
                             "fine_yuan": 1000, "revokes_probation": True}


def test_recidivist_without_details() -> None:
    text = JUDGMENT.replace("2015年6月1日因犯盗窃罪被青石市河西区人民法院判处有期徒刑八个月，"
                            "并处罚金人民币二千元，2016年1月20日刑满释放。", "")
    d = extract_text(text)["defendants"][0]
    assert d["prior_convictions"] == [{"date": None, "charge": None, "sentence": "有期徒刑"}]


def test_indictment_charges_come_from_the_procuratorate() -> None:
    sheet = extract_text(INDICTMENT)
    assert sheet["document_type"] == "起诉书"
    assert sheet["case_number"] == "青河检刑诉〔2021〕88号"
    assert sheet["procuratorate"] == "江南省青石市河东区人民检察院"
    [d] = sheet["defendants"]
    assert d["charges"] == ["盗窃罪"]
    assert d["sentence"] is None


def test_ocr_noise_is_tolerated() -> None:
    noisy = (JUDGMENT.replace("张小明", "张 小明", 1).replace("2021年1月29日", "２０２１年１月２9曰")
             .replace("贩卖毒品罪，判处", "贩卖毒品罪，\n判处"))
    sheet = extract_text(noisy)
    d = sheet["defendants"][0]
    assert d["name"] == "张小明"
    assert d["custody_events"][1] == {"measure": "逮捕", "date": "2021-01-29"}
    assert d["sentence"]["term_months"] == 16.5
    ev = d["evidence"]["name"]
    assert noisy[ev["start"]:ev["end"]] == ev["text"] == "张 小明"


def test_ocr_pages_map_evidence_to_pages_and_boxes() -> None:
    split = JUDGMENT.index("本院认为")
    pages = ocr_pages(JUDGMENT, split)
    sheet = extract_facts(pages, document_id=3)
    by_number = {p.number: p for p in pages}
    ev = sheet["evidence"]["case_number"]
    assert ev["page"] == 1 and ev["boxes"]
    charge_ev = sheet["defendants"][0]["evidence"]["charges"][0]
    assert charge_ev["page"] == 2
    for e in (ev, charge_ev):
        assert by_number[e["page"]].text[e["start"]:e["end"]] == e["text"]
        assert all(len(box) == 4 and box[0] < box[2] for box in e["boxes"])


def test_span_across_a_page_break() -> None:
    cut = JUDGMENT.index("刑初456号") + 2
    pages = [PageContent(1, 100, 100, "text", JUDGMENT[:cut]), PageContent(2, 100, 100, "text", JUDGMENT[cut:])]
    sheet = extract_facts(pages)
    assert sheet["case_number"] == "（2021）江0102刑初456号"
    ev = sheet["evidence"]["case_number"]
    assert ev["page"] == 1 and ev["continues"][0]["page"] == 2
    assert ev["text"] + ev["continues"][0]["text"] == "（2021）江0102刑初456号"


def test_fact_section_names() -> None:
    text = ("经审理查明：2020年5月1日，被告人周大力、吴小川和郑某（另案处理）在某市某路持刀抢劫被害人"
            "钱某手机一部。周大力持刀威胁，吴小川搜身。")
    names = [d["name"] for d in extract_text(text)["defendants"]]
    assert names == ["周大力", "吴小川"]


def test_blood_alcohol_and_plate() -> None:
    text = ("被告人孙某，男，1980年1月1日出生，汉族，住某市。因涉嫌犯危险驾驶罪于2021年1月2日被取保候审。"
            "经审理查明，被告人孙某酒后驾驶苏A12345号小型轿车，经鉴定其血液中乙醇含量为152.3mg/100ml。")
    sheet = extract_text(text)
    assert sheet["blood_alcohol_mg_100ml"] == 152.3
    assert sheet["vehicle_plates"] == ["苏A12345"]


def test_detention_warrant_form() -> None:
    sheet = extract_text(DETENTION_WARRANT)
    assert sheet["document_type"] == "拘留证/逮捕证"
    assert sheet["case_number"] == "青公（刑）拘字〔2021〕101号"
    [d] = sheet["defendants"]
    assert (d["name"], d["gender"], d["birth_date"], d["ethnicity"]) == ("刘大海", "男", "1979-08-08", "汉族")
    assert d["custody_events"] == [{"measure": "刑事拘留", "date": "2021-01-06"}]
    assert d["charges"] == ["盗窃罪"]


def test_procedure_applied_by_the_court_not_the_proposal() -> None:
    text = JUDGMENT.replace("本院适用简易程序，", "公诉机关建议适用简易程序，本院依法适用普通程序，")
    assert extract_text(text)["procedure"] == "普通程序"
    switched = JUDGMENT.replace("本院适用简易程序，", "本院适用简易程序，后因案情复杂变更为普通程序，")
    assert extract_text(switched)["procedure"] == "普通程序"


def test_guilty_plea_negated() -> None:
    text = JUDGMENT.replace("被告人张小明、王某某自愿认罪认罚。", "被告人张小明、王某某未签署认罪认罚具结书。")
    assert extract_text(text)["guilty_plea_leniency"] is False


def test_prior_written_without_charge_name_and_short_detention_word() -> None:
    text = JUDGMENT.replace("2015年6月1日因犯盗窃罪被", "2015年6月1日因盗窃被").replace(
        "次日被刑事拘留", "次日被刑拘")
    d = extract_text(text)["defendants"][0]
    assert d["prior_convictions"][0]["charge"] == "盗窃罪"
    assert d["custody_events"][0] == {"measure": "刑事拘留", "date": "2020-12-31"}


def test_current_detention_sentence_starting_with_now() -> None:
    text = JUDGMENT.replace("因涉嫌犯贩卖毒品罪于2020年12月30日被抓获，次日被刑事拘留，",
                            "现因涉嫌犯贩卖毒品罪于2020年12月31日被刑事拘留，")
    events = extract_text(text)["defendants"][0]["custody_events"]
    assert events[0] == {"measure": "刑事拘留", "date": "2020-12-31"}


def test_sentence_about_a_defendant_is_not_a_party_paragraph() -> None:
    text = JUDGMENT.replace("经审理查明，", "被告人系初犯，现已羁押五个月。经审理查明，")
    assert [d["name"] for d in extract_text(text)["defendants"]] == ["张小明", "王某某"]


def test_role_word_with_colon_and_verdict_without_role_words() -> None:
    text = (JUDGMENT.replace("被告人张小明，绰号", "被告人：张小明，绰号")
            .replace("一、被告人张小明犯", "一、张小明犯").replace("二、被告人王某某犯", "二、王某某犯"))
    first, second = extract_text(text)["defendants"]
    assert first["name"] == "张小明"
    assert first["sentence"]["term_months"] == 16.5
    assert second["sentence"]["principal"] == "拘役"


@pytest.mark.parametrize("name", ["曾庆武", "于涛", "单小红", "和平安"])
def test_surnames_that_are_also_function_words(name: str) -> None:
    text = JUDGMENT.replace("张小明", name)
    assert extract_text(text)["defendants"][0]["name"] == name


def test_fact_section_names_with_function_word_surnames() -> None:
    text = "经审理查明：2020年5月1日，被告人于涛在某市盗窃电动车一辆。于涛到案后如实供述。"
    assert [d["name"] for d in extract_text(text)["defendants"]] == ["于涛"]


def test_probation_condition_is_not_an_offence_during_probation() -> None:
    text = JUDGMENT.replace("系累犯，依法从重处罚。", "系累犯，依法从重处罚。禁止被告人王某某在缓刑考验期限内进入娱乐场所。")
    assert [d["on_probation_at_offense"] for d in extract_text(text)["defendants"]] == [False, False]


def test_offence_during_probation_stated_in_reasoning() -> None:
    text = JUDGMENT.replace("系累犯，依法从重处罚。", "系累犯，依法从重处罚。被告人王某某在缓刑考验期内又犯新罪。")
    assert [d["on_probation_at_offense"] for d in extract_text(text)["defendants"]] == [False, True]


def test_appeal_dismissed_keeps_the_first_instance_sentence() -> None:
    sheet = extract_text(AFFIRMED)
    assert sheet["procuratorate"] == "江南省青石市河西区人民检察院"
    [d] = sheet["defendants"]
    assert d["charges"] == ["诈骗罪"]
    assert d["sentence"] == {"principal": "有期徒刑", "term_months": 36, "probation_months": None,
                             "fine_yuan": 20000, "revokes_probation": False}


def test_prior_variants_fine_only_and_charge_after_because() -> None:
    text = JUDGMENT.replace(
        "2015年6月1日因犯盗窃罪被青石市河西区人民法院判处有期徒刑八个月，并处罚金人民币二千元，2016年1月20日刑满释放。",
        "2013年5月25日因犯故意毁坏财物罪被单处罚金人民币三千元。2015年2月因贩卖毒品罪被判处有期徒刑一年三个月，"
        "2016年1月11日刑满释放。")
    priors = extract_text(text)["defendants"][0]["prior_convictions"]
    assert [(p["date"], p["charge"], p["sentence"]) for p in priors] == [
        ("2013-05-25", "故意毁坏财物罪", "单处罚金人民币三千元"),
        ("2015-02", "贩卖毒品罪", "有期徒刑一年三个月"),
    ]


def test_combined_sentence_written_as_merged_execution_and_missing_currency_word() -> None:
    text = JUDGMENT.replace(
        "判处有期徒刑一年零四个月十五日，并处罚金人民币贰万元。",
        "判处有期徒刑二年十个月；犯诈骗罪，判处有期徒刑九个月，并处罚金人民4000元；"
        "决定合并执行有期徒刑三年二个月，并处罚金人民4000元。")
    d = extract_text(text)["defendants"][0]
    assert d["charges"] == ["贩卖毒品罪", "诈骗罪"]
    assert (d["sentence"]["term_months"], d["sentence"]["fine_yuan"]) == (38, 4000)


def test_birth_date_with_registered_date_in_brackets() -> None:
    text = JUDGMENT.replace("1990年3月7日出生", "1990年3月7日（户籍登记为1989年11月29日）出生")
    assert extract_text(text)["defendants"][0]["birth_date"] == "1990-03-07"


def test_arrest_dated_when_executed_without_repeating_the_word() -> None:
    text = JUDGMENT.replace("2021年1月29日被逮捕。", "2021年1月20日被批准逮捕，同月29日由青石市公安局执行。")
    assert extract_text(text)["defendants"][0]["custody_events"][1] == {"measure": "逮捕", "date": "2021-01-29"}


def test_prior_with_details_stated_only_in_the_reasoning() -> None:
    text = (JUDGMENT.replace("2015年6月1日因犯盗窃罪被青石市河西区人民法院判处有期徒刑八个月，并处罚金人民币二千元，"
                             "2016年1月20日刑满释放。", "")
            .replace("被告人张小明曾因犯罪被判处有期徒刑，系累犯",
                     "被告人张小明曾因犯盗窃罪于2015年6月1日被判处有期徒刑八个月，系累犯"))
    priors = extract_text(text)["defendants"][0]["prior_convictions"]
    assert [(p["date"], p["charge"], p["sentence"]) for p in priors] == [("2015-06-01", "盗窃罪", "有期徒刑八个月")]


def test_second_instance_without_header_line_and_civil_defendant() -> None:
    text = SECOND_INSTANCE.replace("原公诉机关江南省青石市河东区人民检察院。\n", "").replace(
        "住青石市。因涉嫌犯故意伤害罪",
        "住青石市。因涉嫌犯故意伤害罪").replace(
        "江南省青石市河东区人民法院审理", "附带民事诉讼被告人钱多多，女，1970年1月1日出生，住青石市。\n"
        "江南省青石市河东区人民法院审理")
    sheet = extract_text(text)
    assert sheet["procuratorate"] == "江南省青石市河东区人民检察院"
    assert [d["name"] for d in sheet["defendants"]] == ["邱剑峰"]


def test_group_references_and_common_words_are_not_names() -> None:
    text = ("经审理查明：被告人孙大圣、朱八戒经营一家公司。两被告人期股款由公司垫付。"
            "被告人经营期间多次虚开发票。孙大圣、朱八戒到案后如实供述。")
    assert [d["name"] for d in extract_text(text)["defendants"]] == ["孙大圣", "朱八戒"]


def test_interrogation_record_question_and_answer() -> None:
    text = ("讯问笔录\n时间：2021年1月5日10时\n地点：青石市公安局\n"
            "问：你的姓名？答：刘大海。\n问：你的出生日期？答：1979年8月8日出生。\n"
            "问：你因何被传唤？答：我涉嫌盗窃罪。")
    sheet = extract_text(text)
    assert sheet["document_type"] == "讯问笔录"
    [d] = sheet["defendants"]
    assert (d["name"], d["birth_date"], d["charges"]) == ("刘大海", "1979-08-08", ["盗窃罪"])
    assert d["evidence"]["birth_date"]["text"] == "1979年8月8日"


def _evidence_objects(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        if {"page", "start", "end", "text", "boxes"} <= node.keys():
            return [node]
        return [e for value in node.values() for e in _evidence_objects(value)]
    if isinstance(node, list):
        return [e for value in node for e in _evidence_objects(value)]
    return []


@pytest.mark.parametrize("source", [JUDGMENT, PROBATION_REVOKED, SECOND_INSTANCE, DETENTION_WARRANT])
def test_every_evidence_object_points_at_its_page_text(source: str) -> None:
    noisy = source.replace("，", " ，").replace("年", "年\n", 3)
    pages = ocr_pages(noisy, len(noisy) // 2, line_len=17)
    sheet = extract_facts(pages, document_id=9)
    found = _evidence_objects(sheet["evidence"]) + _evidence_objects(sheet["defendants"])
    assert len(found) > 5
    by_number = {p.number: p for p in pages}
    for ev in found:
        for piece in [ev, *ev.get("continues", [])]:
            assert by_number[piece["page"]].text[piece["start"]:piece["end"]] == piece["text"]
            assert piece["boxes"], piece
        assert ev["document_id"] == 9 and 0 < ev["confidence"] <= 1


def test_revocation_naming_the_earlier_judgment_at_length() -> None:
    text = PROBATION_REVOKED.replace(
        "一、撤销本院对被告人赵六宣告缓刑六个月的部分。",
        "一、撤销江南省青石市河东区人民法院（2019）江0102刑初88号刑事判决书中对被告人赵六宣告缓刑的部分。")
    assert extract_text(text)["defendants"][0]["sentence"]["revokes_probation"] is True


def test_breach_of_bail_is_not_a_new_bail() -> None:
    text = JUDGMENT.replace("2021年1月29日被逮捕。", "同日被取保候审，又因违反取保候审规定，于2021年1月29日被逮捕。")
    events = extract_text(text)["defendants"][0]["custody_events"]
    assert [e["measure"] for e in events] == ["刑事拘留", "取保候审", "逮捕"]


def test_vague_earlier_offence_is_a_prior_without_charge() -> None:
    text = (JUDGMENT.replace("2015年6月1日因犯盗窃罪被青石市河西区人民法院判处有期徒刑八个月，并处罚金人民币二千元，"
                             "2016年1月20日刑满释放。", "")
            .replace("被告人张小明曾因犯罪被判处有期徒刑，系累犯", "被告人张小明曾因毒品犯罪被判处刑罚，系累犯"))
    priors = extract_text(text)["defendants"][0]["prior_convictions"]
    assert [p["charge"] for p in priors] == [None]


def test_later_reasoning_sentence_names_the_prior_charge() -> None:
    text = (JUDGMENT.replace("2015年6月1日因犯盗窃罪被青石市河西区人民法院判处有期徒刑八个月，并处罚金人民币二千元，"
                             "2016年1月20日刑满释放。", "")
            .replace("被告人张小明曾因犯罪被判处有期徒刑，系累犯",
                     "被告人张小明曾因毒品犯罪被判处刑罚后又犯罪，系毒品再犯。被告人张小明曾因犯贩卖毒品罪"
                     "被判处有期徒刑以上刑罚，刑罚执行完毕后五年内再犯应当判处有期徒刑以上刑罚之罪，系累犯"))
    priors = extract_text(text)["defendants"][0]["prior_convictions"]
    assert [(p["date"], p["charge"]) for p in priors] == [(None, "贩卖毒品罪")]


def test_page_furniture_before_the_court_name_is_not_part_of_it() -> None:
    # a real province name marks where the court's name starts once the space is gone
    text = JUDGMENT.replace("江南省", "湖南省")
    assert extract_text("文书内容 " + text)["court"] == "湖南省青石市河东区人民法院"


def test_case_number_read_with_half_width_brackets_keeps_the_written_form() -> None:
    plain = extract_text(JUDGMENT)["case_number"]
    assert plain.startswith("（")
    ocr = extract_text(JUDGMENT.replace(plain, plain.replace("（", "(").replace("）", ")")))
    assert ocr["case_number"] == plain
    assert ocr["evidence"]["case_number"]["text"].startswith("(")


def test_mask_keeping_a_given_name_character_that_is_also_a_function_word() -> None:
    text = ("经审理查明，2016年8月6日，被告人何某明在自家门口贩卖毒品给吸毒人员周某，后被民警抓获。"
            "民警当场从被告人何某明处扣押毒品5包。上述事实，被告人何某明在开庭审理过程中亦无异议，"
            "且有证人何某1的证言证实。")
    assert [d["name"] for d in extract_text(text)["defendants"]] == ["何某明"]
    once = "经审理查明，被告人汪某在某超市盗窃香烟两条，被当场抓获。被告人汪某在开庭审理过程中亦无异议。"
    assert [d["name"] for d in extract_text(once)["defendants"]] == ["汪某"]


def test_second_instance_procuratorate_without_the_first_court_named_before_it() -> None:
    text = ("某某二审刑事判决书四川省绵阳市中级人民法院刑事判决书（2015）绵刑终字第226号：三台县人民检察院"
            "指控原审被告人付某成犯容留他人吸毒罪一案，三台县人民法院于2015年5月6日作出刑事判决。"
            "原审被告人付某成不服，提出上诉。")
    assert extract_text(text)["procuratorate"] == "三台县人民检察院"


def test_words_glued_before_a_procuratorate_are_cut_at_the_province() -> None:
    text = ("陕西省延安市中级人民法院刑事判决书（2016）陕06刑终58号：陕西省延安市宝塔区人民法院审理的"
            "陕西省延安市宝塔区人民检察院指控原审被告人董某某犯开设赌场罪一案，于2016年1月5日作出判决。"
            "原审被告人董某某不服，提出上诉。")
    assert extract_text(text)["procuratorate"] == "陕西省延安市宝塔区人民检察院"


_TWO = (
    "某某省某市某区人民法院\n刑事判决书\n（2020）某0101刑初88号\n公诉机关某市某区人民检察院。\n"
    "被告人李大伟，男，1980年1月2日出生，汉族。因涉嫌犯盗窃罪于2019年8月1日被刑事拘留。\n"
    "被告人王小红，女，1990年2月3日出生，汉族。因涉嫌犯盗窃罪于2019年8月1日被刑事拘留。\n"
    "本院认为，被告人李大伟、王小红秘密窃取他人财物，数额较大，其行为均已构成盗窃罪。\n判决如下：\n"
)


def _sentences(verdict: str) -> dict[str, tuple[object, ...]]:
    sheet = extract_text(_TWO + verdict)
    return {d["name"]: (tuple(d["charges"]), d["sentence"]["principal"], d["sentence"]["term_months"],
                        d["sentence"]["fine_yuan"]) for d in sheet["defendants"]}


def test_joint_verdict_item_sentencing_each_in_turn() -> None:
    got = _sentences("被告人李大伟、王小红犯盗窃罪，分别判处有期徒刑一年、有期徒刑八个月，"
                     "并处罚金人民币五千元、三千元。")
    assert got == {"李大伟": (("盗窃罪",), "有期徒刑", 12.0, 5000.0),
                   "王小红": (("盗窃罪",), "有期徒刑", 8.0, 3000.0)}


def test_joint_verdict_item_with_one_sentence_for_all() -> None:
    got = _sentences("被告人李大伟、王小红犯盗窃罪，均判处有期徒刑六个月，并处罚金人民币二千元。")
    assert got["李大伟"] == got["王小红"] == (("盗窃罪",), "有期徒刑", 6.0, 2000.0)


def test_joint_list_that_cannot_be_paired_is_not_guessed() -> None:
    got = _sentences("被告人李大伟、王小红犯盗窃罪，分别判处有期徒刑一年，并处罚金人民币五千元、三千元。")
    assert got["王小红"][1:3] == (None, None)
    assert got["王小红"][3] == 3000.0


def test_a_word_after_a_two_character_name_is_not_part_of_it() -> None:
    text = ("经审理查明，丁某（另案处理）经营娱乐中心，由被告人王林负责场所的全面运营管理、被告人汪常铖负责"
            "团队事项的管理。被告人刘昊于2017年10月介绍于某参加该组织。")
    assert [d["name"] for d in extract_text(text)["defendants"]] == ["王林", "汪常铖", "刘昊"]
    listed = "经审理查明，被告人何樟和、邱子雄在某地共同盗窃。案发后，被告人何樟和主动到公安机关投案。"
    assert [d["name"] for d in extract_text(listed)["defendants"]] == ["何樟和", "邱子雄"]
