"""The audit log's seal: a keyed MAC on every event, and checkpoints of the head outside the database.

The hash chain (``models.audit``) shows that stored events fit together, not that casefile wrote
them: whoever can write the tables can edit an event, delete the reads or cut the tail and compute
the chain again. The seal adds two things the database does not hold:

* a secret key (``CASEFILE_AUDIT_KEY``, or a key file created with mode 0600 at first start), with
  which every event and the head row carry an HMAC-SHA256. Without the key no edited, inserted or
  renumbered event, and no moved head, can be given a MAC that verifies;
* a checkpoint file (one JSON line per checkpoint, opened ``O_APPEND``, fsynced, each line MAC'd
  and chained to the line before), to which the writer appends the head it committed every N
  events or T seconds, when it falls idle and when the process exits. Truncating the log, wiping
  it or restoring an old copy of the tables leaves a checkpoint that the database no longer
  reaches.

The file's first line ("open") says from which event on the log is sealed; events before it were
written before the key existed and are reported as such. The file is only as safe as its place:
set the filesystem's append-only flag (``audit_append_only``, or ``chattr +a`` as root) and ship it
off the machine (see ``NOTES``/README, security model).
"""

from __future__ import annotations

import array
import contextlib
import errno
import fcntl
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

GENESIS = "0" * 64  # the hash before the first event of the chain

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

_KEY_ID_LABEL = b"casefile audit key id"
# Linux <linux/fs.h>: FS_IOC_GETFLAGS / FS_IOC_SETFLAGS (64-bit), FS_APPEND_FL
_FS_IOC_GETFLAGS, _FS_IOC_SETFLAGS, _FS_APPEND_FL = 0x80086601, 0x40086602, 0x20
_TAIL_BYTES = 4096  # more than one checkpoint line: the last line is read to chain the next


@dataclass(frozen=True)
class AuditSeal:
    """The key and the checkpoint file of one installation, and how often to checkpoint."""

    key: bytes = field(repr=False)
    checkpoint_path: Path
    every_events: int = 1000
    every_seconds: float = 60.0

    @property
    def key_id(self) -> str:
        """A public fingerprint of the key, written into each checkpoint (tells a wrong key apart)."""
        return hmac.new(self.key, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]

    def event_mac(self, digest: str) -> str:
        """The MAC of an event: over its chain hash, which covers its fields, seq and predecessor."""
        return hmac.new(self.key, b"event:" + digest.encode(), hashlib.sha256).hexdigest()

    def head_mac(self, seq: int, digest: str) -> str:
        return hmac.new(self.key, f"head:{seq}:{digest}".encode(), hashlib.sha256).hexdigest()

    def line_mac(self, line: dict[str, Any]) -> str:
        body = {k: v for k, v in line.items() if k != "mac"}
        canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hmac.new(self.key, b"checkpoint:" + canonical.encode(), hashlib.sha256).hexdigest()


# --- the checkpoint file ---------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointLine:
    number: int  # line number in the file, from 1
    data: dict[str, Any] | None  # None: not a JSON object
    raw: str


def read_checkpoints(path: Path) -> list[CheckpointLine] | None:
    """Every line of the checkpoint file, parsed; ``None`` when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        lines.append(CheckpointLine(number, data if isinstance(data, dict) else None, raw))
    return lines


def _last_line(fd: int) -> dict[str, Any] | None:
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    start = max(0, size - _TAIL_BYTES)
    tail = os.pread(fd, size - start, start).decode("utf-8", errors="replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    try:
        last = json.loads(lines[-1]) if lines else None
    except ValueError:
        return {}  # a torn line: the next one chains to nothing, and verify says so
    return last if isinstance(last, dict) else {}


def append_checkpoint(
    seal: AuditSeal, seq: int, digest: str, *, kind: str = "head", only_if_empty: bool = False,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Append one MAC'd checkpoint of the head (``seq``, ``digest``), chained to the last line.

    The file is locked while the last line is read and the new one written (several processes
    append to it), written with one ``write`` and fsynced. With ``only_if_empty`` nothing is
    written to a file that already has a line (returns False). Raises OSError.
    """
    seal.checkpoint_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_RDWR | O_APPEND: readable to chain, yet writable only at the end (and allowed under +a)
    fd = os.open(seal.checkpoint_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_line(fd)
        if only_if_empty and last is not None:
            return False
        line: dict[str, Any] = {
            "v": 1, "kind": kind, "seq": seq, "hash": digest,
            "at": datetime.now(UTC).isoformat(timespec="seconds"), "key": seal.key_id,
            "pid": os.getpid(), "prev": (last or {}).get("mac", ""), **(extra or {}),
        }
        line["mac"] = seal.line_mac(line)
        os.write(fd, (json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n").encode())
        os.fsync(fd)
        return True
    finally:
        os.close(fd)  # releases the lock


def is_append_only(path: Path) -> bool | None:
    """Whether the filesystem's append-only flag is set on ``path`` (None: cannot tell)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, flags, True)
        return bool(flags[0] & _FS_APPEND_FL)
    except OSError:
        return None
    finally:
        os.close(fd)


def set_append_only(path: Path, on: bool = True) -> bool:
    """Set (or clear) the append-only flag (``chattr +a``); False where not permitted or supported.

    Needs root or CAP_LINUX_IMMUTABLE and a filesystem with the flag (ext4, xfs, btrfs...).
    """
    fd = os.open(path, os.O_RDONLY)
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, flags, True)
        flags[0] = flags[0] | _FS_APPEND_FL if on else flags[0] & ~_FS_APPEND_FL
        fcntl.ioctl(fd, _FS_IOC_SETFLAGS, flags, True)
        return True
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EACCES, errno.ENOTTY, errno.EOPNOTSUPP, errno.EINVAL):
            raise
        return False
    finally:
        os.close(fd)


def warn_unless_append_only(path: Path) -> None:
    with contextlib.suppress(OSError):
        if not is_append_only(path):
            log.warning(
                "the audit checkpoint file %s is not append-only at the filesystem level: whoever "
                "has this machine's account can rewrite it (run `chattr +a %s` as root, or set "
                "CASEFILE_AUDIT_APPEND_ONLY=true for a server run as root; ship it off the machine)",
                path, path,
            )
