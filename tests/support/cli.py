"""Run the real ``casefile`` command in a subprocess, as a clerk or a script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def casefile(*args: str, data_dir: Path, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``casefile --data-dir DATA ARGS…``; settings come only from ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    clean.update(env or {})
    clean["PYTHONPATH"] = str(REPO) + os.pathsep + clean.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "--data-dir", str(data_dir), *args],
        cwd=REPO, env=clean, capture_output=True, text=True, timeout=timeout, check=False,
    )


def json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]
