"""Limits beyond their due dates (issue 21): status, warnings, notes, two people's clocks."""

from __future__ import annotations

import datetime as dt

from nlp.deadlines.calendar import add_months, apply_holiday_rule, covered_years
from nlp.deadlines.compute import Event, compute_limits, describe, limits_json
from nlp.deadlines.rules import load_rules

D = dt.date


def ev(measure: str, iso: str, extension: str | None = None) -> Event:
    return Event(measure, D.fromisoformat(iso), extension=extension)


def by_rule(limits: list[dict], rule: str) -> dict:
    return next(lim for lim in limits if lim["rule"] == rule)


def test_issue21_year_without_holiday_data_is_a_warning_not_a_silent_date() -> None:
    first, last = covered_years()
    assert first <= 2026 <= last  # the package covers the current year
    year = last + 1
    limits = limits_json([ev("取保候审", f"{year - 1}-03-15")])
    bail = by_rule(limits, "bail_max")
    assert bail["due"] == f"{year}-03-15"  # unmoved
    assert any(f"节假日数据不含{year}年" in w for w in bail["warnings"])


def test_issue21_held_person_needs_no_holiday_data() -> None:
    due = apply_holiday_rule(D(2030, 10, 1), in_custody=True)
    assert due.due == D(2030, 10, 1) and due.unknown_year is None


def test_issue21_request_after_every_extension_is_late() -> None:
    # 3/10 + 30 days (the longest extension) = 4/9; requested 4/12.
    limits = limits_json([ev("刑事拘留", "2026-03-10"), ev("提请批准逮捕", "2026-04-12")])
    request = by_rule(limits, "arrest_request")
    assert request["due"] == "2026-03-13"
    assert request["status"] == "late"
    assert request["warnings"]


def test_issue21_request_within_an_unrecorded_extension_is_unclear() -> None:
    # 3/13 is the limit; 3/15 is within the 1-4 days a (not recorded) extension allows.
    limits = limits_json([ev("刑事拘留", "2026-03-10"), ev("提请批准逮捕", "2026-03-15")])
    request = by_rule(limits, "arrest_request")
    assert request["status"] == "unclear"
    assert any("请核对" in w for w in request["warnings"])


def test_issue21_arrest_without_a_dated_request_is_unclear_not_late() -> None:
    # A judgment often states only 刑事拘留 3/10 and 逮捕 3/17: the request's date is unknown.
    limits = limits_json([ev("刑事拘留", "2026-03-10"), ev("逮捕", "2026-03-17")])
    assert by_rule(limits, "arrest_request")["status"] == "unclear"
    # With the approval dated: approved 3/16 within 3/13 + 7 = 3/20.
    limits = limits_json([ev("刑事拘留", "2026-03-10"), ev("提请批准逮捕", "2026-03-13"),
                          ev("批准逮捕", "2026-03-16"), ev("逮捕", "2026-03-17")])
    assert by_rule(limits, "arrest_decision")["status"] == "met"


def test_issue21_running_limit_has_days_left_and_turns_overdue() -> None:
    events = [ev("逮捕", "2026-03-19")]
    running = by_rule(limits_json(events, today=D(2026, 5, 10)), "investigation_custody")
    assert (running["status"], running["days_left"]) == ("running", 9)
    late = by_rule(limits_json(events, today=D(2026, 5, 20)), "investigation_custody")
    assert (late["status"], late["days_left"]) == ("overdue", -1)
    assert any("已超过期满日" in w for w in late["warnings"])


def test_issue21_moved_due_date_says_so() -> None:
    bail = by_rule(limits_json([ev("取保候审", "2025-10-01")]), "bail_max")
    assert bail["due"] == "2026-10-08"
    assert "2026年10月1日为节假日，顺延至2026年10月8日" in bail["note"]
    held = by_rule(limits_json([ev("逮捕", "2026-08-07")]), "investigation_custody")
    assert "在押" in held["note"] and held["in_custody"] is True


def test_issue21_possible_extensions_follow_the_law_in_order() -> None:
    limit = by_rule(limits_json([ev("逮捕", "2026-03-19")]), "investigation_custody")
    # 156: 3 months = 6/19; then 158: 5 months = 8/19; then 159: 7 months = 10/19.
    assert [(e["id"], e["due"]) for e in limit["extensions"]] == [
        ("investigation_custody_156", "2026-06-19"),
        ("investigation_custody_158", "2026-08-19"),
        ("investigation_custody_159", "2026-10-19"),
    ]
    request = by_rule(limits_json([ev("刑事拘留", "2026-03-10")]), "arrest_request")
    assert [e["due"] for e in request["extensions"]] == ["2026-03-17", "2026-04-09"]


def test_issue21_third_return_for_supplementary_investigation_is_warned() -> None:
    events = [ev("逮捕", "2026-01-10"), ev("移送审查起诉", "2026-03-02"),
              ev("退回补充侦查", "2026-03-20"), ev("重新移送审查起诉", "2026-04-15"),
              ev("退回补充侦查", "2026-05-01"), ev("重新移送审查起诉", "2026-05-20"),
              ev("退回补充侦查", "2026-06-01")]
    returns = [lim for lim in limits_json(events) if lim["rule"] == "supplementary_investigation"]
    assert [r["warnings"] != [] for r in returns] == [False, False, True]
    reviews = [lim for lim in limits_json(events) if lim["rule"] == "prosecution_review"]
    # 3/2 → 4/2; 4/15 → 5/15; 5/20 → 6/20: each return stops the review, each re-transfer restarts it.
    assert [r["due"] for r in reviews] == ["2026-04-02", "2026-05-15", "2026-06-20"]


