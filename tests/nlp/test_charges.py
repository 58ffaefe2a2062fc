import pytest

from nlp.charges import lexicon, link_charge, nearest_charge


def test_lexicon_size() -> None:
    assert len(lexicon().official) == 483


@pytest.mark.parametrize(
    ("written", "official"),
    [("贩卖毒品罪", "走私、贩卖、运输、制造毒品罪"), ("运输毒品罪", "走私、贩卖、运输、制造毒品罪"),
     ("窝藏罪", "窝藏、包庇罪"), ("包庇罪", "窝藏、包庇罪"), ("盗窃罪", "盗窃罪"),
     ("容留卖淫罪", "引诱、容留、介绍卖淫罪"), ("危险驾驶罪", "危险驾驶罪"),
     ("掩饰、隐瞒犯罪所得罪", "掩饰、隐瞒犯罪所得、犯罪所得收益罪")],
)
def test_link_written_form_to_official(written: str, official: str) -> None:
    assert link_charge(written) == official


def test_historical_and_unknown() -> None:
    assert link_charge("投毒罪") == "投毒罪"
    assert link_charge("犯罪") is None
    assert link_charge("吃饭罪") is None


def test_nearest_charge_fixes_a_miswritten_name() -> None:
    assert nearest_charge("生产、销售不符合安全生产标准的食品罪") == "生产、销售不符合安全标准的食品罪"
    assert nearest_charge("盗窍罪") is None  # too short to correct safely


def test_bracketed_alternative_in_official_name() -> None:
    assert link_charge("组织他人偷越国境罪") == "组织他人偷越国（边）境罪"
    assert link_charge("偷越边境罪") == "偷越国（边）境罪"


def test_fragments_are_not_charges() -> None:
    assert link_charge("犯罪罪") is None
    assert link_charge("犯盗窃罪") is None


def test_every_charge_of_the_lexicon_is_read_back_from_a_verdict() -> None:
    # Names with 犯罪 inside (帮助信息网络犯罪活动罪), brackets (偷越国（边）境罪) or 、 between
    # crimes (拒绝提供间谍犯罪、恐怖主义犯罪、极端主义犯罪证据罪) must come back whole.
    from nlp.charges import lexicon
    from nlp.factsheet import extract_text

    head = ("某某省某市某区人民法院\n刑事判决书\n（2020）某0101刑初88号\n公诉机关某市某区人民检察院。\n"
            "被告人李大伟，男，1980年1月2日出生，汉族。\n判决如下：\n")
    lex = lexicon()
    wrong = {}
    for charge in sorted(lex.official | lex.historical):
        got = extract_text(head + f"被告人李大伟犯{charge}，判处有期徒刑一年。\n")["defendants"][0]["charges"]
        if got != [charge]:
            wrong[charge] = got
    assert wrong == {}


def test_a_charge_read_without_its_enumeration_comma_is_the_lexicon_name() -> None:
    from nlp.factsheet import extract_text

    text = ("某某省某市某区人民法院\n刑事判决书\n（2020）某0101刑初88号\n公诉机关某市某区人民检察院。\n"
            "被告人李大伟，男，1980年1月2日出生，汉族。\n判决如下：\n"
            "被告人李大伟犯提供侵入非法控制计算机信息系统程序、工具罪，判处有期徒刑一年。\n")
    assert extract_text(text)["defendants"][0]["charges"] == ["提供侵入、非法控制计算机信息系统程序、工具罪"]
