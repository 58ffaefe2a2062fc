"""PDF export: Chinese text survives a round trip through pdfplumber."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from core.errors import CasefileError
from nlp.forms import get_form, prefill, render_form_pdf
from nlp.forms.export import FONT_CANDIDATES
from tests.forms.conftest import TODAY

if not any(p.exists() for p in FONT_CANDIDATES):
    pytest.skip("no CJK font installed: apt-get install fonts-arphic-uming", allow_module_level=True)


def pdf_text(pdf: bytes) -> tuple[str, int]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(p.extract_text() or "" for p in doc.pages), len(doc.pages)


def test_prefilled_form_round_trip(sheet: dict[str, Any]) -> None:
    template = get_form("community_correction")
    pdf = render_form_pdf(template, prefill(template, sheet, today=TODAY),
                          case_number="（2023）京0105刑初9999号",
                          meta={"移送单位": "北京市朝阳区人民法院", "接收单位": "北京市朝阳区司法局"})
    assert pdf.startswith(b"%PDF")
    text, pages = pdf_text(pdf)
    for expected in ("社区矫正对象交付接收登记表", "社区矫正对象姓名", "张某某", "缓刑考验期（月）",
                     "12个月", "1985年3月7日", "盗窃罪", "接收单位：北京市朝阳区司法局",
                     "（2023）京0105刑初9999号", "第 1 页"):
        assert expected in text, expected


def test_missing_and_conflict_are_marked(conflicting_case: dict[str, Any]) -> None:
    template = get_form("community_correction")
    form = prefill(template, conflicting_case, defendant_index=1, today=TODAY)
    text, _ = pdf_text(render_form_pdf(template, form, case_number="X"))
    assert "（待填写）" in text
    form0 = prefill(template, conflicting_case, today=TODAY)
    text0, _ = pdf_text(render_form_pdf(template, form0, case_number="X"))
    assert "（待核对）" in text0


def test_reviewed_values_and_long_text_wrap_over_pages() -> None:
    template = get_form("custody_transfer")
    long_name = "某某某" * 400
    pdf = render_form_pdf(template, {"name": long_name, "gender": "女", "charges": ["诈骗罪"]},
                          case_number="（2024）京0105刑初1号")
    text, pages = pdf_text(pdf)
    assert pages >= 2 and "第 2 页" in text
    assert "诈骗罪" in text and "在押人员姓名" in text


def test_no_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CasefileError) as exc:
        render_form_pdf(get_form("indictment"), {}, case_number="X",
                        font_paths=[tmp_path / "none.ttc"])
    assert exc.value.code == "font_missing"
    assert "apt-get install fonts-arphic-uming" in exc.value.hint
