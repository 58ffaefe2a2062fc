"""Validation of single values (a reviewer's correction) and across fields."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import CasefileError
from nlp.forms import check_form, get_form, validate_field, validate_form
from tests.forms.conftest import TODAY, fictional_id

FORM = "custody_transfer"


def codes(problems: list) -> list[str]:
    return [p.code for p in problems]


def test_valid_id_number_passes() -> None:
    assert validate_field(get_form(FORM), "id_number", fictional_id("1985-03-07", "123")) == []


def test_id_check_character_is_verified() -> None:
    good = fictional_id("1985-03-07", "123")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    problems = validate_field(get_form(FORM), "id_number", bad)
    assert codes(problems) == ["id_check_char"]
    assert "校验码" in problems[0].message


def test_id_format() -> None:
    assert codes(validate_field(get_form(FORM), "id_number", "12345")) == ["id_format"]


def test_id_consistency_with_birth_date_and_gender() -> None:
    number = fictional_id("1985-03-07", "123")  # odd serial: male
    values = {"id_number": number, "birth_date": "1986-03-07", "gender": "女"}
    got = codes(check_form(get_form(FORM), values))
    assert "id_birth_date_mismatch" in got and "id_gender_mismatch" in got
    ok = {"id_number": number, "birth_date": "1985-03-07", "gender": "男"}
    assert check_form(get_form(FORM), ok) == []


def test_detention_must_precede_arrest() -> None:
    late = {"detention_date": "2023-02-01", "arrest_date": "2023-01-20"}
    problems = check_form(get_form(FORM), late)
    assert {p.field for p in problems} == {"detention_date", "arrest_date"}
    assert all(p.code == "date_order" and "刑事拘留" in p.message for p in problems)
    assert check_form(get_form(FORM), {"detention_date": "2023-01-05", "arrest_date": "2023-01"}) == []


def test_future_and_invalid_dates() -> None:
    form = get_form(FORM)
    assert codes(validate_field(form, "arrest_date", "2024-07-01", today=TODAY)) == ["date_future"]
    assert codes(validate_field(form, "arrest_date", "2023-02-30", today=TODAY)) == ["date_invalid"]
    assert codes(validate_field(form, "arrest_date", "2023年1月", today=TODAY)) == ["date_invalid"]
    assert validate_field(form, "arrest_date", "2024-05", today=TODAY) == []
    assert validate_field(form, "arrest_date", dt.date.today().isoformat()) == []


def test_enum_range_pattern_and_list() -> None:
    form = get_form("community_correction")
    assert codes(validate_field(form, "gender", "未知")) == ["enum"]
    assert codes(validate_field(form, "probation_months", 100)) == ["range"]
    assert codes(validate_field(form, "probation_months", "十二")) == ["type"]
    assert validate_field(form, "probation_months", 12) == []
    assert codes(validate_field(form, "charges", ["盗窃"])) == ["charge_unknown"]
    assert "是否为“盗窃罪”" in validate_field(form, "charges", ["盗窃"])[0].message
    assert validate_field(form, "charges", ["盗窃罪", "诈骗罪"]) == []
    assert codes(validate_field(form, "court", "某某区司法局")) == ["pattern"]


def test_issue18_selective_charge_is_one_item_of_the_charge_table() -> None:
    form = get_form("prosecution_transfer")
    # a selective charge whole, and one with alternatives left out as judgments write it
    assert validate_field(form, "charges", ["掩饰、隐瞒犯罪所得、犯罪所得收益罪"]) == []
    assert validate_field(form, "charges", ["掩饰、隐瞒犯罪所得罪", "盗窃罪"]) == []
    # split at its 、 (what the page used to send), each piece is named, not "格式不正确"
    problems = validate_field(form, "charges", ["掩饰", "隐瞒犯罪所得", "犯罪所得收益罪"])
    assert codes(problems) == ["charge_unknown"] * 3
    assert "“掩饰”不是罪名表中的罪名" in problems[0].message and "每行一个" in problems[0].message
    assert codes(validate_field(form, "charges", ["盗窃罪", "偷东西罪"])) == ["charge_unknown"]
    assert "是否为“危险驾驶罪”" in validate_field(form, "charges", ["危险驾车罪"])[0].message


def test_empty_is_not_a_validation_problem() -> None:
    assert validate_field(get_form(FORM), "id_number", None) == []


def test_unknown_field_is_a_clear_error() -> None:
    with pytest.raises(CasefileError) as exc:
        validate_field(get_form(FORM), "shoe_size", 42)
    assert exc.value.code == "form_field_unknown" and "id_number" in exc.value.hint


def test_validate_form_for_a_reviewed_form() -> None:
    form = get_form(FORM)
    values = {"case_number": "（2023）京0105刑初9999号", "agency": "北京市朝阳区人民法院",
              "name": "张某某", "gender": "男", "birth_date": "1985-03-07",
              "id_number": fictional_id("1985-03-07", "123"), "charges": ["盗窃罪"],
              "detention_date": "2023-01-05", "arrest_date": "2023-01-20"}
    assert validate_form(form, values, today=TODAY) == []
    del values["arrest_date"]
    values["gender"] = "女"
    got = codes(validate_form(form, values, today=TODAY))
    assert "required" in got and "id_gender_mismatch" in got
