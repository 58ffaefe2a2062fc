"""PDF export of a (prefilled or reviewed) form: Chinese typesetting with an embedded CJK font.

``render_form_pdf(template, values, *, case_number, meta=None, font_paths=None,
corrections=(), parties=None) -> bytes``. ``values`` is a :class:`PrefilledForm` (status and
evidence pages are shown) or a mapping of field name → value (a reviewed form, printed as the
official form it replaces: the parties' seal and signature area, and the trail of corrections).
A required field without a value prints as “（待填写）” or, for a conflict, “（待核对）” with
the candidates, so an unfinished form cannot pass for a finished one; an optional one left empty
in a reviewed form (取保候审日期 of a man under arrest) prints “——”, as clerks strike it out.

The font is a Song/Ming TrueType collection from Debian (official documents use Song style),
embedded as a subset; none found → CasefileError (font_missing) whose hint names the package.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from core.errors import FONT_MISSING, CasefileError
from nlp.forms.prefill import PrefilledForm
from nlp.forms.template import FieldSpec, FormTemplate

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
)
_FONT_NAME = "CasefileCJK"
_registered: Path | None = None


def register_font(candidates: Sequence[Path]) -> str:
    """Register the first existing font under one name (once per process) and return it."""
    global _registered
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in candidates:
        if path.exists():
            name = f"{_FONT_NAME}-{path.stem}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            _registered = path
            return name
    raise CasefileError(FONT_MISSING, "tried " + ", ".join(str(p) for p in candidates))


def format_value(spec: FieldSpec, value: Any) -> str:
    """A value as a clerk writes it: 2017年8月8日, 盗窃罪、诈骗罪, 24个月, 是/否."""
    if value is None or value == "" or value == []:
        return ""
    if spec.type == "date" and isinstance(value, str):
        parts = [int(p) for p in value.split("-")]
        return "".join(f"{n}{u}" for n, u in zip(parts, ("年", "月", "日"), strict=False))
    if spec.type == "list" and isinstance(value, list):
        return "、".join(str(v) for v in value)
    if spec.type == "bool":
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value}{spec.unit}"


def _cells(template: FormTemplate, values: PrefilledForm | Mapping[str, Any]) -> list[tuple[FieldSpec, str, str]]:
    """(spec, shown value, provenance note) per field."""
    rows = []
    for spec in template.fields:
        if isinstance(values, PrefilledForm):
            f = values.field(spec.name)
            shown = format_value(spec, f.value)
            pages = sorted({(e.get("document_id"), e.get("page")) for e in f.evidence})
            note = "；".join(
                (f"文书{d} " if d is not None else "") + f"第{p}页" for d, p in pages
            )
            if f.status == "conflict":
                cands = "／".join(format_value(spec, c.get("value")) for c in f.candidates)
                shown, note = f"（待核对）{cands}", "；".join(p.message for p in f.problems)
            elif f.status == "missing":
                shown = "（待填写）"
        else:
            shown = format_value(spec, values.get(spec.name)) or ("（待填写）" if spec.required else "——")
            note = ""
        rows.append((spec, shown, note))
    return rows


def _seal_block(p: Any, party: str) -> list[Any]:
    """Where an agency seals and its handler signs and dates the form."""
    return [p(party), p("（盖章）"), p(" "), p(" "), p("承办人（签名）："), p(" "), p("日期：　　　　年　　月　　日")]


def render_form_pdf(
    template: FormTemplate,
    values: PrefilledForm | Mapping[str, Any],
    *,
    case_number: str,
    meta: Mapping[str, str] | None = None,
    font_paths: Sequence[Path] | None = None,
    corrections: Sequence[tuple[str, str, str, str]] = (),
    parties: Sequence[str] = (),
    footer: str = "",
) -> bytes:
    """The form as an A4 PDF: centred title, header lines, a label/value table, page numbers.

    ``meta`` adds header lines (e.g. {"移送单位": "…", "接收单位": "…"}); long values wrap.
    ``corrections`` are (field label, pre-filled value, corrected value, reason), printed as
    更正记录; ``parties`` (the sending and receiving agencies) get a seal, signature and date
    area each; ``footer`` is a small line after the table (version, when made).
    Raises CasefileError (font_missing) when no CJK font is installed.
    """
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = register_font(tuple(font_paths) if font_paths is not None else FONT_CANDIDATES)
    base = ParagraphStyle("cell", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=12,
                           textColor=colors.HexColor("#555555"))

    def p(text: str, style: ParagraphStyle = base) -> Paragraph:
        return Paragraph(escape(text), style)

    story: list[Any] = [p(template.title, title), Spacer(1, 4 * mm)]
    header = {"案号": case_number, **(meta or {})}
    if isinstance(values, PrefilledForm) and values.defendant:
        header.setdefault("当事人", values.defendant)
    for key, val in header.items():
        story.append(p(f"{key}：{val}"))
    story.append(Spacer(1, 4 * mm))
    show_notes = isinstance(values, PrefilledForm)
    data: list[list[Any]] = [[p("项目"), p("内容")] + ([p("出处／说明")] if show_notes else [])]
    for spec, shown, note in _cells(template, values):
        data.append([p(spec.label), p(shown)] + ([p(note, small)] if show_notes else []))
    width = A4[0] - 40 * mm
    cols = [0.28 * width, 0.44 * width, 0.28 * width] if show_notes else [0.3 * width, 0.7 * width]
    grid = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ])
    table = Table(data, colWidths=cols, repeatRows=1)
    table.setStyle(grid)
    story.append(table)
    if corrections:
        story += [Spacer(1, 5 * mm), p("更正记录")]
        rows = [[p("项目"), p("原预填内容"), p("更正为"), p("理由")]]
        rows += [[p(label), p(before or "（空）"), p(after or "（空）"), p(reason)] for label, before, after, reason in corrections]
        trail = Table(rows, colWidths=[0.2 * width, 0.25 * width, 0.25 * width, 0.3 * width], repeatRows=1)
        trail.setStyle(grid)
        story.append(trail)
    if parties:
        story.append(Spacer(1, 8 * mm))
        cells = [[_seal_block(p, party) for party in parties]]
        seals = Table(cells, colWidths=[width / len(parties)] * len(parties))
        seals.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(seals)
    if footer:
        story += [Spacer(1, 4 * mm), p(footer, small)]

    def number_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm,
                            title=template.title, author="casefile")
    doc.build(story, onFirstPage=number_page, onLaterPages=number_page)
    return buf.getvalue()
