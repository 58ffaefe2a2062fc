"""``casefile catalogue`` and ``casefile extract`` on a whole volume (issue 17), as a clerk runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.volumes.corpus import build_volumes
from tests.support.cli import casefile, json_lines
from tests.support.render import render_scanned_pdf, render_text_pdf


def test_issue17_catalogue_and_extract_a_text_layer_volume(tmp_path: Path) -> None:
    volume = build_volumes()[0]
    pdf = render_text_pdf(volume.pages, tmp_path / "卷一.pdf")
    # blank backs have no text layer; the null engine reads them as the blanks they are
    done = casefile("catalogue", str(pdf), "--json", "--engine", "null", data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    [result] = json_lines(done.stdout)
    assert result["path"] == str(pdf) and result["pages"] == len(volume.pages)
    assert [(d["type"], d["first_page"], d["last_page"]) for d in result["documents"]] == [
        (g["type"], g["first_page"], g["last_page"]) for g in volume.documents]
    first = result["documents"][0]
    assert set(first) >= {"type", "title", "number", "agency", "date", "first_page", "last_page"}
    assert (first["number"], first["agency"], first["date"]) == (
        "京公朝（刑）受案字〔2026〕0315号", "北京市公安局朝阳分局", "2026-03-01")

    done = casefile("extract", str(pdf), "--json", "--engine", "null", data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    [sheet] = json_lines(done.stdout)
    [person] = sheet["defendants"]
    assert (person["name"], person["ethnicity"], person["id_number"]) == ("王建国", "汉族", "110105199005120313")
    assert person["charges"] == ["盗窃罪"]
    assert [e["measure"] for e in person["custody_events"]] == ["刑事拘留", "逮捕"]
    assert [p["court"] for p in person["prior_convictions"]] == ["北京市丰台区人民法院"]
    assert sheet["court"] is None

    # the form is pre-filled from the volume's merged facts, each value with its own evidence
    done = casefile("prefill", "--form", "arrest_request", str(pdf), "--json", "--engine", "null",
                    data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    [filled] = json_lines(done.stdout)
    fields = {f["name"]: f for f in filled["fields"]}
    assert (fields["id_number"]["status"], fields["id_number"]["value"]) == ("filled", "110105199005120313")


@pytest.mark.slow
def test_issue17_catalogue_a_scanned_volume(tmp_path: Path) -> None:
    volume = build_volumes()[1]
    pages = volume.pages[:4]  # 受案登记表, 抓获经过, 拘 留 证, 讯问笔录 (first page)
    pdf = render_scanned_pdf(pages, tmp_path / "卷二.pdf", font="wqy")
    done = casefile("catalogue", str(pdf), "--json", data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    [result] = json_lines(done.stdout)
    assert [(d["type"], d["first_page"]) for d in result["documents"]] == [
        ("受案登记表", 1), ("到案经过", 2), ("拘留证", 3), ("讯问笔录", 4)]
