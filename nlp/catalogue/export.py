"""The 卷内目录 of a case as a printable A4 PDF, in the layout clerks file at the front of a volume.

``render_catalogue_pdf(rows, *, case_number, case_title=None, footer="", font_paths=None) -> bytes``:
the centred title 卷内目录, the 案号 (and the case's name), then a ruled table 序号 / 文书名称 /
文号 / 责任者 / 日期 / 页号 / 备注 with its header repeated on every page, and 第 n 页 under each
page. 页号 counts pages across the case's files in order (as the case page does); 备注 says where
the document lies (its file and the pages in it). Dates print as archives write them (20260302).
No rows → one line saying that no document has been catalogued yet.

Raises ``CasefileError(FONT_MISSING)`` when no CJK font is installed (the hint names the package).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from nlp.forms.export import FONT_CANDIDATES, register_font

TITLE = "卷内目录"
HEADERS = ("序号", "文书名称", "文号", "责任者", "日期", "页号", "备注")
# column widths in millimetres: 180 mm between 15 mm margins
_WIDTHS_MM = (11, 38, 40, 36, 17, 14, 24)


@dataclass(frozen=True)
class CatalogueRow:
    """One document of the 卷内目录 (pages inclusive, counted across the case's files)."""

    title: str
    first_page: int
    last_page: int
    type: str | None = None
    number: str | None = None
    agency: str | None = None
    date: str | None = None  # ISO, possibly partial (2026-03)
    note: str = ""  # 备注

    @property
    def name(self) -> str:
        """文书名称: the title as written, with its standard type where the title does not show it."""
        if self.type and self.type not in self.title:
            return f"{self.title}（{self.type}）"
        return self.title


def page_span(first: int, last: int) -> str:
    """1, or 3-5: one page or a range."""
    return f"{first}" if first == last else f"{first}-{last}"


def archival_date(iso: str | None) -> str:
    """2026-03-02 → 20260302 (archives' 卷内目录 date); a partial date keeps what it has."""
    return (iso or "").replace("-", "")


def render_catalogue_pdf(
    rows: Sequence[CatalogueRow],
    *,
    case_number: str,
    case_title: str | None = None,
    footer: str = "",
    font_paths: Sequence[Path] | None = None,
) -> bytes:
    """The 卷内目录 of ``rows`` as an A4 PDF (see the module docstring)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_font(tuple(font_paths) if font_paths is not None else FONT_CANDIDATES)
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    centred = ParagraphStyle("centred", parent=cell, alignment=TA_CENTER)
    head = ParagraphStyle("head", parent=cell, fontSize=11, leading=16)
    title = ParagraphStyle("title", parent=cell, fontSize=20, leading=28, alignment=TA_CENTER)
    small = ParagraphStyle("small", parent=cell, fontSize=8.5, leading=12, textColor=colors.HexColor("#555555"))

    def p(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(text), style)

    story: list[Any] = [p(TITLE, title), Spacer(1, 4 * mm), p(f"案号：{case_number}", head)]
    if case_title:
        story.append(p(f"案件名称：{case_title}", head))
    story.append(Spacer(1, 3 * mm))
    data: list[list[Any]] = [[p(h, centred) for h in HEADERS]]
    for index, row in enumerate(rows, start=1):
        data.append([
            p(str(index), centred), p(row.name), p(row.number or ""), p(row.agency or ""),
            p(archival_date(row.date), centred), p(page_span(row.first_page, row.last_page), centred),
            p(row.note, small),
        ])
    if not rows:
        data.append([p("文件处理完成后，在这里列出卷内的每一份文书。")] + [""] * (len(HEADERS) - 1))
    table = Table(data, colWidths=[w * mm for w in _WIDTHS_MM], repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if not rows:
        style.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(style))
    story.append(table)
    if footer:
        story += [Spacer(1, 3 * mm), p(footer, small)]

    def number_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=f"{case_number} {TITLE}", author="casefile")
    doc.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return buf.getvalue()
