"""A clerk's corrections of a file's catalogue, kept as an ordered list of edits.

The automatic split (``split.catalogue_pages``) runs again whenever a file is reprocessed; the
clerk's edits are stored apart (``Document.catalogue_edits``) and replayed on top of whatever it
finds, so a correction outlives reprocessing. An edit names the document it changes by its first
page in the file, not by its position: that stays true when the automatic split changes elsewhere.

Edits (``op`` and its keys):

- ``split``  ``page`` (+ ``type``, ``title``, ``kind``): the document holding ``page`` ends before it;
  a new document of ``type``/``title`` runs from ``page`` to the old one's last page (``kind``: the
  types.toml entry its title names when that reports as 其他, e.g. 搜查证);
- ``merge``  ``first_page``: the document and the next one in the list become one (the first's
  type and title);
- ``retype`` ``first_page``, ``type`` (its ``kind`` becomes the type too);
- ``edit``   ``first_page``, ``fields`` (``title``, ``number``, ``agency``, ``date``);
- ``move``   ``first_page``, ``by`` (-1 up, +1 down): swaps it with its neighbour in the list;
- ``delete`` ``first_page``: the entry leaves the catalogue (its pages belong to no document).

Every other key an entry carries (the splitter's ``kind``, ``persons`` …) is kept through an edit:
an edited entry is still read for facts as the splitter typed it.

``apply_edit`` refuses a wrong edit with a ``CasefileError`` whose message says what is wrong in
words a clerk reads; ``corrected_entries`` replays the stored ones and leaves out (and logs) one
that no longer fits the automatic catalogue, rather than failing the file.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from core.errors import (
    CATALOGUE_EDIT_INVALID,
    CATALOGUE_ENTRY_NOT_FOUND,
    CATALOGUE_LAST_ENTRY,
    CATALOGUE_MERGE_LAST,
    CATALOGUE_MOVE_EDGE,
    CATALOGUE_SPLIT_OUTSIDE,
    CATALOGUE_TITLE_EMPTY,
    DOCUMENT_TYPE_UNKNOWN,
    CasefileError,
)
from nlp.catalogue.types import OTHER, document_types, get_type, type_names

log = logging.getLogger(__name__)

OPS = ("split", "merge", "retype", "edit", "move", "delete")
FIELDS = ("title", "number", "agency", "date")
FIELD_LIMIT = 200  # characters of a title, 文号, 责任者 or date


def base_entries(
    document_type: str | None, type_corrected: bool, catalogue: Sequence[dict[str, Any]] | None,
    page_count: int | None,
) -> list[dict[str, Any]]:
    """The automatic catalogue of a file, before any edit.

    A file whose type a clerk corrected as a whole, or in which the split found nothing, is one
    document over all its pages.
    """
    if type_corrected or not catalogue:
        return [{"type": document_type, "title": document_type or OTHER, "number": None, "agency": None,
                 "date": None, "first_page": 1, "last_page": page_count or 1}]
    return [dict(entry) for entry in catalogue]


def corrected_entries(
    base: Sequence[dict[str, Any]], edits: Iterable[dict[str, Any]] | None, *, label: str = "",
) -> list[dict[str, Any]]:
    """``base`` with every stored edit replayed in order; an edit that no longer fits is skipped."""
    entries = [dict(entry) for entry in base]
    for edit in edits or ():
        try:
            entries = apply_edit(entries, edit)
        except CasefileError as error:  # the automatic catalogue changed under a stored edit
            log.warning("catalogue edit %s of %s skipped: %s", edit, label, error.message)
    return entries


def _find(entries: list[dict[str, Any]], first_page: Any) -> int:
    for index, entry in enumerate(entries):
        if entry.get("first_page") == first_page:
            return index
    raise CasefileError(
        CATALOGUE_ENTRY_NOT_FOUND, f"first_page {first_page}",
        message=f"卷内目录中没有从第 {first_page} 页开始的文书。",
    )


def _name(entry: dict[str, Any]) -> str:
    first, last = entry["first_page"], entry["last_page"]
    pages = f"第 {first} 页" if first == last else f"第 {first}–{last} 页"
    return f"“{entry.get('title') or entry.get('type') or OTHER}”（{pages}）"


def _check_type(name: Any) -> str:
    if not isinstance(name, str) or name not in type_names():
        raise CasefileError(DOCUMENT_TYPE_UNKNOWN, str(name), message=f"“{name}”不是标准文书类型。",
                            hint=f"可选的文书类型：{'、'.join(type_names())}。")
    return name


def _clean(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CasefileError(CATALOGUE_EDIT_INVALID, f"{field}: {value!r}")
    text = " ".join(value.split())
    if len(text) > FIELD_LIMIT:
        raise CasefileError(CATALOGUE_EDIT_INVALID, f"{field} too long",
                            message=f"填写的内容太长（不超过 {FIELD_LIMIT} 个字）。")
    return text or None


def _title(value: Any) -> str:
    title = _clean(value, "title")
    if not title:
        raise CasefileError(CATALOGUE_TITLE_EMPTY)
    return title


def _kind(value: Any, reported: str) -> str:
    """The types.toml entry that named a split-off document's title, if it reports as ``reported``."""
    if isinstance(value, str) and value in {t.name for t in document_types()} and get_type(value).reported == reported:
        return value
    return reported


