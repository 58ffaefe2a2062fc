"""File names as clerks see them: safe to store, to show and to put in a download header."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

_UNSAFE = re.compile(r"[<>:\"|?*\\/]")
# Characters that change how a name is shown without being seen: bidirectional overrides
# (U+202E turns "invoice\u202etxt.exe" into "invoiceexe.txt" on screen), zero-width and other
# format characters (Cf), and surrogates left by a broken decoding (Cs).
_INVISIBLE = {"Cf", "Cs"}
# Controls (C0, DEL, C1) and line/paragraph separators: visible as a placeholder.
_CONTROL = {"Cc", "Zl", "Zp"}


def sanitize_filename(name: str) -> str:
    """The file's own name, without folders, control or format characters, or path tricks.

    At most 200 characters. Applied when a name is stored and again when it is shown, so names
    stored before a rule was added are shown safely too.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(
        "_" if unicodedata.category(ch) in _CONTROL else ch
        for ch in name
        if unicodedata.category(ch) not in _INVISIBLE
    )
    name = PurePath(name.replace("\\", "/")).name
    name = _UNSAFE.sub("_", name).strip(" .")
    return name[:200] or "未命名文件"
