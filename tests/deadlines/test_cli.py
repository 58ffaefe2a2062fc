"""``casefile deadlines`` and ``casefile triage`` run for real (issue 21, shared/CONTRACT.md)."""

from __future__ import annotations

from pathlib import Path

from tests.deadlines import documents as docs
from tests.support.cli import casefile, json_lines


def _write(tmp_path: Path) -> list[Path]:
    files = []
    for name, text in (("request.txt", docs.REQUEST_TWO_SUSPECTS),
                       ("indictment.txt", docs.DRUNK_DRIVING_INDICTMENT)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def test_issue21_cli_deadlines_json(tmp_path: Path) -> None:
    files = _write(tmp_path)
    run = casefile("deadlines", *map(str, files), "--json", "--today", "2026-04-08",
                   data_dir=tmp_path / "data", env={"CASEFILE_DEADLINE_WARN_DAYS": "6"})
    assert run.returncode == 0, run.stderr
    request, indictment = json_lines(run.stdout)
    assert request["path"] == str(files[0])
    names = [p["name"] for p in request["persons"]]
    assert names == ["张某", "李某某"]
    li = request["persons"][1]
    assert {"measure": "刑事拘留", "date": "2026-03-10"} == {k: li["events"][0][k] for k in ("measure", "date")}
    by_rule = {lim["rule"]: lim for lim in li["limits"]}
    # 3/10 + 30 days (extended) = 4/9; request 4/7 + 7 days = 4/14, 6 days left on 4/8.
    assert by_rule["arrest_request"]["due"] == "2026-04-09"
    assert by_rule["arrest_decision"]["due"] == "2026-04-14"
    assert by_rule["arrest_decision"]["days_left"] == 6
    assert by_rule["arrest_decision"]["due_soon"] is True  # CASEFILE_DEADLINE_WARN_DAYS=6
    for lim in li["limits"]:
        assert set(lim) >= {"rule", "article", "from", "due", "note"}
    trial = next(lim for lim in indictment["persons"][0]["limits"] if lim["rule"] == "trial")
    assert (trial["from"], trial["due"]) == ("2026-02-10", "2026-02-24")


def test_issue21_cli_triage_json(tmp_path: Path) -> None:
    files = _write(tmp_path)
    run = casefile("triage", *map(str, files), "--json", data_dir=tmp_path / "data")
    assert run.returncode == 0, run.stderr
    request, indictment = json_lines(run.stdout)
    assert set(request) >= {"path", "candidate", "reasons", "blocking"}
    assert request["candidate"] is None
    assert indictment["candidate"] == "速裁"


def test_issue21_cli_deadlines_unreadable_file_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    run = casefile("deadlines", str(empty), "--json", data_dir=tmp_path / "data")
    assert run.returncode == 1
    (line,) = json_lines(run.stdout)
    assert set(line["error"]) == {"code", "message", "hint"}


def test_issue21_cli_deadlines_rejects_a_bad_date(tmp_path: Path) -> None:
    run = casefile("deadlines", str(_write(tmp_path)[0]), "--json", "--today", "4/8",
                   data_dir=tmp_path / "data")
    assert run.returncode == 2
    assert "YYYY-MM-DD" in run.stderr
