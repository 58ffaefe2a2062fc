"""The worker supervisor: restart after an error exit, stop on request, give up when it loops."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest import supervise as sup
from ingest.workers import _dead_here, stop_worker
from tests.support.cli import REPO


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
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop(sup.CHILD_ENV, None)
    proc = subprocess.Popen([sys.executable, str(runner)], env=env)
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started.exists()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0


def test_a_child_that_ignores_the_stop_is_killed_with_its_own_children(tmp_path: Path) -> None:
    started = tmp_path / "started"
    child = _script(tmp_path, f"""
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
grandchild = subprocess.Popen([sys.executable, "-c", "import signal, time; "
                               "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"])
open({str(started)!r}, "w").write(str(grandchild.pid))
time.sleep(600)
""")
    runner = tmp_path / "parent.py"
    runner.write_text(
        "import sys\nfrom ingest.supervise import supervise\n"
        f"sys.exit(supervise({child!r}, stop_grace=1.0))\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop(sup.CHILD_ENV, None)
    proc = subprocess.Popen([sys.executable, str(runner)], env=env)
    deadline = time.monotonic() + 30
    while not (started.exists() and started.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    grandchild = int(started.read_text())
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == -signal.SIGKILL % 256  # the killed child's -9, passed to sys.exit
    deadline = time.monotonic() + 10
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild), "the child's own child was left running"


def test_the_supervisor_does_not_exit_before_the_kill_has_reached_every_process(
    tmp_path: Path,
) -> None:
    # The killer runs in a daemon thread and kills the child first: a supervisor that returned as
    # soon as the child died ended that thread before it reached the pool processes (a CI flake).
    started, finished = tmp_path / "started", tmp_path / "finished"
    child = _script(tmp_path, f"""
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
open({str(started)!r}, "w").write("1")
time.sleep(600)
""")
    runner = tmp_path / "parent.py"
    runner.write_text(
        "import sys, time\nfrom ingest import supervise as sup\n"
        "kill = sup._kill_tree\n"
        "def slow_kill(child, grace):\n"
        "    kill(child, grace)\n"
        "    time.sleep(1.0)  # the rest of a large tree still being killed\n"
        f"    open({str(finished)!r}, 'w').write('1')\n"
        "sup._kill_tree = slow_kill\n"
        f"code = sup.supervise({child!r}, stop_grace=0.5)\n"
        f"sys.exit(0 if __import__('os').path.exists({str(finished)!r}) else 99)\n",
        encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop(sup.CHILD_ENV, None)
    proc = subprocess.Popen([sys.executable, str(runner)], env=env)
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0, "the supervisor returned while the kill was still under way"


def _alive(pid: int) -> bool:
    return not _dead_here(f"{socket.gethostname()}:{pid}")  # a zombie counts as dead


def test_an_unrecoverable_celery_error_ends_the_child(tmp_path: Path) -> None:
    code = subprocess.run(
        [sys.executable, "-c",
         "import logging, time\n"
         "from ingest.supervise import watch_for_unrecoverable\n"
         "watch_for_unrecoverable(grace=0.2)\n"
         "logging.getLogger('celery.worker').critical('Unrecoverable error: %r', ValueError())\n"
         "time.sleep(30)\n"],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}, timeout=60,
    ).returncode
    assert code == sup.EXIT_UNRECOVERABLE


def test_a_child_whose_interpreter_shutdown_hangs_still_exits_with_its_code() -> None:
    # as billiard's atexit pool finalizer does on a lock a killed pool process held
    started = time.monotonic()
    code = subprocess.run(
        [sys.executable, "-c",
         "import atexit, sys, time\n"
         "from ingest.supervise import exit_within\n"
         "atexit.register(time.sleep, 60)\n"
         "exit_within(3, grace=0.2)\n"
         "sys.exit(3)\n"],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}, timeout=60,
    ).returncode
    assert code == 3 and time.monotonic() - started < 30


# Loaded by every Python process of the worker below (sitecustomize): the child's first Celery
# consumer fails as kombu's Redis transport does on a broker restart (celery/kombu#970).
_FAIL_FIRST_CONSUMER = """
import os
if os.environ.get("CASEFILE_WORKER_CHILD") == "1":
    from celery.worker.consumer import consumer

    real_start = consumer.Consumer.start
    starts = os.environ["CONSUMER_STARTS"]

    def start(self):
        first = not os.path.exists(starts)
        with open(starts, "a") as f:
            f.write("x")
        if first:
            raise RuntimeError("Connection closed by server (restoring unacknowledged messages)")
        return real_start(self)

    consumer.Consumer.start = start
