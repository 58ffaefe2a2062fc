"""The worker supervisor: restart after an error exit, stop on request, give up when it loops."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ingest import supervise as sup


def _script(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "child.py"
    path.write_text(body, encoding="utf-8")
    return [sys.executable, str(path)]


def test_a_child_that_dies_of_an_error_is_started_again(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    argv = _script(tmp_path, f"""
import os, sys
runs = {str(runs)!r}
n = len(open(runs).read()) if os.path.exists(runs) else 0
open(runs, "a").write("x")
assert os.environ["{sup.CHILD_ENV}"] == "1"
sys.exit(70 if n < 2 else 0)
""")
    assert sup.supervise(argv, delay=0.01) == 0
    assert runs.read_text() == "xxx"


def test_a_child_that_keeps_dying_is_given_up(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    argv = _script(tmp_path, f"open({str(runs)!r}, 'a').write('x'); raise SystemExit(3)")
    assert sup.supervise(argv, delay=0.01) == 3
    assert len(runs.read_text()) == sup.MAX_RESTARTS + 1


def test_sigterm_is_passed_on_and_ends_both(tmp_path: Path) -> None:
    started = tmp_path / "started"
    child = _script(tmp_path, f"""
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
open({str(started)!r}, "w").write("1")
time.sleep(60)
""")
    runner = tmp_path / "parent.py"
    runner.write_text(
        "import sys\nfrom ingest.supervise import supervise\n"
        f"sys.exit(supervise({child!r}))\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    env.pop(sup.CHILD_ENV, None)
    proc = subprocess.Popen([sys.executable, str(runner)], env=env)
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0


def test_an_unrecoverable_celery_error_ends_the_child(tmp_path: Path) -> None:
    code = subprocess.run(
        [sys.executable, "-c",
         "import logging, time\n"
         "from ingest.supervise import watch_for_unrecoverable\n"
         "watch_for_unrecoverable(grace=0.2)\n"
         "logging.getLogger('celery.worker').critical('Unrecoverable error: %r', ValueError())\n"
         "time.sleep(30)\n"],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}, timeout=60,
    ).returncode
    assert code == sup.EXIT_UNRECOVERABLE
