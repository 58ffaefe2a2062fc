"""Prefill statuses, evidence, flags, per-defendant forms and the CONTRACT shapes."""

from __future__ import annotations

import json
from typing import Any

from nlp.forms import get_form, prefill, prefill_all, prefill_json
from tests.forms.conftest import TODAY

CONTRACT_FIELD_KEYS = {"name", "source", "value", "status", "confidence", "evidence"}


def test_filled_fields_carry_value_confidence_and_evidence(sheet: dict[str, Any]) -> None:
    form = prefill(get_form("community_correction"), sheet, today=TODAY)
    probation = form.field("probation_months")
    assert (probation.status, probation.value, probation.confidence) == ("filled", 12, 0.95)
    assert probation.evidence == [{"document_id": 1, "page": 3, "start": 222, "end": 224,
                                   "text": "一年", "boxes": [[10.0, 20.0, 30.0, 40.0]],
                                   "confidence": 0.95}]
    assert form.field("charges").value == ["盗窃罪"]
    assert form.field("case_number").evidence[0]["page"] == 1
    assert all(f.status == "filled" for f in form.fields)


def test_evidence_is_a_copy(sheet: dict[str, Any]) -> None:
    form = prefill(get_form("community_correction"), sheet, today=TODAY)
    form.field("name").evidence[0]["boxes"].append([0, 0, 0, 0])
    assert sheet["defendants"][0]["evidence"]["name"]["boxes"] == [[10.0, 20.0, 30.0, 40.0]]


def test_absent_values_are_missing(sheet: dict[str, Any]) -> None:
    form = prefill(get_form("community_correction"), sheet, defendant_index=1, today=TODAY)
    assert form.defendant == "李某"
    for name in ("birth_date", "id_number", "principal", "term_months", "probation_months"):
        f = form.field(name)
        assert (f.status, f.value, f.evidence) == ("missing", None, [])
    assert form.field("name").value == "李某"


def test_index_beyond_defendants_is_all_missing(sheet: dict[str, Any]) -> None:
    form = prefill(get_form("custody_transfer"), sheet, defendant_index=7, today=TODAY)
    assert form.defendant is None
    assert form.field("name").status == "missing"
    assert form.field("case_number").status == "filled"


def test_merged_conflict_is_flagged_with_candidates(conflicting_case: dict[str, Any]) -> None:
    form = prefill(get_form("community_correction"), conflicting_case, today=TODAY)
    term = form.field("term_months")
    assert term.status == "conflict" and term.value is None
    assert sorted(c["value"] for c in term.candidates) == [10, 12]
    assert {c["document_id"] for c in term.candidates} == {1, 2}
    assert all(c["evidence"][0]["text"] == "十个月" for c in term.candidates)
    assert term.problems[0].code == "disputed"
    # The dispute is over the term only: the rest of the sentence stays filled.
    assert form.field("probation_months").status == "filled"
    assert form.field("fine_yuan").status == "filled"


def test_low_confidence_is_flagged_not_guessed(sheet: dict[str, Any]) -> None:
    sheet["defendants"][0]["evidence"]["birth_date"]["confidence"] = 0.5
    f = prefill(get_form("community_correction"), sheet, today=TODAY).field("birth_date")
    assert (f.status, f.value) == ("conflict", None)
    assert f.candidates[0]["value"] == "1985-03-07"
    assert [p.code for p in f.problems] == ["low_confidence"]


def test_invalid_value_is_flagged(sheet: dict[str, Any]) -> None:
    number = sheet["defendants"][0]["id_number"]
    sheet["defendants"][0]["id_number"] = number[:17] + ("0" if number[17] != "0" else "1")
    f = prefill(get_form("custody_transfer"), sheet, today=TODAY).field("id_number")
    assert f.status == "conflict" and [p.code for p in f.problems] == ["id_check_char"]