def test_issue21_two_suspects_run_on_their_own_clocks() -> None:
    zhang = [ev("刑事拘留", "2026-03-10"), ev("提请批准逮捕", "2026-03-13"), ev("逮捕", "2026-03-19")]
    li = [ev("刑事拘留", "2026-03-10"), ev("延长", "2026-03-12", "arrest_request_30"),
          ev("提请批准逮捕", "2026-04-07"), ev("逮捕", "2026-04-14")]
    assert by_rule(limits_json(zhang), "investigation_custody")["due"] == "2026-05-19"
    assert by_rule(limits_json(li), "investigation_custody")["due"] == "2026-06-14"
    assert by_rule(limits_json(li), "arrest_request")["due"] == "2026-04-09"
    assert by_rule(limits_json(li), "arrest_decision")["due"] == "2026-04-14"


def test_issue21_change_from_detention_to_bail_stops_the_custody_clock() -> None:
    limits = limits_json([ev("刑事拘留", "2025-03-10"), ev("取保候审", "2025-03-12")])
    request = by_rule(limits, "arrest_request")
    assert request["status"] == "met" and "取保候审" in request["note"]
    assert by_rule(limits, "bail_max")["in_custody"] is False


def test_issue21_extension_of_a_rule_not_running_is_ignored() -> None:
    limits = compute_limits([ev("取保候审", "2025-03-10"),
                             ev("延长", "2025-04-01", "investigation_custody_156")])
    assert [lim.rule.id for lim in limits] == ["bail_max"]
    assert describe(limits[0])["due"] == "2026-03-10"


def test_issue21_month_rule_examples_of_the_issue() -> None:
    assert add_months(D(2026, 6, 30), 2) == D(2026, 8, 31)
    assert add_months(D(2026, 12, 31), 2) == D(2027, 2, 28)
    assert add_months(D(2027, 12, 31), 2) == D(2028, 2, 29)


def test_issue21_every_rule_cites_the_2018_law() -> None:
    book = load_rules()
    assert set(book.ids) >= {"arrest_request", "arrest_decision", "investigation_custody",
                             "prosecution_review", "trial", "bail_max", "residence_max"}
    for rule in book.rules:
        assert rule.article.startswith("刑事诉讼法第"), rule.id
        for extension in rule.extensions:
            assert extension.article.startswith("刑事诉讼法第"), extension.id


def test_issue21_arrest_by_the_court_during_trial_starts_no_investigation_limit() -> None:
    limits = limits_json([ev("刑事拘留", "2018-06-06"), ev("取保候审", "2018-06-12"),
                          ev("起诉", "2018-07-16"), ev("逮捕", "2018-07-17"), ev("判决", "2018-08-09")])
    assert [lim["rule"] for lim in limits] == ["arrest_request", "bail_max", "trial"]


def test_issue21_nothing_starts_after_the_judgment() -> None:
    limits = limits_json([ev("取保候审", "2017-01-11"), ev("判决", "2017-12-07"), ev("逮捕", "2017-12-08")])
    assert [lim["rule"] for lim in limits] == ["bail_max"]


def test_issue21_trial_past_every_listed_extension_is_unclear() -> None:
    # 2 months + 1 (three at most) + 3 (upper court) = 2018-05-09; art. 208 allows more with the
    # Supreme People's Court's approval, so a later judgment is not called late.
    limits = limits_json([ev("起诉", "2017-11-09"), ev("判决", "2018-09-30")])
    trial = by_rule(limits, "trial")
    assert (trial["due"], trial["status"]) == ("2018-01-09", "unclear")


def test_issue21_indictment_stops_the_investigation_clock() -> None:
    # Judgments often skip the transfer for review: the indictment on 1/30 stops it (due 2/1).
    limits = limits_json([ev("逮捕", "2017-12-01"), ev("起诉", "2018-01-30")])
    assert by_rule(limits, "investigation_custody")["status"] == "met"


def test_issue21_due_soon_is_warned_the_configured_days_before() -> None:
    events = [ev("逮捕", "2026-03-19")]  # due 2026-05-19
    soon = by_rule(limits_json(events, today=D(2026, 5, 16), warn_days=3), "investigation_custody")
    assert (soon["days_left"], soon["due_soon"]) == (3, True)
    assert any("还有3日" in w for w in soon["warnings"])
    early = by_rule(limits_json(events, today=D(2026, 5, 15), warn_days=3), "investigation_custody")
    assert early["due_soon"] is False and early["warnings"] == []
    today = by_rule(limits_json(events, today=D(2026, 5, 19), warn_days=0), "investigation_custody")
    assert today["due_soon"] is True and "今日期满" in today["warnings"]


def test_issue21_bail_after_thirty_days_without_a_dated_request_is_unclear() -> None:
    # Detained 5/27, on bail 7/1 (35 days): a request and a refusal may lie between, undated.
    limits = limits_json([ev("刑事拘留", "2016-05-27"), ev("取保候审", "2016-07-01")])
    assert by_rule(limits, "arrest_request")["status"] == "unclear"


def test_issue21_summary_trial_past_its_limit_is_unclear() -> None:
    # 简易: 20 days, 1.5 months at most (7/13); a judgment on 10/13 may follow a move to 普通程序.
    limits = limits_json([ev("逮捕", "2014-01-18"), ev("起诉", "2014-05-29"), ev("判决", "2014-10-13")],
                         procedure="简易")
    assert by_rule(limits, "trial")["status"] == "unclear"
