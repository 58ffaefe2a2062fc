"""Start-up checks: usable OCR engines and models, and where the development secret may be served."""

from __future__ import annotations

import ipaddress
import sys

from core.settings import PLACEHOLDER_SECRET, Settings


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


def is_loopback(host: str) -> bool:
    """Whether ``host`` binds only this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve anywhere


def check_bind(settings: Settings, host: str) -> str | None:
    """Refuse to serve the published development secret beyond this machine.

    With the placeholder secret anyone can sign tokens (sessions are checked against the
    database too, but the secret is the first line). Returns the start-up notice to print for a
    loopback-only development server; raises ValueError, whose text says how to fix it, for any
    other address.
    """
    if settings.secret_key != PLACEHOLDER_SECRET:
        return None
    if not is_loopback(host):
        raise ValueError(
            f"开发模式使用源代码中公开的开发密钥签发登录令牌，只能监听本机地址 127.0.0.1，不能监听 {host}。"
            "请设置 CASEFILE_SECRET_KEY（至少 32 个随机字符，例如 "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))'），或去掉 --host 只供本机使用。"
        )
    return (
        "开发模式：登录令牌用源代码中公开的开发密钥签名，因此只监听本机 "
        f"{host}；如需供其他电脑访问，请设置 CASEFILE_SECRET_KEY。"
    )
