"""Fast-track triage (issue 21): candidates, reasons, and every disqualifier blocking."""

from __future__ import annotations

from typing import Any

import pytest

from nlp.factsheet import extract_text
from nlp.triage.rules import charge_articles, load_triage_rules
from nlp.triage.triage import triage_sheet
from tests.deadlines import documents as docs

DRUNK = "2026年1月19日22时许，被告人王某醉酒驾驶小型轿车被民警查获，血液酒精含量为152mg/100ml。被告人王某自愿认罪认罚，签署了认罪认罚具结书。"
THEFT_PLEA = "2026年1月9日，被告人王某在某小区盗窃电动自行车一辆，价值人民币{amount}元。被告人王某自愿认罪认罚，签署了认罪认罚具结书。"


def triage(text: str) -> dict[str, Any]:
    return triage_sheet(text, extract_text(text))


def blocked_ids(result: dict[str, Any]) -> set[str]:
    return {b["id"] for b in result["blocking"]}


def test_issue21_drunk_driving_with_plea_is_a_fast_track_candidate() -> None:
    result = triage(docs.DRUNK_DRIVING_INDICTMENT)
    assert result["candidate"] == "速裁"
    assert {"guilty_plea", "light_charge"} <= {r["id"] for r in result["reasons"]}
    assert result["blocking"] == []
    plea = next(r for r in result["reasons"] if r["id"] == "guilty_plea")
    assert plea["evidence"]["text"] == "认罪认罚" and "第二百二十二条" in plea["article"]


def test_issue21_large_theft_is_summary_not_fast_track() -> None:
    small = triage(docs.indictment(docs.ADULT.format(c="盗窃罪"), THEFT_PLEA.format(amount="4000"), "盗窃罪"))
    assert small["candidate"] == "速裁"
    # 50,000 yuan may be 数额巨大 (from 30,000 in some provinces): three years or more.
    large = triage(docs.indictment(docs.ADULT.format(c="盗窃罪"), THEFT_PLEA.format(amount="50000"), "盗窃罪"))
    assert large["candidate"] == "简易"
    assert "sentence_over_limit" in blocked_ids(large)


def test_issue21_no_plea_no_candidate() -> None:
    result = triage(docs.REQUEST_TWO_SUSPECTS)
    assert result["candidate"] is None
    assert "no_guilty_plea" in blocked_ids(result)


def test_issue21_heavy_charge_is_no_candidate() -> None:
    result = triage(docs.indictment(docs.ADULT.format(c="抢劫罪"),
                                    "被告人王某持刀抢劫他人财物。被告人王某自愿认罪认罚。", "抢劫罪"))
    assert result["candidate"] is None
    assert "not_light_charge" in blocked_ids(result)


DISQUALIFIED = [
    ("minor-by-words", docs.ADULT.format(c="危险驾驶罪"), DRUNK + "被告人王某系未成年人。", "minor"),
    ("minor-by-birth-date",
     "被告人王某，男，2009年3月1日出生，汉族，住北京市朝阳区某路3号。2026年1月20日因涉嫌危险驾驶罪被取保候审。",
     DRUNK, "minor"),
    ("deaf-mute", docs.ADULT.format(c="危险驾驶罪"), DRUNK + "被告人王某系聋哑人。", "blind_deaf_mute"),
    ("blind", docs.ADULT.format(c="危险驾驶罪"), DRUNK + "被告人王某系盲人。", "blind_deaf_mute"),
    ("mental", docs.ADULT.format(c="危险驾驶罪"),
     DRUNK + "经鉴定，被告人王某系限制刑事责任能力的精神病人。", "mental_illness"),
    ("co-suspect-not-pleading",
     docs.ADULT.format(c="危险驾驶罪") + "\n被告人刘某，男，1987年1月1日出生，汉族，住北京市朝阳区某路4号。2026年1月20日因涉嫌危险驾驶罪被取保候审。",
     DRUNK + "被告人刘某拒不认罪。", "co_suspect_not_pleading"),
    ("acquittal-defence", docs.ADULT.format(c="危险驾驶罪"), DRUNK + "辩护人提出无罪辩护意见。",
     "possible_acquittal"),
    ("insufficient-evidence", docs.ADULT.format(c="危险驾驶罪"), DRUNK + "辩护人认为本案证据不足。",
     "possible_acquittal"),
    ("social-impact", docs.ADULT.format(c="危险驾驶罪"), DRUNK + "本案有重大社会影响。", "major_social_impact"),
    ("civil-claim", docs.ADULT.format(c="危险驾驶罪"), DRUNK + "被害人提起附带民事诉讼。",
     "civil_claim_unsettled"),
]


@pytest.mark.parametrize(("defendants", "facts", "rule"), [c[1:] for c in DISQUALIFIED],
                         ids=[c[0] for c in DISQUALIFIED])
def test_issue21_never_a_candidate_while_a_disqualifier_is_stated(defendants: str, facts: str, rule: str) -> None:
    result = triage(docs.indictment(defendants, facts))
    assert rule in blocked_ids(result)
    if rule == "civil_claim_unsettled":  # art. 223(5) bars 速裁 only
        assert result["candidate"] == "简易"
    else:
        assert result["candidate"] is None
    block = next(b for b in result["blocking"] if b["id"] == rule)
    assert block["article"].startswith("刑事诉讼法第")


def test_issue21_a_negated_circumstance_does_not_block() -> None:
    result = triage(docs.indictment(docs.ADULT.format(c="危险驾驶罪"), DRUNK + "被告人王某无精神病史。"))
    assert result["candidate"] == "速裁"


def test_issue21_light_charges_match_the_shared_charge_list() -> None:
    rules = load_triage_rules()
    articles = charge_articles()
    assert "危险驾驶罪" in rules.light_charges
    for charge in rules.light_charges.values():
        assert articles[charge.name] == charge.article
    assert rules.procedures["速裁"].article == "刑事诉讼法第二百二十二条"
    assert rules.procedures["简易"].article == "刑事诉讼法第二百一十四条"


STATUTES = "\n附：相关法律条文\n《中华人民共和国刑法》第十七条 已满十六周岁的人犯罪，应当负刑事责任。对依照前三款规定追究刑事责任的不满十八周岁的人，应当从轻或者减轻处罚。第十八条 精神病人在不能辨认或者不能控制自己行为的时候造成危害结果……"


@pytest.mark.parametrize("extra", [
    "被告人王某对起诉书指控的事实、证据均没有异议。",
    "北京市精神病医院司法鉴定所出具鉴定意见，被告人王某具有完全刑事责任能力。",
    "对其中不满十八周岁的人、怀孕的妇女和已满七十五周岁的人，应当宣告缓刑。",
], ids=["no-objection", "institution-name", "quoted-statute"])
def test_issue21_words_that_state_no_disqualifier(extra: str) -> None:
    result = triage(docs.indictment(docs.ADULT.format(c="危险驾驶罪"), DRUNK + extra))
    assert result["candidate"] == "速裁", result["blocking"]


def test_issue21_appended_statutes_are_not_the_case() -> None:
    text = docs.indictment(docs.ADULT.format(c="危险驾驶罪"), DRUNK) + STATUTES
    result = triage(text)
    assert result["candidate"] == "速裁", result["blocking"]


def test_issue21_a_minor_who_is_the_object_of_the_act_does_not_block() -> None:
    text = docs.indictment(docs.ADULT.format(c="容留他人吸毒罪"),
                           "被告人王某在家中多次容留他人吸食毒品，且容留未成年人吸毒。被告人王某自愿认罪认罚。",
                           "容留他人吸毒罪")
    assert "minor" not in blocked_ids(triage(text))
