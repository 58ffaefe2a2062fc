"""Limits a process puts on itself: its address space, and dying with the process that started it.

Linux only where it says so; elsewhere these do nothing (casefile runs on Linux; the tests and
development machines that are not Linux keep working, without the guarantee).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys

log = logging.getLogger(__name__)

PARENT_PID_ENV = "CASEFILE_PARENT_PID"
_PR_SET_PDEATHSIG = 1


def limit_address_space(megabytes: int) -> None:
    """Cap this process's address space at ``megabytes``: a bomb fails with MemoryError.

    A hard limit set by the operator that is lower stays in force.
    """
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = megabytes * 1024 * 1024
    soft = cap if hard == resource.RLIM_INFINITY else min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def die_with_parent(sig: int = signal.SIGTERM, expected_parent: int | None = None) -> None:
    """Have the kernel send ``sig`` to this process when its parent dies (Linux ``PR_SET_PDEATHSIG``).

    A SIGKILLed ``casefile serve`` cannot stop its children; without this its worker tree ran on
    as orphans (issue #16, item 10). ``expected_parent``: the parent's pid as the parent knew
    it; if the parent died before this call (the process is already re-parented), ``sig`` is
    raised at once. The setting is kept across ``exec`` and cleared by ``fork``, so each process
    of a tree sets it for itself.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, ctypes.c_ulong(sig), 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        log.warning("could not ask to die with the parent process: %s", os.strerror(errno))
        return
    if expected_parent is not None and os.getppid() != expected_parent:
        os.kill(os.getpid(), sig)


def die_with_parent_from_environment(sig: int = signal.SIGTERM) -> None:
    """``die_with_parent`` when the starter asked for it by setting ``CASEFILE_PARENT_PID``.

    Only a process started by casefile itself dies with its parent: a `casefile worker` started
    from a shell is left alone.
    """
    value = os.environ.get(PARENT_PID_ENV, "")
    if value.isdigit():
        die_with_parent(sig, int(value))
