"""Issue #19 item 1: pages of many files read across processes, in order, errors per file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

import pytest

from ingest.ocr.base import EngineSpec
from ingest.ocr.registry import register_engine, unregister_engine
from ingest.reading import pool
from ingest.reading.pool import ReadOptions, read_files
from tests.reading.conftest import INDICTMENT, SHORT_PAGE
from tests.support.cli import casefile, json_lines
from tests.support.render import render_scanned_pdf, render_text_pdf


def _files(tmp_path: Path) -> list[Path]:
    text_pdf = render_text_pdf(INDICTMENT, tmp_path / "IMG_0001.pdf")
    note = tmp_path / "IMG_0002.txt"
    note.write_text(SHORT_PAGE, encoding="utf-8")
    empty = tmp_path / "IMG_0003.txt"
    empty.write_bytes(b"")
    return [text_pdf, tmp_path / "missing.pdf", note, empty]


def test_issue19_pool_keeps_order_and_reports_each_failure(tmp_path: Path) -> None:
    files = _files(tmp_path)
    options = ReadOptions(engine="null")
    alone = list(read_files(files, options, jobs=1))
    shared = list(read_files(files, options, jobs=2))
    assert [p for p, _ in shared] == files == [p for p, _ in alone]
    for (_, one), (_, two) in zip(alone, shared, strict=True):
        if isinstance(one, Exception):
            assert isinstance(two, Exception) and two.code == one.code and two.message == one.message
        else:
            assert not isinstance(two, Exception)
            assert [p.to_dict() for p in one] == [p.to_dict() for p in two]
    codes = [r.code if isinstance(r, Exception) else len(r) for _, r in shared]
    assert codes == [3, "processing_failed", 1, "empty_file"]
    missing = shared[1][1]
    assert isinstance(missing, Exception) and "missing.pdf" in missing.message and missing.hint


_REAL_READ_PAGE = pool._read_page


def _stamped_read_page(task: tuple[Path, str, int]):  # type: ignore[no-untyped-def]
    """The pool's page reader, with the reading process's id put where the page number was."""
    page = _REAL_READ_PAGE(task)
    assert not isinstance(page, tuple)
    return page.__class__(**{**page.__dict__, "number": os.getpid()})


def test_issue19_pages_are_read_in_the_worker_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "_read_page", _stamped_read_page)
    [(_, pages)] = list(read_files([render_text_pdf(INDICTMENT, tmp_path / "v.pdf")], ReadOptions(engine="null"), jobs=2))
    assert not isinstance(pages, Exception)
    readers = {p.number for p in pages}
    assert readers and os.getpid() not in readers  # read in the pool's processes, not here


@pytest.mark.slow
def test_issue19_cli_reads_scans_with_jobs_same_as_alone(tmp_path: Path) -> None:
    scan = render_scanned_pdf(INDICTMENT[:2], tmp_path / "IMG_0007.pdf")
    note = tmp_path / "IMG_0008.txt"
    note.write_text(SHORT_PAGE, encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        done = casefile("ocr", str(scan), str(note), "--json", "--jobs", jobs, data_dir=tmp_path / "data")
        assert done.returncode == 0, done.stderr
        outputs.append(json_lines(done.stdout))
    assert outputs[0] == outputs[1]
    assert [o["path"] for o in outputs[1]] == [str(scan), str(note)]
    assert "欧阳明远" in outputs[1][0]["pages"][0]["text"]


def _no_models(threads: int) -> NoReturn:
    raise AssertionError("the OCR engine was built for a page that needed no OCR")


@pytest.mark.parametrize("jobs", [1, 2])
def test_issue19_digital_pages_never_load_the_ocr_models(tmp_path: Path, jobs: int) -> None:
    """A text-layer PDF is read without building the engine; a scanned one still builds it.

    The models cost each process ~1.4 CPU-s and ~450 MB.
    """
    register_engine(EngineSpec("no-models", _no_models, lambda: None, "-"))
    try:
        digital = render_text_pdf(INDICTMENT, tmp_path / "IMG_0001.pdf")
        scanned = render_scanned_pdf([SHORT_PAGE], tmp_path / "IMG_0002.pdf")
        options = ReadOptions(engine="no-models")
        [(_, pages)] = list(read_files([digital], options, jobs=jobs))
        assert not isinstance(pages, Exception) and len(pages) == 3
        assert {p.source for p in pages} == {"text-layer"}
        with pytest.raises(AssertionError, match="needed no OCR"):
            list(read_files([scanned], options, jobs=1))
    finally:
        unregister_engine("no-models")


def test_issue19_a_scanned_page_is_checked_for_a_text_layer_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool asks for the text layer, then OCRs: the reader must not look at the layer again."""
    from ingest.reading.pdf import PdfReader

    looked: list[int] = []
    real = PdfReader.read_without_ocr

    def counted(self: PdfReader, number: int) -> Any:
        looked.append(number)
        return real(self, number)

    monkeypatch.setattr(PdfReader, "read_without_ocr", counted)
    scanned = render_scanned_pdf([SHORT_PAGE, SHORT_PAGE], tmp_path / "IMG_0001.pdf")
    [(_, pages)] = list(read_files([scanned], ReadOptions(engine="null"), jobs=1))
    assert not isinstance(pages, Exception) and [p.source for p in pages] == ["ocr", "ocr"]
    assert looked == [1, 2]
