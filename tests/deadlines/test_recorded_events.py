"""Extensions and changes of measure a handler records, and casefile's own transfers, on the timeline.

Every expected date is counted by hand from 刑事诉讼法 (2018): the start day is not counted
(art. 105), a month runs to the same day of the next month and from a month's last day to the next
month's last day; in custody a due date never moves, otherwise a holiday moves it to the next
working day (2026: 劳动节 5月1日至5日, 国庆节 10月1日至7日, State Council notice).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from nlp.deadlines.compute import EXTENSION, Event
from nlp.deadlines.report import case_deadlines

D = dt.date.fromisoformat
RECORD = {"record_id": 1, "document_number": "京公（刑）字〔2026〕1号"}


def _measure(measure: str, day: str) -> Event:
    return Event(measure, D(day), evidence=RECORD, source="办案人录入")


def _extension(extension: str, day: str) -> Event:
    return Event(EXTENSION, D(day), extension=extension, evidence=RECORD, source="办案人录入")


def _limits(events: list[Event], today: str = "2026-01-01", case_events: list[Event] | None = None,
            ) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    report = case_deadlines([], recorded={"赵某": events}, today=D(today), case_events=case_events or [])
    (person,) = report["persons"]
    return {limit["rule"]: limit for limit in person["limits"]}, report


def test_issue21_detention_extended_to_thirty_days() -> None:
    # 流窜作案: 刑事拘留 3月10日, the time to request extended to 30 days (art. 91 para. 2):
    # 3月10日 + 30 日 = 4月9日 (March has 31 days), in custody: never moves
    plain, _ = _limits([_measure("刑事拘留", "2026-03-10")])
    assert plain["arrest_request"]["due"] == "2026-03-13"
    limits, _ = _limits([_measure("刑事拘留", "2026-03-10"), _extension("arrest_request_30", "2026-03-12")])
    assert limits["arrest_request"]["due"] == "2026-04-09"
    assert "流窜作案" in limits["arrest_request"]["note"]
    # the 1–4 day extension (art. 91 para. 1): 7 days, 3月17日
    short, _ = _limits([_measure("刑事拘留", "2026-03-10"), _extension("arrest_request_special", "2026-03-12")])
    assert short["arrest_request"]["due"] == "2026-03-17"


def test_issue21_investigation_custody_extensions_156_158_159() -> None:
    # 逮捕 1月15日: 2 months → 3月15日; art. 156 +1 → 4月15日; art. 158 +2 → 6月15日;
    # art. 159 +2 → 8月15日 (a Saturday, but in custody it does not move)
    events = [_measure("逮捕", "2026-01-15")]
    assert _limits(events)[0]["investigation_custody"]["due"] == "2026-03-15"
    events.append(_extension("investigation_custody_156", "2026-03-10"))
    assert _limits(events)[0]["investigation_custody"]["due"] == "2026-04-15"
    events.append(_extension("investigation_custody_158", "2026-04-10"))
    assert _limits(events)[0]["investigation_custody"]["due"] == "2026-06-15"
    events.append(_extension("investigation_custody_159", "2026-06-10"))
    limit = _limits(events, today="2026-08-10")[0]["investigation_custody"]
    assert (limit["due"], limit["days_left"], limit["in_custody"]) == ("2026-08-15", 5, True)


def test_issue21_extension_from_a_month_end() -> None:
    # 逮捕 2025年12月31日 (a month's last day): 2 months → 2026年2月28日 (last day of February);
    # + art. 156 (3 months in all) → 3月31日
    events = [_measure("逮捕", "2025-12-31")]
    assert _limits(events)[0]["investigation_custody"]["due"] == "2026-02-28"
    events.append(_extension("investigation_custody_156", "2026-02-20"))
    assert _limits(events)[0]["investigation_custody"]["due"] == "2026-03-31"
    # 逮捕 6月30日: 2 months → 8月31日; + art. 156 → 9月30日
    june = [_measure("逮捕", "2026-06-30"), _extension("investigation_custody_156", "2026-08-20")]
    assert _limits(june)[0]["investigation_custody"]["due"] == "2026-09-30"


def test_issue21_change_from_detention_to_bail() -> None:
    # 刑事拘留 2025年9月26日, changed to 取保候审 on 9月28日: the request limit (9月29日) is met by
    # the change; bail runs 12 months (art. 79): 2026年9月28日 — a Monday and a working day (the
    # 9月20日 make-up day is another), not held: due that day
    limits, _ = _limits([_measure("刑事拘留", "2025-09-26"), _measure("取保候审", "2025-09-28")])
    assert limits["arrest_request"]["status"] == "met"
    assert limits["arrest_request"]["due"] == "2025-09-29"
    assert (limits["bail_max"]["due"], limits["bail_max"]["in_custody"]) == ("2026-09-28", False)
    # bail from 2025年10月1日: 12 months end on 2026年10月1日, 国庆节 (10月1日至7日): moved to 10月8日
    limits, _ = _limits([_measure("刑事拘留", "2025-09-29"), _measure("取保候审", "2025-10-01")])
    assert limits["bail_max"]["due"] == "2026-10-08"
    assert "顺延" in limits["bail_max"]["note"]


def test_issue21_an_extension_with_no_running_limit_is_warned_not_counted() -> None:
    # extending the investigation custody of a person never arrested lengthens nothing
    limits, report = _limits([_measure("刑事拘留", "2026-03-10"), _extension("investigation_custody_156", "2026-03-12")])
    assert limits["arrest_request"]["due"] == "2026-03-13"
    assert any("没有对应的正在计算的期限" in w for w in report["warnings"])


def test_issue21_transfer_sent_starts_prosecution_review_and_return_ends_it() -> None:
    # on bail (not held): the review runs 1 month from receipt (art. 172): 4月1日 → 5月1日, 劳动节
    # (5月1日至5日) → 5月6日
    bail = [_measure("取保候审", "2026-01-20")]
    sent = Event("移送审查起诉", D("2026-04-01"), evidence={"transfer_id": 1}, source="一键流转发出")
    limits, _ = _limits(bail, today="2026-04-02", case_events=[sent])
    assert (limits["prosecution_review"]["from"], limits["prosecution_review"]["due"]) == ("2026-04-01", "2026-05-06")
    assert limits["prosecution_review"]["status"] == "running"
    # held (逮捕): never moves, 5月1日
    held, _ = _limits([_measure("逮捕", "2026-02-01")], today="2026-04-02", case_events=[sent])
    assert held["prosecution_review"]["due"] == "2026-05-01"
    # returned by the procuratorate (not taken in): the review limit stops
    returned = Event("退回移送审查起诉", D("2026-04-03"), evidence={"transfer_id": 1})
    limits, _ = _limits(bail, today="2026-04-10", case_events=[sent, returned])
    assert limits["prosecution_review"]["status"] == "met"
    # a court's acceptance (受理) of the indictment restarts the trial limit from that day:
    # 起诉 6月1日, 受理 6月3日: 2 months (art. 208) → 8月3日
    indicted = [Event("起诉", D("2026-06-01")), Event("受理", D("2026-06-03"))]
    limits, _ = _limits(bail, today="2026-06-04", case_events=indicted)
    assert (limits["trial"]["from"], limits["trial"]["due"]) == ("2026-06-03", "2026-08-03")
