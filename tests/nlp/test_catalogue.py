"""Cataloguing (issue 17): standard types as data, and splitting a file's pages into documents."""

from __future__ import annotations

from typing import Any

import pytest

from bench.volumes.corpus import build_volumes
from ingest.reading.types import PageContent
from nlp.catalogue.split import catalogue_pages
from nlp.catalogue.types import document_types, find_titles, get_type, type_names

ISSUE_TYPES = ("受案登记表", "立案决定书", "拘留证", "拘留通知书", "提请批准逮捕书", "批准逮捕决定书",
               "不批准逮捕决定书", "逮捕证", "逮捕通知书", "取保候审决定书", "监视居住决定书", "释放通知书",
               "起诉意见书", "讯问笔录", "询问笔录", "辨认笔录", "现场勘验笔录", "扣押清单", "鉴定意见",
               "到案经过", "常住人口登记表", "认罪认罚具结书", "起诉书", "刑事判决书", "换押证",
               "社区矫正调查评估意见书", "其他")


def _pages(texts: list[str]) -> list[PageContent]:
    return [PageContent(i + 1, 0, 0, "text-layer", t) for i, t in enumerate(texts)]


def _spans(texts: list[str]) -> list[tuple[str, int, int]]:
    return [(d.type, d.first_page, d.last_page) for d in catalogue_pages(_pages(texts))]


def test_issue17_every_standard_type_is_in_the_table() -> None:
    assert set(ISSUE_TYPES) <= set(type_names())
    assert all(t.extract for t in document_types())


@pytest.mark.parametrize(("title", "doc_type"), [
    ("鉴定书", "鉴定意见"), ("抓获经过", "到案经过"), ("户籍证明", "常住人口登记表"),
    ("刑事附带民事判决书", "刑事判决书"), ("不批准逮捕决定书", "不批准逮捕决定书"),
    ("批准逮捕决定书", "批准逮捕决定书"), ("拘留通知书", "拘留通知书"), ("起诉意见书", "起诉意见书"),
])
def test_issue17_aliases_name_the_standard_type(title: str, doc_type: str) -> None:
    [match] = find_titles(title)
    assert match.type.name == doc_type
    assert get_type("no such type").name == "其他"


def test_issue17_spaced_title_blank_backs_and_continuations() -> None:
    texts = [
        "某市公安局\n拘 留 证\n某公（刑）拘字〔2026〕7号\n兹决定对犯罪嫌疑人张三执行拘留。\n某市公安局（印）\n二〇二六年三月二日",
        "",
        "某市公安局\n起诉意见书\n某公（刑）诉字〔2026〕9号\n犯罪嫌疑人张三，男，1990年1月1日出生。",
        "经依法侦查查明：张三盗窃财物。综上所述，现将此案随案移送起诉意见书。\n此致\n某区人民检察院\n某市公安局（印）\n二〇二六年四月一日",
        "（此页无正文）",
    ]
    assert _spans(texts) == [("拘留证", 1, 2), ("起诉意见书", 3, 5)]
    first, second = catalogue_pages(_pages(texts))
    assert (first.title, first.number, first.agency, first.date) == ("拘留证", "某公（刑）拘字〔2026〕7号", "某市公安局", "2026-03-02")
    assert second.date == "2026-04-01"
    assert {"name": "张三", "role": "犯罪嫌疑人"} in second.persons


def test_issue17_each_interrogation_session_is_a_document() -> None:
    session = "讯问笔录\n（第{n}次）\n时间：2026年3月{n}日9时\n被讯问人：张三\n问：你叫什么？\n答：张三。"
    texts = [session.format(n=1), "问：还有吗？\n答：没有。\n张三\n2026年3月1日", session.format(n=2)]
    docs = catalogue_pages(_pages(texts))
    assert [(d.title, d.first_page, d.last_page) for d in docs] == [
        ("讯问笔录（第1次）", 1, 2), ("讯问笔录（第2次）", 3, 3)]
    assert docs[1].date == "2026-03-02"


def test_issue17_title_word_inside_a_sentence_or_running_header_starts_nothing() -> None:
    texts = ["某市公安局\n起诉意见书\n正文第一页。", "现将此案连同起诉意见书、\n案卷材料移送审查起诉。",
             "讯问笔录\n被讯问人：李四\n问：你叫什么？", "讯问笔录第2页\n答：李四。"]
    assert _spans(texts) == [("起诉意见书", 1, 2), ("讯问笔录", 3, 4)]


def test_issue17_title_misread_by_ocr_and_untitled_document_after_a_seal() -> None:
    texts = ["某区人民检察院\n批准逮浦决定书\n某检批捕〔2026〕3号\n决定批准逮捕犯罪嫌疑人王五。\n二〇二六年三月九日",
             "某市公安局\n某公（刑）字〔2026〕12号\n（标题不清）正文。"]
    assert _spans(texts) == [("批准逮捕决定书", 1, 1), ("其他", 2, 2)]


def test_issue17_fictional_volumes_split_as_written() -> None:
    for volume in build_volumes():
        docs = catalogue_pages(_pages(volume.pages))
        got = [(d.type, d.first_page, d.last_page) for d in docs]
        assert got == [(g["type"], g["first_page"], g["last_page"]) for g in volume.documents], volume.name
        assert all(d.date for d in docs)


