"""The fact-sheet path language."""

from __future__ import annotations

from typing import Any

import pytest

from nlp.forms.paths import (
    Index,
    Key,
    Match,
    PathSyntaxError,
    evidence_for,
    parse,
    resolve,
    resolve_all,
    with_defendant,
)


def test_parse_steps() -> None:
    assert parse("defendants[0].custody_events[measure=逮捕].date") == (
        Key("defendants"), Index(0), Key("custody_events"), Match("measure", "逮捕"), Key("date"),
    )


@pytest.mark.parametrize("bad", ["", "a..b", "a[", "a[]", "a[=x]", "a[b=]", "1a", "a b"])
def test_parse_rejects_malformed(bad: str) -> None:
    with pytest.raises(PathSyntaxError):
        parse(bad)


def test_resolve_values(sheet: dict[str, Any]) -> None:
    assert resolve(sheet, "case_number").value == "（2023）京0105刑初9999号"
    assert resolve(sheet, "defendants[0].sentence.probation_months").value == 12.0
    assert resolve(sheet, "defendants[0].custody_events[measure=逮捕].date").value == "2023-01-20"
    assert resolve(sheet, "defendants[0].custody_events[measure=逮捕].date").route == (
        "defendants", 0, "custody_events", 1, "date")


@pytest.mark.parametrize("path", [
    "nope", "defendants[5].name", "defendants[1].sentence.term_months",
    "defendants[0].custody_events[measure=取保候审].date", "case_number[0]",
])
def test_resolve_absent_is_none_not_error(sheet: dict[str, Any], path: str) -> None:
    r = resolve(sheet, path)
    assert r.value is None and not r.found


def test_resolve_all_sees_every_match(sheet: dict[str, Any]) -> None:
    sheet["defendants"][0]["custody_events"].append({"measure": "逮捕", "date": "2023-02-01"})
    got = resolve_all(sheet, "defendants[0].custody_events[measure=逮捕].date")
    assert [r.value for r in got] == ["2023-01-20", "2023-02-01"]


def test_evidence_lives_beside_the_value(sheet: dict[str, Any]) -> None:
    route = resolve(sheet, "defendants[0].custody_events[measure=逮捕].date").route
    assert evidence_for(sheet, route)["text"] == "同月20日"
    assert evidence_for(sheet, resolve(sheet, "case_number").route)["page"] == 1
    assert evidence_for(sheet, resolve(sheet, "defendants[0].charges").route)[0]["page"] == 3
    assert evidence_for(sheet, resolve(sheet, "defendants[1].birth_date").route) is None


def test_with_defendant_repoints_only_the_leading_index() -> None:
    assert with_defendant("defendants[0].charges", 2) == "defendants[2].charges"
    assert with_defendant("case_number", 2) == "case_number"
