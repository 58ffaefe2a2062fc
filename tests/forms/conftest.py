"""Fictional fact sheets for the form tests (no dev-data text is copied into the repository)."""

from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from nlp.idcard import check_char

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
TODAY = dt.date(2024, 6, 1)


def shared_file(relative: str) -> Path:
    """A file of ../shared; missing fails when CI=true, else skips with the reason."""
    path = SHARED / relative
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: CI must run beside ../shared")
        pytest.skip(f"{path} is missing (tests read ../shared where it lies)")
    return path


def fictional_id(birth: str, serial: str) -> str:
    """A made-up ID number with a valid check character (region 110105)."""
    first17 = "110105" + birth.replace("-", "") + serial
    return first17 + check_char(first17)


def ev(page: int, start: int, text: str, confidence: float = 0.95, doc: int = 1) -> dict[str, Any]:
    """An evidence object as the extraction writes it."""
    return {"document_id": doc, "page": page, "start": start, "end": start + len(text),
            "text": text, "boxes": [[10.0, 20.0, 30.0, 40.0]], "confidence": confidence}


def _sheet(doc: int = 1) -> dict[str, Any]:
    id_number = fictional_id("1985-03-07", "123")
    return {
        "document_id": doc,
        "document_type": "刑事判决书",
        "case_number": "（2023）京0105刑初9999号",
        "court": "北京市朝阳区人民法院",
        "procuratorate": "北京市朝阳区人民检察院",
        "procedure": "简易程序",
        "guilty_plea_leniency": True,
        "defendants": [
            {
                "name": "张某某",
                "gender": "男",
                "birth_date": "1985-03-07",
                "ethnicity": "汉族",
                "id_number": id_number,
                "address": "青石市河东区",
                "prior_convictions": [],
                "administrative_penalties": [],
                "on_probation_at_offense": False,
                "custody_events": [
                    {"measure": "刑事拘留", "date": "2023-01-05"},
                    {"measure": "逮捕", "date": "2023-01-20"},
                ],
                "charges": ["盗窃罪"],
                "sentence": {"principal": "有期徒刑", "term_months": 10.0,
                             "probation_months": 12.0, "fine_yuan": 3000.0,
                             "revokes_probation": False},
                "evidence": {
                    "name": ev(1, 40, "张某某", doc=doc),
                    "gender": ev(1, 44, "男", doc=doc),
                    "birth_date": ev(1, 46, "1985年3月7日", doc=doc),
                    "ethnicity": ev(1, 58, "汉族", doc=doc),
                    "id_number": ev(1, 70, id_number, doc=doc),
                    "address": ev(1, 89, "青石市河东区", doc=doc),
                    "custody_events": [
                        {"measure": ev(1, 100, "刑事拘留", doc=doc),
                         "date": ev(1, 90, "2023年1月5日", 0.9, doc=doc)},
                        {"measure": ev(1, 120, "逮捕", doc=doc),
                         "date": ev(1, 110, "同月20日", 0.85, doc=doc)},
                    ],
                    "charges": [ev(3, 200, "盗窃罪", doc=doc)],
                    "sentence": {"principal": ev(3, 210, "有期徒刑", doc=doc),
                                 "term_months": ev(3, 214, "十个月", doc=doc),
                                 "probation_months": ev(3, 222, "一年", doc=doc),
                                 "fine_yuan": ev(3, 230, "三千元", 0.9, doc=doc)},
                },
            },
            {
                "name": "李某",
                "gender": "女",
                "birth_date": None,
                "ethnicity": None,
                "id_number": None,
                "prior_convictions": [],
                "administrative_penalties": [],
                "on_probation_at_offense": False,
                "custody_events": [],
                "charges": ["盗窃罪"],
                "sentence": None,
                "evidence": {"name": ev(1, 300, "李某", doc=doc), "gender": ev(1, 303, "女", doc=doc),
                             "charges": [ev(3, 400, "盗窃罪", doc=doc)]},
            },
        ],
        "evidence": {
            "case_number": ev(1, 10, "（2023）京0105刑初9999号", doc=doc),
            "court": ev(1, 0, "北京市朝阳区人民法院", 0.9, doc=doc),
            "procuratorate": ev(1, 30, "北京市朝阳区人民检察院", doc=doc),
            "procedure": ev(1, 500, "简易程序", 0.9, doc=doc),
            "guilty_plea_leniency": ev(2, 50, "认罪认罚", 0.9, doc=doc),
        },
    }


@pytest.fixture
def sheet() -> dict[str, Any]:
    """One fictional judgment's fact sheet with evidence."""
    return _sheet()


@pytest.fixture
def conflicting_case() -> dict[str, Any]:
    """A merged case sheet whose two documents disagree on the term (10 vs 12 months)."""
    from nlp.merge import merge_factsheets

    second = _sheet(doc=2)
    second["defendants"][0]["sentence"] = copy.deepcopy(second["defendants"][0]["sentence"])
    second["defendants"][0]["sentence"]["term_months"] = 12.0
    return merge_factsheets([_sheet(doc=1), second])