def test_id_disagreeing_with_birth_date_flags_both(sheet: dict[str, Any]) -> None:
    sheet["defendants"][0]["birth_date"] = "1985-04-07"
    form = prefill(get_form("community_correction"), sheet, today=TODAY)
    assert form.field("id_number").status == "conflict"
    assert form.field("birth_date").status == "conflict"
    assert form.field("gender").status == "filled"
    assert [p.code for p in form.problems] == ["id_birth_date_mismatch"] * 2


def test_detention_after_arrest_flags_both_dates(sheet: dict[str, Any]) -> None:
    sheet["defendants"][0]["custody_events"][0]["date"] = "2023-03-01"
    form = prefill(get_form("custody_transfer"), sheet, today=TODAY)
    assert form.field("detention_date").status == "conflict"
    assert form.field("arrest_date").status == "conflict"
    assert {p.code for p in form.problems} == {"date_order"}


def test_future_date_is_flagged(sheet: dict[str, Any]) -> None:
    sheet["defendants"][0]["custody_events"][1]["date"] = "2030-01-01"
    f = prefill(get_form("custody_transfer"), sheet, today=TODAY).field("arrest_date")
    assert f.status == "conflict" and f.problems[0].code == "date_future"


def test_ambiguous_filter_is_a_conflict(sheet: dict[str, Any]) -> None:
    d = sheet["defendants"][0]
    d["custody_events"].append({"measure": "逮捕", "date": "2023-02-01"})
    d["evidence"]["custody_events"].append({"date": {**d["evidence"]["custody_events"][1]["date"]}})
    f = prefill(get_form("custody_transfer"), sheet, today=TODAY).field("arrest_date")
    assert f.status == "conflict"
    assert [c["value"] for c in f.candidates] == ["2023-01-20", "2023-02-01"]


def test_value_without_evidence_is_flagged(sheet: dict[str, Any]) -> None:
    del sheet["defendants"][0]["evidence"]["ethnicity"]
    f = prefill(get_form("community_correction"), sheet, today=TODAY).field("ethnicity")
    assert f.status == "conflict" and f.problems[0].code == "no_evidence"


def test_enum_outside_choices_is_flagged(sheet: dict[str, Any]) -> None:
    sheet["defendants"][0]["gender"] = "M"
    f = prefill(get_form("community_correction"), sheet, today=TODAY).field("gender")
    assert f.status == "conflict" and f.problems[0].code == "enum"


def test_one_form_per_defendant(sheet: dict[str, Any]) -> None:
    forms = prefill_all(get_form("indictment"), sheet, today=TODAY)
    assert [f.defendant for f in forms] == ["张某某", "李某"]
    assert forms[1].field("name").source == "defendants[1].name"
    assert forms[1].field("procuratorate").value == "北京市朝阳区人民检察院"


def test_to_dict_contract_shape(sheet: dict[str, Any]) -> None:
    out = prefill(get_form("indictment"), sheet, today=TODAY).to_dict()
    assert out["form"] == "indictment"
    for field in out["fields"]:
        assert CONTRACT_FIELD_KEYS <= set(field)
        assert field["status"] in ("filled", "missing", "conflict")
    json.dumps(out, ensure_ascii=False)


def test_prefill_json_contract_shape(sheet: dict[str, Any]) -> None:
    out = prefill_json("custody_transfer", sheet, "case/judgment.pdf", today=TODAY)
    assert (out["path"], out["form"]) == ("case/judgment.pdf", "custody_transfer")
    assert all(CONTRACT_FIELD_KEYS <= set(f) for f in out["fields"])
    assert [f["defendant"] for f in out["forms"]] == ["张某某", "李某"]
    assert out["fields"] == out["forms"][0]["fields"]
    json.dumps(out, ensure_ascii=False)


def test_empty_sheet_gives_missing_fields() -> None:
    out = prefill_json("arrest_request", {"defendants": []}, "x.txt")
    assert {f["status"] for f in out["fields"]} == {"missing"}
