from nlp.normalize import normalize


def test_full_width_digits_and_letters() -> None:
    norm = normalize("２０２１年ＡＢ")
    assert norm.text == "2021年AB"


def test_whitespace_between_cjk_removed_and_offsets_map_back() -> None:
    raw = "被 告 人\n张 小明，男"
    norm = normalize(raw)
    assert norm.text == "被告人张小明，男"
    start = norm.text.index("张小明")
    s, e = norm.span_to_orig(start, start + 3)
    assert raw[s:e] == "张 小明"


def test_space_kept_only_between_ascii_words() -> None:
    assert normalize("QM 5367 号").text == "QM5367号"
    assert normalize("Li Ming").text == "Li Ming"
    assert normalize("（2 O18）沪O1 06").text == "（2018）沪0106"


def test_digit_confusables() -> None:
    assert normalize("2l时许，2O17年").text == "21时许，2017年"
    assert normalize("Oliver").text == "Oliver"


def test_page_furniture_is_dropped() -> None:
    assert normalize("被告人张\n第 2 页 共 5 页\n小明，男").text == "被告人张小明，男"
    assert normalize("刑初456\n- 3 -\n号").text == "刑初456号"


def test_stray_point_between_a_number_and_its_date_unit_is_dropped() -> None:
    src = "同年7.月30日被逮捕，2018年7月6．日执行，罚金1.5万元"
    norm = normalize(src)
    assert norm.text == "同年7月30日被逮捕，2018年7月6日执行，罚金1.5万元"
    start = norm.text.index("7月30日")
    assert src[slice(*norm.span_to_orig(start, start + 5))] == "7.月30日"