def _volume_sheet(index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    from nlp.catalogue.volume import extract_volume

    volume = build_volumes()[index]
    return extract_volume(_pages(volume.pages)), volume.facts


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_issue17_volume_facts_merged_per_person(index: int) -> None:
    sheet, truth = _volume_sheet(index)
    [person] = sheet["defendants"]
    [want] = truth["defendants"]
    for key in ("name", "gender", "birth_date", "ethnicity", "id_number", "charges", "custody_events"):
        assert person[key] == want[key], key
    assert [(p["charge"], p["date"][:4]) for p in person["prior_convictions"]] == [
        (p["charge"], p["year"]) for p in want["prior_convictions"]]
    assert sheet["guilty_plea_leniency"] is truth["guilty_plea_leniency"]
    assert sheet["conflicts"] == []


def test_issue17_prior_judgment_in_a_volume_is_no_court_of_the_case() -> None:
    sheet, _ = _volume_sheet(0)
    assert sheet["court"] is None and "刑初" not in str(sheet["case_number"])
    [person] = sheet["defendants"]
    assert person["sentence"] is None
    assert person["prior_convictions"][0]["court"] == "北京市丰台区人民法院"
    assert all(e["date"] >= "2026" for e in person["custody_events"])
    judgment = [d for d in sheet["documents"] if d["type"] == "刑事判决书"]
    assert [d["prior_judgment"] for d in judgment] == [True]


def test_issue17_one_document_file_keeps_the_single_document_sheet() -> None:
    from nlp.catalogue.volume import extract_volume
    from nlp.factsheet import extract_facts
    from tests.nlp.fixtures import DETENTION_WARRANT

    pages = _pages([DETENTION_WARRANT])
    assert extract_volume(pages) == extract_facts(pages)


def test_issue17_interrogation_answers_give_identity_and_priors() -> None:
    from nlp.factsheet import extract_text

    text = ("讯问笔录\n被讯问人：赵六\n问：你的个人情况？\n答：我叫赵六，男，1991年2月3日出生，壮族，初中文化。\n"
            "问：你以前受过什么处罚？\n答：我2018年4月5日因犯盗窃罪被某区人民法院判处拘役五个月。")
    [d] = extract_text(text)["defendants"]
    assert (d["name"], d["gender"], d["birth_date"], d["ethnicity"]) == ("赵六", "男", "1991-02-03", "壮族")
    assert [(p["date"], p["charge"]) for p in d["prior_convictions"]] == [("2018-04-05", "盗窃罪")]


def test_issue17_title_set_apart_below_the_first_lines_of_a_scan() -> None:
    from ingest.reading.types import Line

    texts = ["编号：0012", "共2页", "第1页", "附件三", "北京市公安局朝阳分局", "拘 留 证", "兹决定对犯罪嫌疑人张三执行拘留。"]
    lines, pos = [], 0
    for i, t in enumerate(texts):
        tall = t == "拘 留 证"
        box = [700.0, 300.0 + 60 * i, 950.0, 300.0 + 60 * i + (70 if tall else 40)] if tall else \
            [150.0, 300.0 + 60 * i, 150.0 + 40 * len(t), 300.0 + 60 * i + 40]
        lines.append(Line(t, box, 0.95, pos, pos + len(t)))
        pos += len(t) + 1
    scan = PageContent(1, 1654, 2339, "ocr", "\n".join(texts), lines)
    prose = PageContent(2, 1654, 2339, "ocr", "问：你叫什么？", [Line("问：你叫什么？", [150, 300, 500, 340], 0.9, 0, 7)])
    [doc] = catalogue_pages([scan, prose])
    assert (doc.type, doc.first_page, doc.last_page) == ("拘留证", 1, 2)


def test_issue17_known_titles_outside_the_standard_types_start_a_document_typed_other() -> None:
    texts = ["某市公安局\n搜 查 证\n某公（刑）搜字〔2026〕2号\n兹决定对张三住处进行搜查。",
             "某市公安局\n鉴定意见通知书\n某公（刑）鉴通字〔2026〕3号\n将用作证据的鉴定意见告知如下。",
             "某市中级人民法院\n刑事裁定书\n（2026）某01刑终5号\n驳回上诉，维持原判。"]
    docs = catalogue_pages(_pages(texts))
    assert [(d.type, d.title, d.first_page) for d in docs] == [
        ("其他", "搜查证", 1), ("其他", "鉴定意见通知书", 2), ("其他", "刑事裁定书", 3)]
    assert "刑事裁定书" not in type_names() and "搜查证" not in type_names()
    assert all(d["type"] in type_names() for d in (doc.to_dict() for doc in docs))


def test_issue17_a_judgment_pasted_as_one_paragraph_is_one_typed_document() -> None:
    text = ("被告人张某盗窃一案一审刑事判决书 某省某市某区人民法院 刑事判决书 （2017）某0102刑初21号 "
            "公诉机关某市某区人民检察院。被告人张某，男，1990年1月1日出生。某区人民检察院以起诉书指控被告人张某犯盗窃罪。")
    pages = _pages([text, "本院认为，被告人张某犯盗窃罪。判决如下：被告人张某犯盗窃罪，判处有期徒刑六个月。"])
    [doc] = catalogue_pages(pages)
    assert (doc.type, doc.first_page, doc.last_page) == ("刑事判决书", 1, 2)


def test_issue17_record_title_printed_on_every_sheet_is_one_session() -> None:
    texts = ["讯问笔录\n时间：2026年3月1日9时\n地点：某派出所\n被讯问人：张三\n问：你叫什么？",
             "讯问笔录\n第2页共3页\n答：张三。\n问：还有吗？",
             "讯 问 笔 录\n答：没有了。\n以上笔录我看过。张三\n2026年3月1日",
             "讯问笔录\n时间：2026年3月9日14时\n地点：某看守所\n被讯问人：张三\n问：你还有补充吗？"]
    docs = catalogue_pages(_pages(texts))
    assert [(d.type, d.first_page, d.last_page) for d in docs] == [("讯问笔录", 1, 3), ("讯问笔录", 4, 4)]
