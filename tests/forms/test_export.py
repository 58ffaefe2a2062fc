"""PDF export: Chinese text survives a round trip through pdfplumber."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from core.errors import CasefileError
from nlp.forms import get_form, prefill, render_form_pdf
from nlp.forms.export import FONT_CANDIDATES
from tests.forms.conftest import TODAY

if not any(p.exists() for p in FONT_CANDIDATES):
    # scripts/setup.sh installs the font: in CI its absence is a failure, never a silent skip
    if os.environ.get("CI") == "true":
        raise RuntimeError("no CJK font installed: apt-get install fonts-arphic-uming (scripts/setup.sh)")
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


def test_issue18_reviewed_form_reads_as_the_official_form() -> None:
    template = get_form("prosecution_transfer")
    values = {"name": "李明远", "gender": "男", "birth_date": "1988-03-15", "ethnicity": "汉族",
              "id_number": "110105198803152710", "charges": ["盗窃罪"], "detention_date": "2026-03-02",
              "arrest_date": "2026-03-31", "bail_date": None}
    pdf = render_form_pdf(
        template, values, case_number="京公朝刑立字〔2026〕301号",
        meta={"移送单位": "北京市公安局朝阳分局", "接收单位": "北京市朝阳区人民检察院"},
        corrections=[("出生日期", "1988年3月5日", "1988年3月15日", "与户籍证明核对一致")],
        parties=["北京市公安局朝阳分局", "北京市朝阳区人民检察院"], footer="第 1 版",
    )
    text, _ = pdf_text(pdf)
    assert "（必填）" not in text and "模板" not in text and "prosecution_transfer" not in text
    assert "取保候审日期" in text and "（待填写）" not in text  # an optional empty field is struck out
    assert "——" in text
    assert "更正记录" in text and "与户籍证明核对一致" in text and "1988年3月5日" in text
    assert text.count("（盖章）") == 2 and "承办人（签名）" in text
    assert "移送单位：北京市公安局朝阳分局" in text
