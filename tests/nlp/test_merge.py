from nlp.factsheet import extract_text, merge_factsheets
from tests.nlp.fixtures import ID_MALE_19900307, INDICTMENT

POLICE = (
    "青石市公安局\n起诉意见书\n青公刑诉字〔2021〕5号\n"
    "犯罪嫌疑人刘大海，男，1979年8月9日出生，汉族，住青石市。因涉嫌犯盗窃罪于2021年1月5日被"
    "青石市公安局刑事拘留。\n"
    "犯罪嫌疑人刘大海涉嫌盗窃罪、诈骗罪一案，现已侦查终结。\n"
    "经依法侦查查明：2020年12月，犯罪嫌疑人刘大海窃得手机一部。\n"
    "我局认为，犯罪嫌疑人刘大海的行为已涉嫌盗窃罪、诈骗罪。\n此致\n青石市河东区人民检察院"
)


def test_merge_reports_conflicts_without_resolving() -> None:
    police = extract_text(POLICE, document_id=1)
    indictment = extract_text(INDICTMENT, document_id=2)
    assert police["document_type"] == "起诉意见书"
    assert police["defendants"][0]["charges"] == ["盗窃罪", "诈骗罪"]
    merged = merge_factsheets([police, indictment])
    [d] = merged["defendants"]
    assert d["name"] == "刘大海"
    fields = {c["field"]: c for c in merged["conflicts"]}
    assert set(fields) == {"birth_date", "charges"}
    birth = fields["birth_date"]
    assert [v["value"] for v in birth["values"]] == ["1979-08-09", "1979-08-08"]
    assert [v["document_id"] for v in birth["values"]] == [1, 2]
    assert birth["values"][0]["evidence"]["text"] == "1979年8月9日"
    assert birth["defendant"] == "刘大海"
    assert d["charges"] == ["盗窃罪", "诈骗罪"]
    assert [v["value"] for v in fields["charges"]["values"]] == [["盗窃罪", "诈骗罪"], ["盗窃罪"]]


def test_merge_matches_by_id_number_before_name() -> None:
    base = "被告人{name}，男，1990年3月7日出生，汉族，公民身份号码{id}，住某市。"
    a = extract_text(base.format(name="张小明", id=ID_MALE_19900307), document_id=1)
    b = extract_text(base.format(name="张晓明", id=ID_MALE_19900307), document_id=2)
    merged = merge_factsheets([a, b])
    assert len(merged["defendants"]) == 1
    assert merged["defendants"][0]["names"] == ["张小明", "张晓明"]
    assert [c["field"] for c in merged["conflicts"]] == ["name"]


def test_merge_of_agreeing_sheets_has_no_conflicts() -> None:
    one = extract_text(INDICTMENT, document_id=1)
    two = extract_text(INDICTMENT, document_id=2)
    merged = merge_factsheets([one, two])
    assert merged["conflicts"] == []
    assert merged["procuratorate"] == "江南省青石市河东区人民检察院"
    assert merged["defendants"][0]["sources"] == [1, 2]


def test_partial_and_full_dates_do_not_conflict() -> None:
    base = "被告人甲乙丙，男，{birth}出生，汉族，住某市。"
    a = extract_text(base.format(birth="1985年11月"), document_id=1)
    b = extract_text(base.format(birth="1985年11月5日"), document_id=2)
    merged = merge_factsheets([a, b])
    assert merged["conflicts"] == []
    assert merged["defendants"][0]["birth_date"] == "1985-11-05"


def test_documents_naming_different_courts_or_procuratorates_conflict() -> None:
    from tests.nlp.fixtures import JUDGMENT

    indictment = extract_text(INDICTMENT, document_id=1)
    judgment = extract_text(JUDGMENT, document_id=2)
    assert indictment["court"] and judgment["court"]
    moved = JUDGMENT.replace(judgment["court"], "江南省青石市河西区人民法院")
    merged = merge_factsheets([indictment, extract_text(moved, document_id=3)])
    [court] = [c for c in merged["conflicts"] if c["field"] == "court"]
    assert court["defendant"] is None
    assert [v["document_id"] for v in court["values"]] == [1, 3]
    assert {v["value"] for v in court["values"]} == {indictment["court"], "江南省青石市河西区人民法院"}
    assert court["values"][1]["evidence"]["text"] == "江南省青石市河西区人民法院"


def test_an_appeal_courts_judgment_is_not_a_court_conflict() -> None:
    from tests.nlp.fixtures import JUDGMENT

    first = extract_text(JUDGMENT, document_id=1)
    appeal = JUDGMENT.replace(first["court"], "江南省青石市中级人民法院").replace(
        first["case_number"], "（2022）江01刑终12号")
    merged = merge_factsheets([first, extract_text(appeal, document_id=2)])
    assert not [c for c in merged["conflicts"] if c["field"] == "court"]


def test_issue17_merged_value_keeps_the_evidence_of_its_own_document() -> None:
    id_ev = {"document_id": 2, "page": 1, "start": 5, "end": 23, "text": "110105199005120313"}
    event_ev = {"measure": {"document_id": 2}, "date": {"document_id": 2}}
    warrant = {"document_id": 1, "defendants": [
        {"name": "王建国", "id_number": None, "custody_events": [], "evidence": {"name": {"document_id": 1}}}]}
    record = {"document_id": 2, "defendants": [
        {"name": "王建国", "id_number": "110105199005120313",
         "custody_events": [{"measure": "逮捕", "date": "2026-03-12"}],
         "evidence": {"name": {"document_id": 2}, "id_number": id_ev, "custody_events": [event_ev]}}]}
    [person] = merge_factsheets([warrant, record])["defendants"]
    assert person["id_number"] == "110105199005120313"
    assert person["evidence"]["id_number"] == id_ev
    assert person["evidence"]["custody_events"] == [event_ev]
    assert person["evidence"]["name"] == {"document_id": 1}


def test_issue18_a_document_silent_on_charges_is_no_conflict() -> None:
    from nlp.merge import merge_factsheets

    def sheet(doc: int, charges: list[str]) -> dict:  # type: ignore[type-arg]
        return {"document_id": doc, "case_number": None, "court": None, "procuratorate": None, "procedure": None,
                "guilty_plea_leniency": False, "evidence": {},
                "defendants": [{"name": "李明远", "charges": charges, "evidence": {}}]}

    merged = merge_factsheets([sheet(1, ["盗窃罪"]), sheet(2, []), sheet(3, ["盗窃罪"])])
    assert merged["defendants"][0]["charges"] == ["盗窃罪"] and merged["conflicts"] == []
    differing = merge_factsheets([sheet(1, ["盗窃罪"]), sheet(2, ["诈骗罪"]), sheet(3, [])])
    assert [c["field"] for c in differing["conflicts"]] == ["charges"]
    assert len(differing["conflicts"][0]["values"]) == 2  # the silent document is not a side
