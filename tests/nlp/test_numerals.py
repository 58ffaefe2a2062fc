import pytest

from nlp.numerals import cn_to_int, parse_amount, parse_term


@pytest.mark.parametrize(
    ("text", "value"),
    [("二〇二〇", 2020), ("十二", 12), ("十五", 15), ("一百零五", 105), ("一千二百", 1200),
     ("两万", 20000), ("贰万", 20000), ("3000", 3000), ("三", 3)],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@pytest.mark.parametrize(
    ("text", "months"),
    [("七年", 84), ("一年零七个月", 19), ("六个月", 6), ("四个月十五日", 4.5),
     ("一年六个月", 18), ("十个月", 10), ("3年", 36)],
)
def test_parse_term(text: str, months: float) -> None:
    assert parse_term(text) == pytest.approx(months)


@pytest.mark.parametrize(
    ("text", "yuan"),
    [("人民币五千元", 5000), ("人民币3,000元", 3000), ("人民币3，000元", 3000), ("2万元", 20000),
     ("1.5万元", 15000), ("人民币贰万元", 20000), ("人民币一千元", 1000)],
)
def test_parse_amount(text: str, yuan: float) -> None:
    assert parse_amount(text) == yuan


def test_unreadable_is_none() -> None:
    assert cn_to_int("abc") is None
    assert parse_term("许多") is None
