"""Issue #19 item 5: a page is searchable as soon as it is read, before its document is done.

A three-page PDF: page 1 has a text layer, pages 2 and 3 are scans read by OCR. The OCR engine
here is a spy that, each time it is asked to read a page, searches the index for what the pages
read before hold. On the old pipeline nothing of a document was indexed until every page was
read and its facts extracted, so the spy found nothing. Once the document is done, its pages
carry the facets its extraction gives (the file's type here): they were indexed again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from api.state import AppState, build_state
from core.settings import Settings
from ingest.intake import add_document, get_or_create_case
from ingest.jobs import queue_document
from ingest.ocr.base import OcrBox
from ingest.ocr.registry import EngineEntry, register_engine, reset_engines, unregister_engine
from models.tables import Document
from search.base import SearchQuery
from tests.support.render import render_text_pdf

FIRST = "被告人钱某于二〇一九年三月在超市窃取香烟十条，价值人民币八百元。"
SCANNED = ["第二页的内容在扫描件上。", "第三页的内容也在扫描件上。"]
SPY_TEXT = "扫描页识别出的独有词语甲乙丙"


class SpyEngine:
    """Reads every scan as ``SPY_TEXT``; first notes which pages the index already finds."""

    name = "spy"
    upright_only = False

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.seen: list[dict[str, list[int]]] = []

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        index = self.state.ctx.index()
        found = {
            term: sorted(h.page for h in index.search(SearchQuery(text=f'"{term}"')).hits)
            for term in ("超市窃取香烟", SPY_TEXT)
        }
        self.seen.append(found)
        width, height = image.size
        return [OcrBox.from_xyxy(SPY_TEXT, [width * 0.1, height * 0.1, width * 0.9, height * 0.14], 0.99)]


@pytest.fixture
def spy_state(tmp_path: Path) -> Iterator[tuple[AppState, SpyEngine]]:
    holder: list[SpyEngine] = []
    register_engine(EngineEntry("spy", lambda _threads: holder[0], lambda: None, "none"))
    settings = Settings(data_dir=tmp_path / "data", load_demo=False, ocr_engine="spy")
    state = build_state(settings, eager_jobs=True)
    holder.append(SpyEngine(state))
    try:
        yield state, holder[0]
    finally:
        state.ctx.db.dispose()
        unregister_engine("spy")
        reset_engines()


def test_issue19_page_searchable_before_its_document_is_done(
    spy_state: tuple[AppState, SpyEngine], tmp_path: Path
) -> None:
    state, spy = spy_state
    pdf = render_text_pdf([FIRST, *SCANNED], tmp_path / "卷宗.pdf", scanned_pages={1, 2})
    with state.ctx.db.session() as session:
        case = get_or_create_case(session, "（2026）测试刑初19号", None)
        with pdf.open("rb") as stream:
            document_id = add_document(session, state.ctx.store, case, pdf.name, stream,
                                       max_bytes=10**8).document.id

    queue_document(state.jobs, document_id)  # eager: every task runs here, in order

    with state.ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None
        assert document.status == "done", (document.error_code, document.error_detail)
    assert len(spy.seen) == 2, "pages 2 and 3 are read by OCR"
    # while page 2 was read, page 1 (text layer, read first) was already searchable
    assert spy.seen[0]["超市窃取香烟"] == [1]
    # while page 3 was read, page 2 (read by OCR just before) was searchable too
    assert spy.seen[1][SPY_TEXT] == [2]
    # once done, every page is indexed again with its document's facets
    done = state.ctx.index().search(SearchQuery(text=f'"{SPY_TEXT}"'))
    assert sorted(h.page for h in done.hits) == [2, 3]
    assert done.facets["document_type"] == {"其他": 2}  # indexed early without a type


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_issue19_ingest_starts_its_worker_early_and_queues_each_document_once(tmp_path: Path) -> None:
    """`casefile ingest` starts the embedded worker before storing the files; each is processed once.

    The worker skips its start-up recovery and the command re-queues once its files are stored:
    a document queued twice would be prepared twice (``attempts`` 2).
    """
    import sqlite3

    from tests.support.cli import casefile

    pdfs = [render_text_pdf([f"第{d}号文书。{FIRST}"] * 2, tmp_path / f"文书{d}.pdf") for d in range(1, 4)]
    data = tmp_path / "data"
    result = casefile("ingest", *map(str, pdfs), "--case", "（2026）测试刑初19号", data_dir=data,
                      env={"CASEFILE_LOAD_DEMO": "false"})
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(data / "casefile.db") as connection:
        rows = connection.execute("SELECT status, attempts FROM documents ORDER BY id").fetchall()
    assert rows == [("done", 1)] * 3
    assert "re-queued" not in result.stderr  # the command's own uploads, not a recovery to report
