"""Browser tests: a real `casefile serve` and headless Chromium driven by Playwright.

Chromium is Debian's (`/usr/bin/chromium`, or `CASEFILE_CHROMIUM`); Playwright never downloads one.
Without Chromium or the playwright package the tests skip with the reason, except under CI
(`CI=true`), where they fail: a CI run that silently skips the browser tests proves nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.cli import REPO
from tests.support.server import clean_env, free_port, start_serve, stop

CHROMIUM = os.environ.get("CASEFILE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
ADMIN, ADMIN_PASSWORD = "admin", "casefile-demo"
PASSWORD = "browser-password-1"
POLICE, PROCURATORATE = "北京市公安局朝阳分局", "北京市朝阳区人民检察院"
VIEWPORT = {"width": 1366, "height": 768}


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


@dataclass
class Server:
    base: str
    data_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]

    def cli(self, *args: str) -> str:
        """Run `casefile --data-dir … ARGS` against this server's data (e.g. to add users)."""
        done = subprocess.run(
            [sys.executable, "-m", "api.cli", "--data-dir", str(self.data_dir), *args],
            cwd=REPO, env=self.env, capture_output=True, timeout=120, check=False,
        )
        assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
        return done.stdout.decode()

    def add_user(self, name: str, agency: str, role: str) -> None:
        self.cli("users", "add", name, "--agency", agency, "--role", role, "--password", PASSWORD)

    def api(self, username: str, password: str = PASSWORD) -> httpx.Client:
        """An API client signed in with a bearer token (for checks beside the browser)."""
        token = httpx.post(f"{self.base}/api/auth/token",
                           data={"username": username, "password": password}).json()["access_token"]
        return httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {token}"}, timeout=30)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CASEFILE_CHROMIUM)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the playwright package is not installed (pip install playwright; no browser download needed)")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Server]:
    """One server for the browser tests, as the README runs it: demo loaded, default OCR engine."""
    data_dir = tmp_path_factory.mktemp("web") / "data"
    port = free_port()
    env = clean_env()
    log = (data_dir.parent / "serve.log").open("wb")
    try:
        process = start_serve(data_dir, port, env, log=log)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{(data_dir.parent / 'serve.log').read_text()}") from error
    base = f"http://127.0.0.1:{port}"
    try:
        yield Server(base=base, data_dir=data_dir, env=env, process=process)
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@contextmanager
def watched_tab(browser: Any, request: pytest.FixtureRequest, **context_args: Any) -> Iterator[Any]:
    """A tab in a fresh browser context (no cookies); page errors and CSP violations fail the test.

    ``context_args`` go to ``browser.new_context`` (viewport, is_mobile, …); the tab's last state
    is kept as ``<test>-end.png`` among the artifacts.
    """
    context = browser.new_context(locale="zh-CN", **context_args)
    context.set_default_timeout(20_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    # what the Content-Security-Policy refused (issue 16): Chromium reports it on the console
    tab.on("console", lambda message: errors.append(message.text)
           if message.type == "error" and "Content Security Policy" in message.text else None)
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}-end.png"))
    context.close()
    assert not errors, f"JavaScript errors or CSP violations on the page: {errors}"


# Screens the browser tests are run at, by name ("phone" is a touch phone, the rest not).
SCREENS = {
    "desktop": VIEWPORT,
    "tablet": {"width": 768, "height": 1024},
    "phone": {"width": 390, "height": 844},
}


@contextmanager
def screen_tab(browser: Any, request: pytest.FixtureRequest, screen: str) -> Iterator[Any]:
    """``watched_tab`` at one of ``SCREENS``, as a phone (mobile, touch) for "phone"."""
    with watched_tab(browser, request, viewport=SCREENS[screen], is_mobile=screen == "phone",
                     has_touch=True) as tab:
        yield tab


def assert_no_sideways_scroll(tab: Any, where: str) -> None:
    assert tab.evaluate("document.documentElement.scrollWidth") <= tab.evaluate("innerWidth"), \
        f"{where}: the page scrolls sideways"


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (no cookies) at 1366×768; page errors and CSP violations fail the test."""
    with watched_tab(browser, request, viewport=VIEWPORT, accept_downloads=True) as tab:
        yield tab


def shot(tab: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path))
    return path


def sign_in(tab: Any, base: str, username: str, password: str = PASSWORD) -> None:
    tab.goto(base + "/")
    tab.get_by_label("用户名").fill(username)
    tab.get_by_label("密码").fill(password)
    tab.get_by_role("button", name="登录").click()
    tab.locator("#sign-out").wait_for()


def sign_out(tab: Any) -> None:
    tab.locator("#sign-out").click()
    tab.locator("#username").wait_for()
