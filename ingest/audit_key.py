"""The audit key of this installation, read or created at start-up, and the seal opened with it.

``models.audit_seal`` holds the seal itself (MACs, checkpoint lines, the append-only flag) and
the audit writer uses it; reading the key is start-up work that answers a wrong or lost key with
the error a person reads (AUDIT_KEY_INVALID, AUDIT_KEY_MISMATCH), so it lives on the floor that
builds the pipeline context and runs `casefile audit verify`, not beside the tables.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from core.errors import AUDIT_KEY_INVALID, AUDIT_KEY_MISMATCH, CasefileError
from models.audit_seal import (
    GENESIS,
    AuditSeal,
    CheckpointLine,
    append_checkpoint,
    is_append_only,
    read_checkpoints,
    set_append_only,
)
from models.db import Database

log = logging.getLogger(__name__)

MIN_KEY_CHARS = 32


def _key_from_text(text: str, where: str) -> bytes:
    key = text.strip()
    if len(key) < MIN_KEY_CHARS:
        raise CasefileError(AUDIT_KEY_INVALID, f"{where}: {len(key)} characters, needs {MIN_KEY_CHARS}")
    return key.encode()


def read_key(key: str, key_file: Path) -> bytes | None:
    """The key from ``key`` (CASEFILE_AUDIT_KEY) if set, else from ``key_file``; ``None`` if neither.

    Raises AUDIT_KEY_INVALID for a key that is too short or a key file that cannot be read.
    """
    if key:
        return _key_from_text(key, "CASEFILE_AUDIT_KEY")
    try:
        text = key_file.read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise CasefileError(AUDIT_KEY_INVALID, f"{key_file}: {error}") from error
    mode = key_file.stat().st_mode & 0o777
    if mode & 0o077:
        log.warning("audit key file %s is readable by others (mode %o): chmod 600 it", key_file, mode)
    return _key_from_text(text, str(key_file))


def create_key_file(key_file: Path) -> bytes:
    """Write a new random key to ``key_file`` (mode 0600, never overwriting one) and return it."""
    key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = secrets.token_hex(32)
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        key = read_key("", key_file)
        assert key is not None
        return key
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(text + "\n")
        out.flush()
        os.fsync(out.fileno())
    log.warning("created the audit key %s: keep a copy off this machine; without it the audit "
                "log cannot be verified", key_file)
    return text.encode()


def check_key_matches(seal: AuditSeal, lines: list[CheckpointLine]) -> None:
    """Raise AUDIT_KEY_MISMATCH if the checkpoint file was signed with another key."""
    signed = {line.data.get("key") for line in lines if line.data is not None}
    if signed and signed != {seal.key_id}:
        raise CasefileError(AUDIT_KEY_MISMATCH, f"checkpoints signed by {sorted(map(str, signed))}, "
                            f"this key is {seal.key_id}")


def open_seal(
    db: Database, *, key: str, key_file: Path, checkpoint_path: Path,
    every_events: int = 1000, every_seconds: float = 60.0, append_only: bool = False,
) -> AuditSeal:
    """The seal of this installation, attached to ``db`` for its audit writer; run at start-up.

    Reads the key (``key`` or ``key_file``; a new key file is created when neither exists).
    A checkpoint file with no line yet is opened with the current head: the log is sealed from
    the next event on. Raises AUDIT_KEY_INVALID, AUDIT_KEY_MISMATCH (the checkpoint file was
    signed with another key: events written now could never be verified) and OSError.
    """
    from sqlalchemy import select, update

    from models.tables import AuditHead

    existing = read_key(key, key_file)
    lines = read_checkpoints(checkpoint_path)
    if existing is None and lines:  # the key was lost: a new one would seal what none can verify
        raise CasefileError(AUDIT_KEY_MISMATCH, f"no key at {key_file}, but {checkpoint_path} is signed")
    seal = AuditSeal(existing or create_key_file(key_file), checkpoint_path, every_events, every_seconds)
    if lines:
        check_key_matches(seal, lines)
    else:
        if existing is not None and lines is None:
            log.error("the audit checkpoint file %s is missing though the key exists: a new one is "
                      "started; `casefile audit verify` reports the events sealed before it",
                      checkpoint_path)
        with db.transaction() as connection:
            head = connection.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one_or_none()
        seq, digest = (head.seq, head.hash) if head else (0, GENESIS)
        if append_checkpoint(seal, seq, digest, kind="open", only_if_empty=True, extra={"from": seq + 1}):
            with db.transaction() as connection:
                connection.execute(
                    update(AuditHead).where(AuditHead.id == 1, AuditHead.seq == seq, AuditHead.hash == digest)
                    .values(mac=seal.head_mac(seq, digest))
                )
    if append_only and not is_append_only(checkpoint_path) and not set_append_only(checkpoint_path):
        log.warning("could not make %s append-only (needs root or CAP_LINUX_IMMUTABLE and a "
                    "filesystem with the flag): run `chattr +a %s` as root", checkpoint_path, checkpoint_path)
    db.audit_seal = seal
    return seal
