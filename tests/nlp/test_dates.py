from nlp.dates import parse_date, scan_dates
from nlp.normalize import normalize


def _isos(text: str) -> list[str | None]:
    return [m.iso for m in scan_dates(text)]


def test_absolute_and_chinese_numerals() -> None:
    assert parse_date("于2017年8月8日被抓获") == "2017-08-08"
    assert parse_date("二〇二一年四月八日") == "2021-04-08"
    assert parse_date("2018年06月28日") == "2018-06-28"


def test_partial_dates() -> None:
    assert parse_date("1985年11月出生") == "1985-11"
    assert parse_date("2015年出生") == "2015"
    assert parse_date("2017年12月某日") == "2017-12"


def test_relative_dates_resolve_against_previous() -> None:
    text = "于2020年12月30日被抓获，次日被刑事拘留，同年2月3日被取保，同月9日被逮捕，当日送押"
    assert _isos(text) == ["2020-12-30", "2020-12-31", "2020-02-03", "2020-02-09", "2020-02-09"]


def test_next_day_crosses_month_and_leap_day() -> None:
    assert _isos("2020年2月29日被抓获，次日被刑事拘留") == ["2020-02-29", "2020-03-01"]
    assert _isos("2021年12月31日，翌日") == ["2021-12-31", "2022-01-01"]
    assert _isos("2100年2月28日，次日") == ["2100-02-28", "2100-03-01"]  # 2100 is no leap year


def test_next_day_of_a_day_that_does_not_exist_or_has_none_leaves_the_date() -> None:
    # December of year 9999 raised ValueError (the month end was found from January 10000).
    assert _isos("9999年12月30日，次日") == ["9999-12-30", "9999-12-31"]
    assert _isos("9999年12月31日，次日") == ["9999-12-31", "9999-12-31"]
    assert _isos("2021年2月29日，次日") == ["2021-02-29", "2021-02-29"]


def test_relative_without_anchor_is_none() -> None:
    assert _isos("次日被刑事拘留") == [None]


def test_ocr_confusable_day_character() -> None:
    assert parse_date(normalize("2019年5月2曰").text) == "2019-05-02"


def test_issue18_signed_date_is_the_closing_date_else_the_time_label_else_the_last() -> None:
    from nlp.dates import signed_date

    judgment = "被告人于2025年5月28日窃取现金。\n审判长 张三\n二〇二五年九月十五日\n书记员 李四"
    found = signed_date(judgment)
    assert found is not None and found.iso == "2025-09-15"
    assert judgment[found.start:found.end] == "二〇二五年九月十五日"
    record = "讯问笔录\n时间：2026年3月2日10时20分至11时40分\n问：2025年5月28日你在哪里？"
    assert (m := signed_date(record)) is not None and m.iso == "2026-03-02"
    assert (m := signed_date("于2026年3月2日刑拘，2026年3月30日逮捕。")) is not None and m.iso == "2026-03-30"
    assert signed_date("2026年3月批准，同日执行。") is None  # no full absolute date
