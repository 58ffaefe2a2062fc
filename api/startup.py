"""Start-up checks: say which OCR engines are usable and how to install the missing ones."""

from __future__ import annotations

import sys

from core.settings import Settings


def report_dependencies(settings: Settings) -> list[str]:
    """Print one line per OCR engine (usable or not, with the install hint); return problems."""
    from ingest.ocr.registry import engine_status

    problems: list[str] = []
    for status in engine_status():
        mark = "可用" if status.available else "不可用"
        line = f"OCR 引擎 {status.name}: {mark}"
        if not status.available and status.hint:
            line += f"（{status.hint}）"
        print(line, file=sys.stderr)
        if status.name == settings.ocr_engine and not status.available:
            problems.append(line)
    if problems:
        print(f"警告：所选 OCR 引擎 {settings.ocr_engine} 不可用，扫描页将无法识别。", file=sys.stderr)
    return problems
