"""Start-up checks: which OCR engines and page-turn models are usable, how to install the rest."""

from __future__ import annotations

import sys

from core.settings import Settings


def report_dependencies(settings: Settings) -> list[str]:
    """Print one line per OCR engine and one for the page-turn models (with install hints).

    Returns the problems: the chosen engine or the page-turn models unusable.
    """
    from ingest.ocr import pageturn
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
    # engines that read only upright pages (OcrEngine.upright_only) need these models
    turn_problem = pageturn.unavailable_reason()
    if turn_problem:
        line = f"扫描页方向判断: 不可用（{turn_problem}）；只能识别正向页的引擎将无法识别横放或倒置的页"
        print(line, file=sys.stderr)
        problems.append(line)
    else:
        print("扫描页方向判断: 可用", file=sys.stderr)
    return problems
