"""End to end through the real CLI: a scanned judgment in, a phrase from each page found.

A 10-page scanned judgment is ingested with no server running, then a phrase from each page is
found on that page: once on the embedded default (SQLite, SQLite broker, embedded index), once
on the scale-out path (PostgreSQL + Redis).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import shared_data
from tests.support.cli import casefile, json_lines
from tests.support.dossier import split_pages
from tests.support.render import render_scanned_pdf
from tests.support.services import fresh_postgres, fresh_redis

PAGES = 10
CASE = "（2026）测试刑初1号"


def _long_judgment() -> str:
    """The longest judgment of the labelled dev set (about 2,900 characters)."""
    path = shared_data("dev/judgments_labelled.jsonl")
    with path.open(encoding="utf-8") as lines:
        return max((json.loads(line)["text"] for line in lines), key=len)


def _phrase(page: str, others: list[str]) -> str:
    """A run of 8 CJK characters from the middle of ``page`` that no other page contains."""
    chunks = [c for c in re.findall(r"[\u4e00-\u9fff]{8,}", page)]
    chunks.sort(key=len, reverse=True)
    for chunk in chunks:
        for start in range(0, len(chunk) - 7):
            candidate = chunk[start:start + 8]
            if not any(candidate in other for other in others):
                return candidate
    raise AssertionError("page has no distinctive phrase")


@pytest.fixture(scope="module")
def scanned_dossier(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    pages = split_pages(_long_judgment(), PAGES)
    assert len(pages) == PAGES
    pdf = render_scanned_pdf(pages, tmp_path_factory.mktemp("dossier") / "判决书扫描件.pdf")
    return pdf, pages


def _ingest_and_find(pdf: Path, pages: list[str], data_dir: Path, env: dict[str, str]) -> None:
    ingested = casefile("ingest", str(pdf), "--case", CASE, data_dir=data_dir, env=env)
    assert ingested.returncode == 0, ingested.stderr[-3000:]

    phrases = [_phrase(page, pages[:i] + pages[i + 1:]) for i, page in enumerate(pages)]
    queries = data_dir / "queries.txt"
    queries.write_text("\n".join(f'"{p}"' for p in phrases), encoding="utf-8")
    searched = casefile("search", "--queries", str(queries), "--json", "--limit", "3", data_dir=data_dir, env=env)
    assert searched.returncode == 0, searched.stderr[-3000:]
    results = json_lines(searched.stdout)
    assert len(results) == PAGES
    for number, result in enumerate(results, start=1):
        assert result["hits"], f"page {number}: nothing found for {result['query']}"
        top = result["hits"][0]
        assert (top["page"], top["case_number"], top["filename"]) == (number, CASE, pdf.name), result

    again = casefile("ingest", str(pdf), "--case", CASE, data_dir=data_dir, env=env)
    assert again.returncode == 0
    assert "未重复处理" in again.stderr


@pytest.mark.slow
def test_scanned_dossier_embedded_default(scanned_dossier: tuple[Path, list[str]], tmp_path: Path) -> None:
    pdf, pages = scanned_dossier
    _ingest_and_find(pdf, pages, tmp_path / "data", env={})


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.redis
def test_scanned_dossier_postgres_redis(scanned_dossier: tuple[Path, list[str]], tmp_path: Path) -> None:
    pdf, pages = scanned_dossier
    with fresh_postgres() as database_url, fresh_redis() as broker_url:
        env = {"CASEFILE_DATABASE_URL": database_url, "CASEFILE_BROKER_URL": broker_url}
        _ingest_and_find(pdf, pages, tmp_path / "data", env=env)


def test_ingest_reports_each_failure_and_exits_nonzero(tmp_path: Path) -> None:
    folder = tmp_path / "卷宗"
    folder.mkdir()
    (folder / "空白.pdf").write_bytes(b"")
    (folder / "改名的文本.pdf").write_text("这不是 PDF", encoding="utf-8")
    (folder / "起诉书.txt").write_text((Path(__file__).parent / "fixtures" / "indictment.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = casefile("ingest", str(folder), "--case", CASE, data_dir=tmp_path / "data", env={"CASEFILE_OCR_ENGINE": "null"})
    assert result.returncode == 1
    assert "空白.pdf" in result.stderr and "文件是空的" in result.stderr
    assert "改名的文本.pdf" in result.stderr and "文件内容与扩展名不符" in result.stderr
    found = casefile("search", "周海涛", "--json", data_dir=tmp_path / "data")
    assert json_lines(found.stdout)[0]["total"] == 1


@pytest.mark.integration
def test_rabbitmq_broker(tmp_path: Path) -> None:
    """The scale-out path with RabbitMQ as the broker (and PostgreSQL as the database)."""
    from tests.support.services import require

    require("127.0.0.1", 5672, "RabbitMQ")
    fixture = Path(__file__).parent / "fixtures" / "indictment.txt"
    with fresh_postgres() as database_url:
        env = {"CASEFILE_DATABASE_URL": database_url, "CASEFILE_OCR_ENGINE": "null",
               "CASEFILE_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//"}
        data = tmp_path / "data"
        ingested = casefile("ingest", str(fixture), "--case", CASE, data_dir=data, env=env)
        assert ingested.returncode == 0, ingested.stderr[-3000:]
        found = json_lines(casefile("search", "周海涛", "--json", data_dir=data, env=env).stdout)[0]
        assert found["total"] == 1 and found["hits"][0]["filename"] == "indictment.txt"