"""


@pytest.mark.slow
def test_a_celery_worker_stopped_by_an_unrecoverable_error_is_started_again(tmp_path: Path) -> None:
    """The broker-restart fault test's rare failure, made certain (embedded broker, no Redis).

    Celery stops itself cleanly after the error; ``worker_main`` used to return nothing, the child
    exited 0 and the supervisor took that for a requested stop and ended too.
    """
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_FAIL_FIRST_CONSUMER, encoding="utf-8")
    starts = tmp_path / "consumer-starts"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"PYTHONPATH": os.pathsep.join([str(hooks), str(REPO)]), "CONSUMER_STARTS": str(starts),
                "CASEFILE_OCR_ENGINE": "null", "CASEFILE_LOAD_DEMO": "false"})
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "api.cli", "--data-dir", str(tmp_path / "data"), "worker"],
                                  cwd=REPO, env=env, start_new_session=True, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None and _read(starts) != "xx":
            time.sleep(0.2)
        log_text = log_path.read_text(encoding="utf-8", errors="replace")
        assert _read(starts) == "xx", log_text  # a second child's consumer started
        assert worker.poll() is None, log_text
        assert f"worker exited with code {sup.EXIT_UNRECOVERABLE}" in log_text
    finally:
        stop_worker(worker, timeout=60)
    assert worker.returncode == 0  # and a stop request still ends both


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def test_child_runs_with_two_malloc_arenas_issue_9(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # glibc's per-thread arenas made a pool process grow over its first 500 documents
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    argv = _script(tmp_path, "import os, sys; sys.exit(0 if os.environ['MALLOC_ARENA_MAX'] == '2' else 3)")
    assert sup.supervise(argv, delay=0.01) == 0


def test_an_operators_malloc_arena_max_is_kept() -> None:
    env = sup.child_environment({"MALLOC_ARENA_MAX": "8", "PATH": "/bin"})
    assert env == {"MALLOC_ARENA_MAX": "8", "PATH": "/bin", sup.CHILD_ENV: "1",
                   sup.PARENT_PID_ENV: str(os.getpid())}  # the child dies with its supervisor


def test_a_child_that_cannot_start_is_not_started_again(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    argv = _script(tmp_path, f"open({str(runs)!r}, 'a').write('x'); raise SystemExit({sup.EXIT_CONFIG})")
    assert sup.supervise(argv, delay=0.01) == sup.EXIT_CONFIG
    assert runs.read_text() == "x"


def test_a_worker_with_an_unknown_ocr_engine_says_so_and_stops_at_once(tmp_path: Path) -> None:
    # The supervisor no longer checks the plugin names itself (its start-up is on the way to
    # the first page, issue #19); the child does, and its supervisor gives up on it at once.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFILE_")}
    env.update({"PYTHONPATH": str(REPO), "CASEFILE_OCR_ENGINE": "nope", "CASEFILE_LOAD_DEMO": "false"})
    done = subprocess.run([sys.executable, "-m", "api.cli", "--data-dir", str(tmp_path / "data"), "worker"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == sup.EXIT_CONFIG, done.stderr
    assert "nope" in done.stderr and "ppocr" in done.stderr  # the unknown name and the known ones
    assert "starting it again" not in done.stderr  # the supervisor's restart message: one try only
