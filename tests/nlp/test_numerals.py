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


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # digit by digit (years, case numbers), with every zero the documents and OCR write
        ("二〇一七", 2017), ("二○一七", 2017), ("二零一七", 2017), ("二Ｏ一七", 2017), ("2０17", 2017),
        # positional, with 十 standing for 一十 at the start and 零 for a skipped place
        ("十", 10), ("二十", 20), ("一百一十", 110), ("一千零五", 1005), ("三万零八百", 30800),
        ("两千", 2000), ("一万二千五百", 12500), ("十二万", 120000), ("三亿", 300_000_000),
        # financial capitals, as amounts in judgments are written
        ("壹仟贰佰", 1200), ("伍拾", 50), ("叁萬", 30000), ("玖佰玖拾玖", 999),
        # Arabic with thousands separators, half and full width commas
        ("3,000", 3000), ("3，000", 3000),
    ],
)
def test_cn_to_int_reads_every_form_the_documents_write(text: str, value: int) -> None:
    """Kept for the swap to a library (issue #20 step 7): each form must still read the same."""
    assert cn_to_int(text) == value
