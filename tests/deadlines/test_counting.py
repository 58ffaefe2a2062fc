"""Hand-computed due dates (issue 21): every expected date below is worked out from the law.

Counting (刑事诉讼法 art. 105): the day of the starting event is not counted; N days end on
start + N; a month runs to the same day of the next month, from a month's last day to the next
month's last day, to the next month's last day where it has no such day. A last day on a weekend
or holiday moves to the next working day, except while the person is held.

Official days off used below (State Council notices):
2024: 春节 2/10-2/17.  2025: none needed.
2026: 元旦 1/1-1/3 (1/4 Sun is a working day); 春节 2/15-2/23 (2/14 Sat and 2/28 Sat are working
days); 清明 4/4-4/6; 劳动节 5/1-5/5 (5/9 Sat working); 端午 6/19-6/21; 中秋 9/25-9/27;
国庆 10/1-10/7 (9/20 Sun and 10/10 Sat are working days).
"""

from __future__ import annotations

import datetime as dt

import pytest

from nlp.deadlines.compute import Event, compute_limits, describe

D = dt.date


def ev(measure: str, iso: str, extension: str | None = None) -> Event:
    return Event(measure, D.fromisoformat(iso), extension=extension)


def ext(rule_extension: str, iso: str) -> Event:
    return Event("延长", D.fromisoformat(iso), extension=rule_extension)


def due_of(events: list[Event], rule: str, procedure: str | None = None) -> str:
    """The due date of the latest limit of ``rule`` (the one running last)."""
    limits = [lim for lim in compute_limits(events, procedure=procedure) if lim.rule.id == rule]
    assert limits, [lim.rule.id for lim in compute_limits(events, procedure=procedure)]
    return describe(limits[-1])["due"]


