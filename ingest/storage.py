"""Originals stored once, by content hash, before any processing, and never altered.

Layout: ``<originals>/<h[:2]>/<h>`` (read-only file). The store sits outside any served folder;
the API streams an original only after its own permission checks.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from core.errors import EMPTY_FILE, FILE_TOO_LARGE, STORAGE_FAILED, STORAGE_FULL, CasefileError
from core.files import fsync_folder

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredOriginal:
    """An original on disk: its hash, size, path and first bytes (for type sniffing)."""

    sha256: str
    size: int
    path: Path
    head: bytes


class OriginalStore:
    """Content-addressed, write-once storage of uploaded originals."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(
        self, stream: BinaryIO, *, max_bytes: int, accept: Callable[[bytes], object] | None = None
    ) -> StoredOriginal:
        """Copy ``stream`` into the store; durable (fsynced) before this returns.

        Raises EMPTY_FILE for zero bytes and FILE_TOO_LARGE past ``max_bytes``. ``accept`` sees
        the first bytes once the whole stream is received and raises to refuse the file (its
        type, say). Nothing is left behind in any of these cases: a refused file never enters
        the store, so no original already there (the same content accepted elsewhere) is touched.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise CasefileError(FILE_TOO_LARGE, f"more than {max_bytes} bytes")
                    if len(head) < 8192:
                        head += chunk[: 8192 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if size == 0:
                raise CasefileError(EMPTY_FILE)
            if accept is not None:
                accept(head)
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.exists():
                tmp.unlink()
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp, 0o444)
                os.replace(tmp, final)
                fsync_folder(final.parent)
            return StoredOriginal(sha, size, final, head)
        except OSError as error:
            tmp.unlink(missing_ok=True)
            spec = STORAGE_FULL if error.errno in (errno.ENOSPC, errno.EDQUOT) else STORAGE_FAILED
            raise CasefileError(spec, f"{self.root}: {error}") from error
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put_path(self, path: Path, *, max_bytes: int) -> StoredOriginal:
        with path.open("rb") as stream:
            return self.put(stream, max_bytes=max_bytes)
