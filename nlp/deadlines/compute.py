"""A person's events → the time limits they start, each with its due date (pure, no database).

``compute_limits(events, procedure=None, today=None)`` walks the events in date order: an event
stops the open limits whose rule it ends, then starts (or starts again) the rules it starts; an
extension event (measure ``延长``) lengthens the open limit of its rule. Every limit is counted
from its start with the art. 105 rules of :mod:`nlp.deadlines.calendar`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.deadlines.calendar import DueDate, add_length, apply_holiday_rule
from nlp.deadlines.rules import Extension, Length, Rule, RuleBook, load_rules

# Measures after which the person is held (羁押), and after which they are not.
HELD = frozenset({"刑事拘留", "逮捕", "羁押"})
NOT_HELD = frozenset({"取保候审", "监视居住", "指定居所监视居住", "释放", "不批准逮捕"})
EXTENSION = "延长"
# Events after which the case has left the investigation (侦查), and after which it is decided.
PAST_INVESTIGATION = frozenset({"移送审查起诉", "重新移送审查起诉", "起诉", "受理", "判决"})
DECIDED = "判决"
# Steps that are themselves the receiving agency's receipt of the case (a court's 受理).
RECEIPT_STEPS = frozenset({"受理"})
# What a handler may record on a case as a change of measure or a step (besides an extension of
# rules.toml): every event the rules start or stop on.
RECORDABLE_MEASURES = (
    "刑事拘留", "提请批准逮捕", "批准逮捕", "不批准逮捕", "逮捕", "取保候审", "解除取保候审", "监视居住",
    "指定居所监视居住", "解除监视居住", "释放", "移送审查起诉", "退回补充侦查", "重新移送审查起诉", "起诉",
    "不起诉", "受理", "判决",
)


@dataclass(frozen=True)
class Event:
    """Something that happened to a person on ``date``.

    A measure, a step of the case, or an extension (``measure="延长"`` with the ``extension`` id
    of rules.toml).
    """

    measure: str
    date: dt.date
    extension: str | None = None
    evidence: Any = None
    source: str | None = None  # where the date comes from, when it is not the event's own date
    # a case sent to another agency: the day the receiver took it in (None: not recorded)
    received: dt.date | None = None


@dataclass
class Limit:
    """One running or finished limit of one person."""

    rule: Rule
    start: Event
    length: Length
    applied: list[Extension] = field(default_factory=list)
    ended_by: Event | None = None
    in_custody: bool = False
    due: DueDate | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def counted_from(self) -> dt.date:
        """The day the limit counts from: the receipt of the case where the rule says so."""
        if self.rule.from_receipt and self.start.received is not None:
            return self.start.received
        return self.start.date

    @property
    def receipt_assumed(self) -> bool:
        """Whether the rule counts from a receipt that is not recorded (the sent date stands in)."""
        return (self.rule.from_receipt and self.start.received is None
                and self.start.measure not in RECEIPT_STEPS)

    @property
    def last_day(self) -> dt.date:
        return add_length(self.counted_from, self.length.months, self.length.days)

    def settle(self, in_custody: bool) -> None:
        """Fix the custody state that decides the holiday rule, and the due date."""
        self.in_custody = self.rule.custody or in_custody
        self.due = apply_holiday_rule(self.last_day, self.in_custody)

    def status(self, today: dt.date | None) -> str:
        """``met`` / ``late`` / ``unclear`` once stopped; ``running`` / ``overdue`` before.

        Stopped after the due date, a limit is ``unclear`` rather than ``late`` when the stop is
        not the step itself (an arrest, where the request's date is not known) or when it falls
        within an extension the law allows but no document records: a handler checks.
        """
        assert self.due is not None
        if self.ended_by is not None:
            if self.ended_by.date <= self.due.due:
                return "met"
            if self.rule.met_by and self.ended_by.measure not in self.rule.met_by:
                return "unclear"
            if self.rule.open_ended:
                return "unclear"
            possible = _possible(self)
            if possible and self.ended_by.date <= possible[-1][1]:
                return "unclear"
            return "late"
        if today is not None and today > self.due.due:
            return "overdue"
        return "running"


def _possible(limit: Limit) -> list[tuple[Extension, dt.date]]:
    """Each extension not yet applied, with the last day it would give.

    In the law's order, each on top of the ones before it (art. 158 follows art. 156, art. 159
    follows art. 158).
    """
    out = []
    length = limit.length
    for ext in limit.rule.extensions:
        if ext in limit.applied:
            continue
        longer = ext.applied_to(length)
        if _days(longer) <= _days(length):
            continue
        length = longer
        out.append((ext, add_length(limit.counted_from, length.months, length.days)))
    return out


def _days(length: Length) -> int:
    return length.months * 31 + length.days


def compute_limits(
    events: Iterable[Event], *, procedure: str | None = None, book: RuleBook | None = None,
    unapplied: list[Event] | None = None,
) -> list[Limit]:
    """The limits that ``events`` start, in the order they start.

    ``procedure`` (普通 / 简易 / 速裁) picks the variant of the review and trial rules. An extension
    event that lengthens nothing (its limit not running on its date, or already extended so) is
    appended to ``unapplied`` when given.
    """
    book = book or load_rules()
    ordered = sorted(events, key=lambda e: e.date)
    rules = _rules_for(book, procedure)
    open_limits: dict[str, Limit] = {}
    done: list[Limit] = []
    held = False
    past_investigation = decided = False
    times: dict[str, int] = {}
    for event in ordered:
        if event.measure == EXTENSION:
            if not _extend(event, open_limits, book) and unapplied is not None:
                unapplied.append(event)
            continue
        for rule_id, limit in list(open_limits.items()):
            if event.measure in limit.rule.ends:
                limit.ended_by = event
                limit.settle(held)
                del open_limits[rule_id]
        if event.measure in HELD:
            held = True
        elif event.measure in NOT_HELD:
            held = False
        for rule in rules:
            if event.measure not in rule.starts:
                continue
            # An arrest by the court during trial starts no 侦查羁押期限; nothing starts after
            # the judgment (an appeal's limits are not modelled).
            if decided or (rule.stage == "侦查" and past_investigation):
                continue
            previous = open_limits.pop(rule.id, None)
            if previous is not None:
                done.remove(previous)  # started again (重新计算): the later start counts
            limit = Limit(rule, event, rule.length)
            times[rule.id] = times.get(rule.id, 0) + 1
            if rule.max_times is not None and times[rule.id] > rule.max_times:
                limit.warnings.append(
                    f"{rule.title}已是第{times[rule.id]}次，法律规定以{rule.max_times}次为限（{rule.article}）"
                )
            open_limits[rule.id] = limit
            done.append(limit)
        past_investigation = past_investigation or event.measure in PAST_INVESTIGATION
        decided = decided or event.measure == DECIDED
    for limit in open_limits.values():
        limit.settle(held)
    return done


def _rules_for(book: RuleBook, procedure: str | None) -> list[Rule]:
    return [book.find(rule_id, procedure) for rule_id in book.ids]


def _extend(event: Event, open_limits: dict[str, Limit], book: RuleBook) -> bool:
    """Lengthen the open limit ``event`` extends; False when there is none to lengthen."""
    found = book.extension(event.extension or "")
    if found is None:
        return False
    rule, ext = found
    limit = open_limits.get(rule.id)
    if limit is None or limit.rule is not rule or ext in limit.applied:
        return False
    limit.length = ext.applied_to(limit.length)
    limit.applied.append(ext)
    return True


def describe(
    limit: Limit, *, today: dt.date | None = None, warn_days: int = 3,
) -> dict[str, Any]:
    """A limit as the CLI contract's object ``{"rule", "article", "from", "due", "note"}``.

    Extra keys: ``title``, ``procedure``, ``status``, ``in_custody``, ``days_left``, ``due_soon``
    (running, ``warn_days`` or fewer days left), ``extensions``, ``warnings`` (and ``evidence`` of
    the starting event when known).
    """
    assert limit.due is not None
    due = limit.due
    start = limit.start
    if limit.counted_from != start.date:
        note = [f"自{_cn(limit.counted_from)}收案（{_cn(start.date)}{start.measure}）次日起计算{limit.length.words()}"]
    else:
        note = [f"自{_cn(start.date)}{start.measure}次日起计算{limit.length.words()}"]
    if limit.receipt_assumed:
        note.append(f"接收日期尚未记录，暂按{start.measure}日期计算（推定）；接收后按接收日期计算")
    if limit.applied:
        note.append("已延长：" + "、".join(f"{e.title}（{e.article}）" for e in limit.applied))
    if start.source:
        note.append(start.source)
    if limit.in_custody:
        note.append("在押，期满日遇节假日不顺延（刑事诉讼法第一百零五条）")
    elif due.moved_from is not None:
        note.append(f"期满日{_cn(due.moved_from)}为节假日，顺延至{_cn(due.due)}（刑事诉讼法第一百零五条）")
    warnings = list(limit.warnings)
    if due.unknown_year is not None:
        warnings.append(
            f"节假日数据不含{due.unknown_year}年，期满日未按节假日顺延，请人工核对"
        )
    possible = _possible(limit)
    for ext, last in possible:
        note.append(f"{ext.title}至{_cn(last)}")
    status = limit.status(today)
    if limit.ended_by is not None:
        note.append(f"已于{_cn(limit.ended_by.date)}{limit.ended_by.measure}")
        if status == "late":
            warnings.append(f"{limit.ended_by.measure}晚于期满日{_cn(due.due)}")
        elif status == "unclear":
            warnings.append(
                f"{limit.ended_by.measure}晚于期满日{_cn(due.due)}，如已依法延长或已按期办理则未超期，请核对"
            )
    elif status == "overdue":
        warnings.append(f"已超过期满日{_cn(due.due)}")
    days_left = (due.due - today).days if today is not None and limit.ended_by is None else None
    due_soon = status == "running" and days_left is not None and days_left <= warn_days
    if due_soon:
        warnings.append(f"距期满日{_cn(due.due)}还有{days_left}日" if days_left else "今日期满")
    out: dict[str, Any] = {
        "rule": limit.rule.id,
        "article": limit.rule.article,
        "from": limit.counted_from.isoformat(),
        "due": due.due.isoformat(),
        "note": "；".join(note),
        "title": limit.rule.title,
        "procedure": limit.rule.procedure,
        "status": status,
        "in_custody": limit.in_custody,
        "days_left": days_left,
        "due_soon": due_soon,
        "extensions": [
            {"id": ext.id, "title": ext.title, "article": ext.article, "due": last.isoformat()}
            for ext, last in possible
        ],
        "warnings": warnings,
        "receipt_assumed": limit.receipt_assumed,
    }
    if start.evidence is not None:
        out["evidence"] = start.evidence
    return out


def _cn(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def limits_json(
    events: Sequence[Event], *, procedure: str | None = None, today: dt.date | None = None,
    warn_days: int = 3,
) -> list[dict[str, Any]]:
    """``compute_limits`` then ``describe`` each limit."""
    return [describe(limit, today=today, warn_days=warn_days)
            for limit in compute_limits(events, procedure=procedure)]