# (case, events, rule, procedure, expected due, how)
CASES = [
    # --- arrest_request: 3 days after 刑事拘留 (art. 91), held: never moves ---
    ("ar-plain", [ev("刑事拘留", "2026-03-10")], "arrest_request", None, "2026-03-13", "10+3"),
    ("ar-month-end", [ev("刑事拘留", "2026-03-30")], "arrest_request", None, "2026-04-02", "31,1,2"),
    ("ar-year-end", [ev("刑事拘留", "2026-12-30")], "arrest_request", None, "2027-01-02", "31,1,2"),
    ("ar-leap-feb", [ev("刑事拘留", "2024-02-27")], "arrest_request", None, "2024-03-01", "28,29,1"),
    ("ar-common-feb", [ev("刑事拘留", "2025-02-27")], "arrest_request", None, "2025-03-02", "28,1,2"),
    ("ar-national-day-held", [ev("刑事拘留", "2026-09-30")], "arrest_request", None, "2026-10-03",
     "10/3 is a holiday but the person is held"),
    ("ar-spring-festival-held", [ev("刑事拘留", "2026-02-13")], "arrest_request", None, "2026-02-16",
     "held: 春节 does not move it"),
    ("ar-special-7", [ev("刑事拘留", "2026-03-10"), ext("arrest_request_special", "2026-03-12")],
     "arrest_request", None, "2026-03-17", "3+4 = 7 days"),
    ("ar-30", [ev("刑事拘留", "2026-03-10"), ext("arrest_request_30", "2026-03-12")],
     "arrest_request", None, "2026-04-09", "21 days to 3/31, 9 more"),
    ("ar-30-short-feb", [ev("刑事拘留", "2026-01-31"), ext("arrest_request_30", "2026-02-01")],
     "arrest_request", None, "2026-03-02", "28 days to 2/28, 2 more"),
    ("ar-30-leap-feb", [ev("刑事拘留", "2024-01-31"), ext("arrest_request_30", "2024-02-01")],
     "arrest_request", None, "2024-03-01", "29 days to 2/29, 1 more"),
    ("ar-30-over-new-year", [ev("刑事拘留", "2026-12-15"), ext("arrest_request_30", "2026-12-16")],
     "arrest_request", None, "2027-01-14", "16 days to 12/31, 14 more"),
    # --- arrest_decision: 7 days after the request (art. 91) ---
    ("ad-plain", [ev("刑事拘留", "2026-03-10"), ev("提请批准逮捕", "2026-03-13")],
     "arrest_decision", None, "2026-03-20", "13+7"),
    ("ad-national-day-held", [ev("刑事拘留", "2026-09-25"), ev("提请批准逮捕", "2026-09-28")],
     "arrest_decision", None, "2026-10-05", "held: 10/5 stays"),
    ("ad-month-end", [ev("刑事拘留", "2026-04-25"), ev("提请批准逮捕", "2026-04-28")],
     "arrest_decision", None, "2026-05-05", "29,30,1..5"),
    ("ad-leap", [ev("刑事拘留", "2024-02-20"), ev("提请批准逮捕", "2024-02-23")],
     "arrest_decision", None, "2024-03-01", "24..29 is 6 days, 3/1 the 7th"),
    # --- investigation_custody: 2 months after 逮捕 (art. 156) ---
    ("ic-plain", [ev("逮捕", "2026-03-19")], "investigation_custody", None, "2026-05-19", "same day"),
    ("ic-last-day-30", [ev("逮捕", "2026-06-30")], "investigation_custody", None, "2026-08-31",
     "6/30 is June's last day: to August's last day"),
    ("ic-dec31", [ev("逮捕", "2026-12-31")], "investigation_custody", None, "2027-02-28",
     "last day to last day, 2027 not leap"),
    ("ic-dec31-leap", [ev("逮捕", "2027-12-31")], "investigation_custody", None, "2028-02-29",
     "last day to last day, 2028 leap"),
    ("ic-dec30-no-day", [ev("逮捕", "2026-12-30")], "investigation_custody", None, "2027-02-28",
     "February has no 30th: its last day"),
    ("ic-dec29-leap", [ev("逮捕", "2027-12-29")], "investigation_custody", None, "2028-02-29",
     "2028-02-29 exists"),
    ("ic-dec29-common", [ev("逮捕", "2026-12-29")], "investigation_custody", None, "2027-02-28",
     "2027 has no 2/29"),
    ("ic-jan31", [ev("逮捕", "2026-01-31")], "investigation_custody", None, "2026-03-31", "last day"),
    ("ic-feb28-last", [ev("逮捕", "2026-02-28")], "investigation_custody", None, "2026-04-30",
     "2/28/2026 is February's last day"),
    ("ic-feb28-not-last", [ev("逮捕", "2024-02-28")], "investigation_custody", None, "2024-04-28",
     "2/28/2024 is not the last day (leap)"),
    ("ic-feb29", [ev("逮捕", "2024-02-29")], "investigation_custody", None, "2024-04-30", "last day"),
    ("ic-apr30", [ev("逮捕", "2026-04-30")], "investigation_custody", None, "2026-06-30", "last day"),
    ("ic-aug31", [ev("逮捕", "2026-08-31")], "investigation_custody", None, "2026-10-31", "last day"),
    ("ic-national-day-held", [ev("逮捕", "2026-08-07")], "investigation_custody", None, "2026-10-07",
     "held: 10/7 stays"),
    ("ic-labour-day-held", [ev("逮捕", "2026-03-05")], "investigation_custody", None, "2026-05-05",
     "held: 5/5 stays"),
    ("ic-156", [ev("逮捕", "2026-03-19"), ext("investigation_custody_156", "2026-05-15")],
     "investigation_custody", None, "2026-06-19", "2+1 months"),
    ("ic-156-158", [ev("逮捕", "2026-03-19"), ext("investigation_custody_156", "2026-05-15"),
                    ext("investigation_custody_158", "2026-06-15")],
     "investigation_custody", None, "2026-08-19", "2+1+2 months"),
    ("ic-156-158-159", [ev("逮捕", "2026-03-19"), ext("investigation_custody_156", "2026-05-15"),
                        ext("investigation_custody_158", "2026-06-15"),
                        ext("investigation_custody_159", "2026-08-15")],
     "investigation_custody", None, "2026-10-19", "2+1+2+2 months"),
    ("ic-156-jul31", [ev("逮捕", "2026-07-31"), ext("investigation_custody_156", "2026-09-20")],
     "investigation_custody", None, "2026-10-31", "3 months from a last day"),
    ("ic-156-dec30", [ev("逮捕", "2026-12-30"), ext("investigation_custody_156", "2027-02-20")],
     "investigation_custody", None, "2027-03-30", "3 months counted from the arrest (the earlier)"),
    # --- bail_max: 12 months (art. 79), not held: moves past days off ---
    ("bail-plain", [ev("取保候审", "2025-03-10")], "bail_max", None, "2026-03-10", "Tuesday"),
    ("bail-makeup-sat", [ev("取保候审", "2025-02-14")], "bail_max", None, "2026-02-14",
     "Saturday, but a make-up working day"),
    ("bail-spring-festival", [ev("取保候审", "2025-02-16")], "bail_max", None, "2026-02-24",
     "2/16-2/23 off, 2/24 Tuesday"),
    ("bail-feb-last-makeup", [ev("取保候审", "2025-02-28")], "bail_max", None, "2026-02-28",
     "last day to last day; 2/28/2026 is a make-up working Saturday"),
    ("bail-leap-day", [ev("取保候审", "2024-02-29")], "bail_max", None, "2025-02-28",
     "last day to last day; Friday"),
    ("bail-national-day", [ev("取保候审", "2025-10-01")], "bail_max", None, "2026-10-08",
     "10/1-10/7 off"),
    ("bail-makeup-sun", [ev("取保候审", "2025-09-20")], "bail_max", None, "2026-09-20",
     "Sunday, but a make-up working day"),
    ("bail-dragon-boat", [ev("取保候审", "2025-06-20")], "bail_max", None, "2026-06-22",
     "6/19-6/21 off, 6/22 Monday"),
    ("bail-new-year", [ev("取保候审", "2025-01-03")], "bail_max", None, "2026-01-04",
     "1/3 off, 1/4 a make-up working Sunday"),
    ("bail-december", [ev("取保候审", "2025-12-10")], "bail_max", None, "2026-12-10", "Thursday"),
    ("bail-weekend", [ev("取保候审", "2025-03-14")], "bail_max", None, "2026-03-16",
     "3/14/2026 Saturday, 3/16 Monday"),
    # --- residence_max: 6 months (art. 79) ---
    ("rm-jan31", [ev("监视居住", "2026-01-31")], "residence_max", None, "2026-07-31", "last day, Friday"),
    ("rm-mar31", [ev("监视居住", "2026-03-31")], "residence_max", None, "2026-09-30", "last day, Wed"),
    ("rm-sunday", [ev("监视居住", "2025-10-26")], "residence_max", None, "2026-04-27",
     "4/26 Sunday, 4/27 Monday"),
    ("rm-designated-labour-day", [ev("指定居所监视居住", "2025-11-04")], "residence_max", None,
     "2026-05-06", "5/1-5/5 off"),
    ("rm-aug31", [ev("监视居住", "2025-08-31")], "residence_max", None, "2026-02-28",
     "last day to last day, a make-up working Saturday"),
    ("rm-qingming", [ev("监视居住", "2025-10-05")], "residence_max", None, "2026-04-07",
     "4/4-4/6 off"),
    # --- prosecution_review (art. 172) ---
    ("pr-held", [ev("逮捕", "2026-03-19"), ev("移送审查起诉", "2026-05-15")],
     "prosecution_review", None, "2026-06-15", "1 month"),
    ("pr-held-holiday", [ev("逮捕", "2026-07-20"), ev("移送审查起诉", "2026-09-01")],
     "prosecution_review", None, "2026-10-01", "held: 10/1 stays"),
    ("pr-bail-holiday", [ev("取保候审", "2026-03-01"), ev("移送审查起诉", "2026-09-01")],
     "prosecution_review", None, "2026-10-08", "on bail: 10/1 moves to 10/8"),
    ("pr-bail-complex", [ev("取保候审", "2026-03-01"), ev("移送审查起诉", "2026-09-01"),
                         ext("prosecution_review_complex", "2026-09-25")],
     "prosecution_review", None, "2026-10-16", "10/1 + 15 days = 10/16 Friday"),
    ("pr-held-complex-month-end", [ev("逮捕", "2026-01-10"), ev("移送审查起诉", "2026-01-31"),
                                   ext("prosecution_review_complex", "2026-02-20")],
     "prosecution_review", None, "2026-03-15", "2/28 (last day) + 15"),
    ("pr-fast", [ev("逮捕", "2026-02-10"), ev("移送审查起诉", "2026-03-02")],
     "prosecution_review", "速裁", "2026-03-12", "10 days"),
    ("pr-fast-over-one-year", [ev("逮捕", "2026-02-10"), ev("移送审查起诉", "2026-03-02"),
                               ext("prosecution_review_over_one_year", "2026-03-05")],
     "prosecution_review", "速裁", "2026-03-17", "15 days"),
    ("pr-fast-bail-holiday", [ev("取保候审", "2026-08-01"), ev("移送审查起诉", "2026-09-24")],
     "prosecution_review", "速裁", "2026-10-08", "10/4 off, 10/8 Thursday"),
    ("pr-after-return", [ev("逮捕", "2026-01-10"), ev("移送审查起诉", "2026-03-02"),
                         ev("退回补充侦查", "2026-03-20"), ev("重新移送审查起诉", "2026-04-15")],
     "prosecution_review", None, "2026-05-15", "counted again from the return (art. 175)", ),
    ("si-first", [ev("逮捕", "2026-01-10"), ev("移送审查起诉", "2026-03-02"),
                  ev("退回补充侦查", "2026-03-20")],
     "supplementary_investigation", None, "2026-04-20", "1 month"),
    # --- trial (arts. 208, 220, 225) ---
    ("tr-ordinary", [ev("逮捕", "2026-01-10"), ev("起诉", "2026-04-01")], "trial", None,
     "2026-06-01", "2 months"),
    ("tr-ordinary-accepted", [ev("逮捕", "2026-01-10"), ev("起诉", "2026-04-01"),
                              ev("受理", "2026-04-03")], "trial", None, "2026-06-03",
     "from the court's acceptance"),
    ("tr-ordinary-three", [ev("逮捕", "2026-01-10"), ev("受理", "2026-04-03"),
                           ext("trial_three_months", "2026-05-30")], "trial", None, "2026-07-03",
     "3 months"),
    ("tr-summary", [ev("逮捕", "2026-01-10"), ev("受理", "2026-04-01")], "trial", "简易",
     "2026-04-21", "20 days"),
    ("tr-summary-over-three", [ev("逮捕", "2026-01-10"), ev("受理", "2026-04-01"),
                               ext("trial_summary_over_three_years", "2026-04-15")], "trial", "简易",
     "2026-05-16", "1 month (5/1) + 15 days, held: no move"),
    ("tr-summary-over-three-jan31", [ev("逮捕", "2026-01-10"), ev("受理", "2026-01-31"),
                                     ext("trial_summary_over_three_years", "2026-02-10")],
     "trial", "简易", "2026-03-15", "2/28 (last day) + 15"),
    ("tr-summary-bail", [ev("取保候审", "2026-01-10"), ev("受理", "2026-04-11")], "trial", "简易",
     "2026-05-06", "5/1 off until 5/5"),
    ("tr-fast", [ev("逮捕", "2026-01-10"), ev("受理", "2026-04-01")], "trial", "速裁",
     "2026-04-11", "10 days"),
    ("tr-fast-over-one-year", [ev("逮捕", "2026-01-10"), ev("受理", "2026-04-01"),
                               ext("trial_fast_over_one_year", "2026-04-05")], "trial", "速裁",
     "2026-04-16", "15 days"),
    ("tr-fast-bail-national-day", [ev("取保候审", "2026-08-01"), ev("受理", "2026-09-21")],
     "trial", "速裁", "2026-10-08", "10/1 off until 10/7"),
    ("tr-fast-held-national-day", [ev("逮捕", "2026-08-01"), ev("受理", "2026-09-21")],
     "trial", "速裁", "2026-10-01", "held: stays"),
    # --- a change of measure: 刑事拘留 → 取保候审 → 逮捕 ---
    ("change-bail", [ev("刑事拘留", "2025-03-10"), ev("取保候审", "2025-03-12")], "bail_max", None,
     "2026-03-12", "12 months from the bail, Thursday"),
    ("change-arrest-after-bail", [ev("刑事拘留", "2025-03-10"), ev("取保候审", "2025-03-12"),
                                  ev("逮捕", "2025-06-03")], "investigation_custody", None,
     "2025-08-03", "2 months from the arrest, held"),
]


@pytest.mark.parametrize(("events", "rule", "procedure", "expected"),
                         [c[1:5] for c in CASES], ids=[c[0] for c in CASES])
def test_issue21_due_date(events: list[Event], rule: str, procedure: str | None, expected: str) -> None:
    assert due_of(events, rule, procedure) == expected


def test_issue21_at_least_sixty_hand_computed_cases() -> None:
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)
