"""Split a file's pages into the documents it holds (编目), as a clerk would.

``catalogue_pages(pages)`` takes the pages of one file (``models.page.PageContent``, in
file order) and returns one :class:`CataloguedDocument` per document: standard type, title,
文号, issuing agency, date signed, the persons it names with their role, first and last page
(1-based within the file).

What starts a document: a title in the first lines of a page (spaces removed, so 拘 留 证 counts;
an agency name may stand before it on the same line), each 讯问笔录 session included; failing a
title, a page after one that closed with a seal and date block that opens with an agency header
and a 文号. Everything else continues the document before it: a page without a title at its top,
a blank separator page, a "此页无正文" back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from models.page import Line, PageContent
from nlp.catalogue.types import OTHER, TitleMatch, find_titles, fuzzy_title, get_type
from nlp.dates import scan_dates
from nlp.han import HAN
from nlp.surnames import has_surname

_TOP_LINES = 4  # a title stands within the first lines of its first page
_TITLE_ZONE = 0.4  # …or, set apart (taller, centred), in the upper part of the page
_TALLER = 1.3
_HEAD_CHARS = 80
_MAX_TITLE_LINE = 40
_BLANK_CHARS = 6
_SPACE_RE = regex.compile(r"\s+")
# what may follow a title on its line: （第2次）, （副本）, （存根）, （第一联）, 第 1 页
_TITLE_TAIL_RE = regex.compile(r"(?:[（(][^）)]{1,10}[）)]|第[0-9一二三四五六七八九十]+页(?:共[0-9一二三四五六七八九十]+页)?)+$")
_PAGE_MARK_RE = regex.compile(r"第[0-9一二三四五六七八九十]+页")
_SESSION_RE = regex.compile(r"^[（(]?第([0-9一二三四五六七八九十]+)次[）)]?$|第([0-9一二三四五六七八九十]+)次讯问")
_AGENCY_SUFFIX = (r"(?:公安局|公安分局|分局|派出所|刑警大队|刑事侦查大队|大队|支队|人民检察院|检察院|"
                  r"人民法院|法院|看守所|司法局|司法所|公安厅|检察分院|鉴定中心|鉴定所|鉴定机构|物证鉴定所|"
                  r"社区矫正管理局|社区矫正中心|委员会)")
_AGENCY_LINE_RE = regex.compile(rf"^([{HAN}]{{2,30}}?{_AGENCY_SUFFIX})(?:[（(][^）)]{{0,8}}[）)])?$")
# greedy: the longest name on the line that ends with an agency word (…公安局朝阳分局, not …公安局)
_AGENCY_IN_RE = regex.compile(rf"([{HAN}]{{2,30}}{_AGENCY_SUFFIX})")
_AGENCY_FIELD_RE = regex.compile(
    rf"(?:办案单位|工作单位|受案单位|承办单位|填发单位|决定机关|鉴定机构)[：:]?([{HAN}]{{2,30}}{_AGENCY_SUFFIX})")
_OPEN, _CLOSE = "〔［\\[（(【", "〕］\\]）)】"
NUMBER_RE = regex.compile(
    rf"(?:[{HAN}]{{1,14}}(?:[（(][{HAN}]{{1,4}}[）)])?[{HAN}]{{0,6}})?"
    rf"[{_OPEN}](?:19|20)[0-9]{{2}}[{_CLOSE}][{HAN}0-9A-Za-z]{{0,14}}?第?[0-9]+号"
)
_SEAL_RE = regex.compile(r"[（(](?:印|[^）)]{0,6}章|院印|局印)[）)]|印章|签名|签字|捺指印|此页无正文")
_NO_TEXT_RE = regex.compile(r"此页无正文|以下空白|本页以下空白")
_RECORD_TYPES = ("讯问笔录", "询问笔录", "辨认笔录", "现场勘验笔录")
_RECORD_TIME_RE = regex.compile(r"(?:时间|讯问时间|询问时间)[：:]?")
_ROLE_RE = regex.compile(
    r"(犯罪嫌疑人|被告人|被害人|证人|被讯问人|被询问人|被拘留人|被逮捕人|被取保候审人|被监视居住人|罪犯)"
    rf"(?:姓名)?[：:]?([{HAN}][{HAN}某×Ｘ]{{1,3}}?)"
    r"(?=[，,。；;：:（(、]|性别|男|女|曾用名|绰号|涉嫌|因|于|的|在|到|等|从|报案|问[：:]|答[：:]|$)"
)
_ROLE_OF = {"犯罪嫌疑人": "犯罪嫌疑人", "被讯问人": "犯罪嫌疑人", "被拘留人": "犯罪嫌疑人",
            "被逮捕人": "犯罪嫌疑人", "被取保候审人": "犯罪嫌疑人", "被监视居住人": "犯罪嫌疑人",
            "被告人": "被告人", "罪犯": "被告人", "被害人": "被害人", "证人": "证人", "被询问人": "证人"}
_FIELD_NAME_RE = regex.compile(rf"姓名[：:]?([{HAN}]{{2,4}}?)(?=性别|[，,。；;：:（(]|曾用名|别名|问[：:]|$)")
_NOT_NAMES = {"姓名", "性别", "本人", "自己", "其他", "签名", "某某"}


@dataclass
class CataloguedDocument:
    """One document found in a file (pages 1-based within the file, inclusive)."""

    type: str
    title: str
    first_page: int
    last_page: int
    kind: str = ""  # the entry of types.toml that named it (搜查证 where ``type`` is 其他)
    number: str | None = None
    agency: str | None = None
    date: str | None = None
    persons: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.kind = self.kind or self.type

    def to_dict(self) -> dict[str, Any]:
        """The ``casefile catalogue --json`` shape of a document (``persons`` added)."""
        return {"type": self.type, "title": self.title, "number": self.number, "agency": self.agency,
                "date": self.date, "first_page": self.first_page, "last_page": self.last_page,
                "persons": list(self.persons)}

    def stored(self) -> dict[str, Any]:
        """The entry as ``Document.catalogue`` keeps it: ``to_dict`` plus ``kind``.

        ``kind`` (搜查证, 刑事裁定书 where ``type`` is 其他) says how the facts are read; it is
        kept so that a catalogue read back from the database, corrected or not, reads them alike.
        """
        return {**self.to_dict(), "kind": self.kind}


@dataclass(frozen=True)
class _Page:
    """What the splitter looks at on one page: its non-empty lines without spaces.

    ``prominent`` flags the lines set apart as a title is on a page image: in the upper part of
    the page and taller than the page's usual line, or short and centred (text sources, which
    have no boxes, flag none).
    """

    lines: tuple[str, ...]
    prominent: tuple[bool, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def blank(self) -> bool:
        body = "".join(line for line in self.lines if not regex.fullmatch(r"[-—第0-9页共/\s.]*", line))
        return len(body) < _BLANK_CHARS or bool(_NO_TEXT_RE.search(body) and len(body) < 60)


def _page_lines(page: PageContent) -> _Page:
    if not page.lines:
        return _Page(tuple(c for c in (_SPACE_RE.sub("", r) for r in page.text.splitlines()) if c))
    kept = [(c, line) for line in page.lines if (c := _SPACE_RE.sub("", line.text))]
    heights = sorted(line.bbox[3] - line.bbox[1] for _, line in kept if line.angle in (0, 180))
    usual = heights[len(heights) // 2] if heights else 0.0
    return _Page(tuple(c for c, _ in kept), tuple(_prominent(page, line, usual) for _, line in kept))


def _prominent(page: PageContent, line: Line, usual: float) -> bool:
    x0, y0, x1, y1 = line.bbox
    if page.height <= 0 or page.width <= 0 or line.angle not in (0, 180) or y0 > page.height * _TITLE_ZONE:
        return False
    taller = usual > 0 and (y1 - y0) >= usual * _TALLER
    centred = abs((x0 + x1) / 2 - page.width / 2) < page.width * 0.06 and (x1 - x0) < page.width * 0.5
    return taller or centred


@dataclass(frozen=True)
class _Title:
    match: TitleMatch
    line: int
    written: str  # the title line without the agency before it
    agency: str | None
    page_marked: bool  # the line carries a page number: a running header, not a new document


def _find_title(page: _Page) -> _Title | None:
    """The title at the top of ``page``: a short line that ends with a standard title."""
    candidates = [i for i in range(len(page.lines)) if i < _TOP_LINES or (
        i < len(page.prominent) and page.prominent[i])]
    for i in candidates:
        line = page.lines[i]
        if len(line) > _MAX_TITLE_LINE:
            continue
        tail = _TITLE_TAIL_RE.search(line)
        core = line[: tail.start()] if tail else line
        suffix = tail.group(0) if tail else ""
        matches = [m for m in find_titles(core) if m.end == len(core)]
        match = max(matches, key=lambda m: m.end - m.start) if matches else None
        if match is None and len(core) <= 14 and (i <= 2 or i >= _TOP_LINES):
            match = fuzzy_title(core)
        if match is None:
            continue
        prefix = core[: match.start]
        agency = None
        if prefix:
            agency_m = _AGENCY_LINE_RE.match(prefix)
            if agency_m is None:
                continue  # "…随案移送起诉意见书" in a sentence is no title
            agency = agency_m.group(1)
        written = core[match.start:] + suffix
        return _Title(match, i, _PAGE_MARK_RE.sub("", written).rstrip("共0123456789"), agency,
                      bool(_PAGE_MARK_RE.search(suffix)))
    return None


_NOT_A_TITLE_AFTER = ("指控", "认定", "中", "的", "副本", "送达")


def _title_in_head(page: _Page) -> _Title | None:
    """The earliest title in the first words of a file's first document.

    Its title may share a line with other text (a judgment pasted as one paragraph).
    """
    head = "".join(page.lines)[:_HEAD_CHARS]
    for match in find_titles(head):
        if not head.startswith(_NOT_A_TITLE_AFTER, match.end):
            return _Title(match, 0, match.title, None, False)
    return None


_RECORD_HEAD_RE = regex.compile(r"^(?:时间|地点|讯问人|询问人|记录人|被讯问人|被询问人|辨认人|侦查人员)")
_LATER_PAGE_RE = regex.compile(r"^第([0-9一二三四五六七八九十]+)页")


def _record_continues(page: _Page, title: _Title) -> bool:
    """A record's title repeated on its later sheets: no 时间/地点 head, or a page mark after it.

    A new session opens with its head fields (时间, 地点, 讯问人 …) or its session mark (第2次).
    """
    if title.match.type.name not in _RECORD_TYPES:
        return False
    after = page.lines[title.line + 1: title.line + 8]
    if any(_SESSION_RE.search(line) for line in after):
        return False
    if after and (m := _LATER_PAGE_RE.match(after[0])) and m.group(1) not in ("1", "一"):
        return True
    return not any(_RECORD_HEAD_RE.match(line) for line in after)


def _closes(page: _Page) -> bool:
    """The page ends with a seal and date block (落款): a full date among its last lines."""
    tail = "\n".join(page.lines[-4:])
    return any(d.iso and len(d.iso) == 10 for d in scan_dates(tail)) or bool(_SEAL_RE.search(tail))


def _opens_untitled(page: _Page) -> bool:
    """An agency header and a 文号 at the top of a page: a document whose title was not read."""
    top = page.lines[:_TOP_LINES]
    return any(_AGENCY_LINE_RE.match(line) for line in top) and any(NUMBER_RE.search(line) for line in top)


def catalogue_pages(pages: Sequence[PageContent]) -> list[CataloguedDocument]:
    """The documents of one file, in page order (see module doc)."""
    seen = [_page_lines(p) for p in pages]
    starts: list[tuple[int, _Title | None]] = []
    for i, page in enumerate(seen):
        if page.blank:
            continue
        title = _find_title(page)
        if title is not None and starts:
            prev_title = starts[-1][1]
            same = prev_title is not None and prev_title.match.type == title.match.type
            if same and (title.page_marked or _record_continues(page, title)):
                title = None  # "讯问笔录 第2页": the running header of the same record
        if title is not None:
            starts.append((i, title))
        elif not starts:
            starts.append((i, _title_in_head(page)))
        elif _opens_untitled(page) and _closes(_last_content(seen, i)):
            starts.append((i, None))
    if not starts:
        return []
    docs: list[CataloguedDocument] = []
    for k, (start, title) in enumerate(starts):
        # leading blank pages belong to the first document; blanks after a document to it
        first = 0 if k == 0 else start
        last = starts[k + 1][0] - 1 if k + 1 < len(starts) else len(seen) - 1
        docs.append(_describe(seen, first, start, last, title))
    return docs


def _last_content(seen: list[_Page], before: int) -> _Page:
    for j in range(before - 1, -1, -1):
        if not seen[j].blank:
            return seen[j]
    return _Page(())


def _describe(seen: list[_Page], first: int, start: int, last: int, title: _Title | None) -> CataloguedDocument:
    page = seen[start]
    body = [p for p in seen[start: last + 1] if not p.blank] or [page]
    kind = title.match.type.name if title else OTHER
    doc_type = title.match.type.reported if title else OTHER
    written = title.written if title else (page.lines[0][:20] if page.lines else "")
    if title and kind == "讯问笔录" and "次" not in written:
        session = next((m for m in (_SESSION_RE.search(line) for line in page.lines[: title.line + 6]) if m), None)
        if session:
            written += f"（第{session.group(1) or session.group(2)}次）"
    head = page.lines[: (title.line if title else 0) + 5]
    number_m = next((m for m in (NUMBER_RE.search(line) for line in head) if m), None)
    return CataloguedDocument(
        type=doc_type,
        title=written if title else OTHER,
        first_page=first + 1,
        last_page=last + 1,
        kind=kind,
        number=number_m.group(0) if number_m else None,
        agency=_agency(page, body, title),
        date=_date(body, kind),
        persons=_persons("".join(p.text.replace("\n", "") for p in body), kind),
    )


def describe_entry(pages: Sequence[PageContent], entry: dict[str, Any]) -> CataloguedDocument:
    """A document as a clerk's corrected catalogue entry names it.

    The entry's type, title, 文号, 责任者 and date stand; the persons (and a date the entry lacks)
    are read from its pages as for that type, so a document split off by hand still gives its
    custody event.
    """
    first, last = int(entry["first_page"]), int(entry["last_page"])
    seen = [_page_lines(p) for p in pages[first - 1: last]]
    body = [p for p in seen if not p.blank] or seen[:1] or [_Page(())]
    doc_type = str(entry.get("type") or OTHER)
    kind = stored_kind(entry)
    return CataloguedDocument(
        type=doc_type, title=str(entry.get("title") or doc_type), first_page=first, last_page=last, kind=kind,
        number=entry.get("number"), agency=entry.get("agency"),
        date=entry.get("date") or _date(body, kind),
        persons=_persons("".join(p.text.replace("\n", "") for p in body), kind),
    )


def stored_kind(entry: dict[str, Any]) -> str:
    """The types.toml entry that reads ``entry``'s facts.

    Its stored ``kind`` while that still reports as the entry's type (a clerk's retype wins),
    else the type itself.
    """
    doc_type = str(entry.get("type") or OTHER)
    kind = entry.get("kind")
    if isinstance(kind, str) and kind and get_type(kind).name == kind and get_type(kind).reported == doc_type:
        return kind
    return doc_type


def _agency(page: _Page, body: list[_Page], title: _Title | None) -> str | None:
    """The issuing agency: before the title, in the header lines, in a unit field, or the seal."""
    if title and title.agency:
        return title.agency
    upto = title.line if title else _TOP_LINES
    for line in page.lines[: upto + 1]:
        m = _AGENCY_LINE_RE.match(line)
        if m:
            return m.group(1)
    field_m = next((m for p in body for line in p.lines if (m := _AGENCY_FIELD_RE.search(line))), None)
    if field_m:
        return field_m.group(1)
    for line in reversed(body[-1].lines[-6:]):
        m = _AGENCY_LINE_RE.match(line) or (_AGENCY_IN_RE.search(line) if _SEAL_RE.search(line) else None)
        if m:
            return m.group(1)
    return None


def _date(body: list[_Page], doc_type: str) -> str | None:
    """The date signed: a record's 时间 field, else the last full date of the closing block."""
    if doc_type in _RECORD_TYPES:
        head = "".join(body[0].lines[:8])
        m = _RECORD_TIME_RE.search(head)
        if m:
            d = next((d for d in scan_dates(head[m.end(): m.end() + 20]) if d.iso and not d.relative), None)
            if d is not None:
                return d.iso
    tail = "\n".join(body[-1].lines[-6:])
    dates = [d for d in scan_dates(tail) if d.iso and len(d.iso) == 10 and not d.relative]
    if dates:
        return dates[-1].iso
    head = "\n".join(body[0].lines[:8])
    first = next((d for d in scan_dates(head) if d.iso and len(d.iso) == 10 and not d.relative), None)
    return first.iso if first else None


def _persons(text: str, doc_type: str) -> list[dict[str, str]]:
    """Persons named with a role word (犯罪嫌疑人张三, 被害人：李四), in order of first mention."""
    found: dict[str, str] = {}
    for m in _ROLE_RE.finditer(text):
        name = m.group(2)
        if name in _NOT_NAMES or not has_surname(name):
            continue  # "犯罪嫌疑人涉嫌…", "被告人的…": a role word before no name
        found.setdefault(name, _ROLE_OF[m.group(1)])
    if get_type(doc_type).extract in ("form", "record") and doc_type != "询问笔录":
        field_m = _FIELD_NAME_RE.search(text)
        if field_m and field_m.group(1) not in _NOT_NAMES:
            found.setdefault(field_m.group(1), "犯罪嫌疑人")
    return [{"name": n, "role": r} for n, r in found.items()]


__all__ = ["NUMBER_RE", "CataloguedDocument", "catalogue_pages", "describe_entry"]
