"""When a PDF text layer is trusted, and when the page is OCRed instead."""

from __future__ import annotations

import pytest

from ingest.reading.textlayer import text_layer_problem
from tests.reading.conftest import INDICTMENT


def test_real_chinese_text_is_trusted() -> None:
    assert text_layer_problem("".join(INDICTMENT)) is None
    assert text_layer_problem("Case No. 2024-17: defendant's statement, page 3") is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "no text"),
        ("   \n ", "no text"),
        ("".join(INDICTMENT).encode("utf-8").decode("latin-1"), "unreadable"),
        ("\ue000\ue012\ue0a3\ue111" * 30, "unreadable"),
        ("(cid:12)(cid:345)(cid:77)" * 10, "cid"),
        ("".join(INDICTMENT).encode("gb18030").decode("big5", errors="replace"), "unreadable"),
        # what a bad OCR leaves behind: a scatter of rare characters
        ("亍丌兀丐廿卅丕亘丞鬲孬噩丨禺丿匕乇夭爻卮氐囟胤馗毓睾鼗丶亟鼐乜乩亓芈孛啬嘏仄厍厝" * 2, "rare"),
    ],
    ids=["empty", "blank", "utf8-as-latin1", "private-use", "cid", "gbk-as-big5", "bad-ocr"],
)
def test_garbage_layers_are_refused(text: str, why: str) -> None:
    problem = text_layer_problem(text)
    assert problem is not None
    assert why in problem


def test_a_stamp_over_a_scan_is_not_a_text_layer() -> None:
    assert text_layer_problem("第3页", image_coverage=0.95) is not None
    assert text_layer_problem("第3页", image_coverage=0.0) is None
    assert text_layer_problem("".join(INDICTMENT), image_coverage=0.95) is None


def test_real_judgments_are_trusted() -> None:
    """Every real judgment in the shared dev data reads as a good text layer (no false alarms)."""
    import json

    from tests.conftest import shared_data

    data = shared_data("dev/judgments.jsonl")  # missing: a failure in CI, a skip with the reason elsewhere
    texts = [json.loads(line)["text"] for line in data.open(encoding="utf-8")]
    assert len(texts) > 50
    refused = [t[:40] for t in texts if text_layer_problem(t)]
    assert refused == []
