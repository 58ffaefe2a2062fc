"""Decide a file's media type from its first bytes; the name is only checked against them."""

from __future__ import annotations

import codecs
from pathlib import PurePath

from core.errors import EMPTY_FILE, TYPE_MISMATCH, UNSUPPORTED_TYPE, CasefileError

PDF = "application/pdf"
TIFF = "image/tiff"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"

# How many leading bytes callers should pass: enough to see a DOCX's "word/" entry and to judge
# whether text decodes.
HEAD_BYTES = 64 * 1024

_EXTENSIONS = {
    ".pdf": PDF,
    ".tif": TIFF,
    ".tiff": TIFF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".jpe": JPEG,
    ".png": PNG,
    ".docx": DOCX,
    ".txt": TEXT,
}
# Scanner software mislabels one image format as another; the content still reads fine, so
# images are one family for the name check.
_FAMILY = {PDF: "pdf", TIFF: "image", JPEG: "image", PNG: "image", DOCX: "docx", TEXT: "text"}
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _magic_type(head: bytes, filename: str) -> str | None:
    """Return the binary type the leading bytes announce, if any."""
    if b"%PDF-" in head[:1024]:  # producers may put junk before the header; readers accept it
        return PDF
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return TIFF
    if head[:3] == b"\xff\xd8\xff":
        return JPEG
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return PNG
    if head[:4] == b"PK\x03\x04":
        # Word writes [Content_Types].xml, _rels/ and word/ first; a generic ZIP or XLSX has no
        # word/ entry. Only when the head is too short to see it does the name settle it.
        if b"word/" in head:
            return DOCX
        if b"[Content_Types].xml" in head and PurePath(filename).suffix.lower() == ".docx":
            return DOCX
        raise CasefileError(UNSUPPORTED_TYPE, f"{filename}: ZIP archive that is not DOCX")
    return None


def _looks_like_text(head: bytes) -> bool:
    """Tell whether ``head`` decodes as UTF-8, UTF-16 (BOM) or GB18030 without control bytes."""
    if head.startswith(_BOMS):
        return True
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            # final=False: the head may cut a multi-byte character in two
            text = decoder.decode(head, final=False)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        return controls <= len(text) // 100
    return False


def sniff_media_type(head: bytes, filename: str) -> str:
    """Return the media type of a file whose first bytes are ``head`` (``HEAD_BYTES`` of them).

    Decided by content. Raises ``CasefileError`` with ``EMPTY_FILE`` for no bytes,
    ``TYPE_MISMATCH`` when the extension names a supported type the content is not, and
    ``UNSUPPORTED_TYPE`` for content of any other kind.
    """
    if not head:
        raise CasefileError(EMPTY_FILE, filename)
    claimed = _EXTENSIONS.get(PurePath(filename).suffix.lower())
    found = _magic_type(head, filename)
    if found is None and _looks_like_text(head):
        found = TEXT
    if found is None:
        if claimed is not None:
            raise CasefileError(TYPE_MISMATCH, f"{filename}: not a {claimed} by content")
        raise CasefileError(UNSUPPORTED_TYPE, f"{filename}: unrecognised content {head[:8]!r}")
    if claimed is not None and _FAMILY[claimed] != _FAMILY[found]:
        raise CasefileError(TYPE_MISMATCH, f"{filename}: named {claimed}, content is {found}")
    return found
