import pytest

from nlp.factsheet import extract_text
from nlp.idcard import check_char, check_id
from tests.nlp.fixtures import ID_MALE_19900307


def test_check_character_iso7064() -> None:
    # Worked example used in the GB 11643 standard.
    assert check_char("11010519491231002") == "X"
    assert check_id(ID_MALE_19900307).valid


def test_wrong_check_character() -> None:
    bad = ID_MALE_19900307[:17] + ("0" if ID_MALE_19900307[17] != "0" else "1")
    assert "check_char" in check_id(bad).problems


def test_consistency_with_birth_date_and_gender() -> None:
    result = check_id(ID_MALE_19900307, birth_date="1991-03-07", gender="女")
    assert "birth_date_mismatch" in result.problems
    assert "gender_mismatch" in result.problems
    assert check_id(ID_MALE_19900307, birth_date="1990-03", gender="男").valid


def test_inconsistent_id_is_reported_with_low_confidence() -> None:
    text = (f"被告人甲乙丙，女，1990年3月7日出生，汉族，公民身份号码{ID_MALE_19900307}，住某市。"
            "因涉嫌犯盗窃罪于2021年1月1日被刑事拘留。")
    d = extract_text(text)["defendants"][0]
    assert d["id_number"] == ID_MALE_19900307
    assert d["id_number_problems"] == ["gender_mismatch"]
    assert d["evidence"]["id_number"]["confidence"] < 0.9


def test_birth_date_taken_from_id_when_not_written() -> None:
    text = f"被告人甲乙丙，男，汉族，身份证号码{ID_MALE_19900307}，住某市。"
    assert extract_text(text)["defendants"][0]["birth_date"] == "1990-03-07"


def test_check_character_needs_exactly_17_digits() -> None:
    # Full-width digits passed the old hand-made sum (int("１") == 1).
    for bad in ["1101051949123100", "110105194912310021", "1101051949123100X", "１１０１０５１９４９１２３１００２"]:
        with pytest.raises(ValueError):
            check_char(bad)


def test_a_leap_day_birth_date_is_checked_against_the_month_end() -> None:
    assert check_id("11010520000229001" + check_char("11010520000229001")).birth_date == "2000-02-29"
    assert "birth_date_invalid" in check_id("11010519000229001" + check_char("11010519000229001")).problems
