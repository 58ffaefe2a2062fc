"""How a file the API hands out is named for the person saving it."""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def attachment(name: str, fallback: str) -> dict[str, str]:
    """A Content-Disposition header that saves the file as ``name``.

    ``name`` keeps its Chinese (RFC 5987), ``fallback`` (ASCII) serves clients that read only
    ``filename``; characters no file system takes are dropped.
    """
    readable = _UNSAFE.sub("", name)
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(readable)}"}
