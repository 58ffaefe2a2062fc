"""Issue #20 step 5: the page rendered for OCR is kept for the viewer, not rendered a second time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from api.state import AppState, build_state
from core.settings import Settings
from ingest.intake import add_document, get_or_create_case
from ingest.jobs import queue_document
from ingest.page_images import page_image_file
from ingest.reading.documents import open_document
from models.tables import Document
from tests.support.render import render_text_pdf


@pytest.fixture
def state(tmp_path: Path) -> Iterator[AppState]:
    settings = Settings(data_dir=tmp_path / "data", load_demo=False, ocr_engine="null")
    state = build_state(settings, eager_jobs=True)
    try:
        yield state
    finally:
        state.ctx.db.dispose()


def test_issue20_the_ocr_page_image_is_the_viewers(state: AppState, tmp_path: Path) -> None:
    pdf = render_text_pdf(["被告人钱某于超市窃取香烟。", "第二页是扫描件。"], tmp_path / "卷宗.pdf",
                          scanned_pages={1})
    with state.ctx.db.session() as session:
        case = get_or_create_case(session, "（2026）测试刑初20号", None)
        with pdf.open("rb") as stream:
            stored = add_document(session, state.ctx.store, case, pdf.name, stream, max_bytes=10**8)
        document_id, sha256 = stored.document.id, stored.document.sha256

    queue_document(state.jobs, document_id)

    with state.ctx.db.session() as session:
        document = session.get(Document, document_id)
        assert document is not None and document.status == "done", document and document.error_code
    kept = page_image_file(state.ctx.pages_dir, sha256, 2)
    assert kept.exists(), "the scanned page's image was not kept for the viewer"
    assert not page_image_file(state.ctx.pages_dir, sha256, 1).exists()  # a text layer: nothing rendered
    with open_document(pdf, "application/pdf", dpi=state.ctx.dpi) as reader:
        rendered = reader.page_image(2)
    with Image.open(kept) as image:
        assert image.size == rendered.size
        assert ImageChops.difference(image.convert("RGB"), rendered.convert("RGB")).getbbox() is None
