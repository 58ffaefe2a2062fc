"""Every action the audit log records has a name in Chinese on the audit page.

Issue #18: no English on a screen a person reads. Static: reads the action strings in the code.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# record(db, actor, "x.y"…), record_async(…), action="x.y", _change_user(name, "x.y", …)
PATTERNS = (
    re.compile(r"\brecord(?:_async)?\(\s*[^,()]+,\s*[^,()]+,\s*\"([a-z_.]+)\""),
    re.compile(r"\baction(?:: str)?\s*=\s*\"([a-z_.]+)\""),
    re.compile(r"\b_change_user\(\s*\w+,\s*\"([a-z_.]+)\""),
)


def _recorded_actions() -> set[str]:
    found: set[str] = set()
    for folder in ("api", "ingest", "models"):
        for path in (REPO / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for pattern in PATTERNS:
                found.update(pattern.findall(text))
    return found


def _named_actions() -> set[str]:
    script = (REPO / "api" / "web" / "admin.js").read_text(encoding="utf-8")
    block = script[script.index("const ACTION_NAMES = {"):]
    block = block[: block.index("};")]
    return {quoted or bare for quoted, bare in re.findall(r"(?:\"([a-z_.]+)\"|\b([a-z_]+)):\s*\"", block)}


def test_every_recorded_action_has_a_chinese_name() -> None:
    recorded = _recorded_actions()
    assert {"login", "case.view", "transfer.create", "catalogue.undo"} <= recorded  # the scan works
    missing = sorted(recorded - _named_actions())
    assert not missing, f"audit actions without a name on the audit page (api/web/admin.js): {missing}"