def _int(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CasefileError(CATALOGUE_EDIT_INVALID, f"{field}: {value!r}")
    return value


def apply_edit(entries: Sequence[dict[str, Any]], edit: dict[str, Any]) -> list[dict[str, Any]]:
    """The catalogue after one edit (``entries`` is left as it was); a wrong edit raises."""
    out = copy.deepcopy(list(entries))
    op = edit.get("op")
    if op == "split":
        page = _int(edit.get("page"), "page")
        holder = next((i for i, e in enumerate(out) if e["first_page"] <= page <= e["last_page"]), None)
        if holder is None or out[holder]["first_page"] == page:
            where = (f"第 {page} 页已是{_name(out[holder])}的首页" if holder is not None
                     else f"第 {page} 页不在目录中任何一份文书之内")
            raise CasefileError(CATALOGUE_SPLIT_OUTSIDE, f"page {page}", message=f"不能在此拆分：{where}。")
        kind = _check_type(edit.get("type") or OTHER)
        old = out[holder]
        new = {"type": kind, "title": _title(edit.get("title") or kind), "number": None, "agency": None,
               "date": None, "first_page": page, "last_page": old["last_page"], "corrected": True,
               "kind": _kind(edit.get("kind"), kind)}
        old["last_page"], old["corrected"] = page - 1, True
        out.insert(holder + 1, new)
        return out
    if op not in OPS:
        raise CasefileError(CATALOGUE_EDIT_INVALID, f"op {op!r}")
    index = _find(out, edit.get("first_page"))
    entry = out[index]
    if op == "merge":
        if index + 1 >= len(out):
            raise CasefileError(CATALOGUE_MERGE_LAST, _name(entry),
                                message=f"{_name(entry)}是本文件目录中的最后一份文书，没有可合并的下一份。")
        following = out[index + 1]
        between = [e for e in out if entry["last_page"] < e["first_page"] < following["first_page"]]
        if following["first_page"] <= entry["last_page"] or between:
            raise CasefileError(CATALOGUE_EDIT_INVALID, "merge out of page order",
                                message=f"{_name(following)}排在{_name(entry)}之后，但页码不相连，不能合并。",
                                hint="请先用“上移”“下移”把两份文书按页码排好，再合并。")
        entry["last_page"], entry["corrected"] = following["last_page"], True
        del out[index + 1]
    elif op == "retype":
        # the clerk's type wins over the title the splitter read (搜查证, 刑事裁定书 …)
        entry["type"], entry["corrected"] = _check_type(edit.get("type")), True
        entry["kind"] = entry["type"]
    elif op == "edit":
        fields = edit.get("fields")
        if not isinstance(fields, dict) or not fields or set(fields) - set(FIELDS):
            raise CasefileError(CATALOGUE_EDIT_INVALID, f"fields {fields!r}")
        for name, value in fields.items():
            entry[name] = _title(value) if name == "title" else _clean(value, name)
        entry["corrected"] = True
    elif op == "move":
        by = _int(edit.get("by"), "by")
        target = index + by
        if by not in (-1, 1):
            raise CasefileError(CATALOGUE_EDIT_INVALID, f"by {by}")
        if not 0 <= target < len(out):
            raise CasefileError(CATALOGUE_MOVE_EDGE, _name(entry), message=(
                f"{_name(entry)}已是本文件目录中的{'第一' if by < 0 else '最后一'}份文书，不能再{'上' if by < 0 else '下'}移。"))
        out[index], out[target] = out[target], out[index]
        out[target]["corrected"] = True
    elif op == "delete":
        if len(out) == 1:
            raise CasefileError(CATALOGUE_LAST_ENTRY, _name(entry))
        del out[index]
    return out


def page_types(entries: Sequence[dict[str, Any]], page_count: int, fallback: str | None) -> dict[int, str | None]:
    """The type of each page of a file: that of the document holding it, else ``fallback``."""
    types: dict[int, str | None] = dict.fromkeys(range(1, page_count + 1), fallback)
    for entry in entries:
        for number in range(int(entry["first_page"]), int(entry["last_page"]) + 1):
            if number in types:
                types[number] = entry.get("type")
    return types


def file_type(entries: Sequence[dict[str, Any]]) -> str:
    """A file's type: that of the one document it holds, else 卷宗 (a volume), else 其他."""
    if len(entries) == 1:
        return str(entries[0].get("type") or OTHER)
    return "卷宗" if entries else OTHER
