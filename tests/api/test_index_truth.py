"""The database is the truth: reindex rebuilds the index, check reports drift, delete removes."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.state import AppState
from ingest.reindex import check, reindex
from search.base import PageRecord, SearchIndex
from tests.search.fake_elasticsearch import FakeCluster
from tests.support.cli import casefile, json_lines

FIXTURE = Path(__file__).parents[1] / "fixtures" / "indictment.txt"
CASE = "（2025）测0102刑初500号"


def _upload(client: TestClient, name: str, text: str) -> int:
    response = client.post(f"/api/cases/{CASE}/documents",
                           files=[("file", (name, text.encode(), "text/plain"))])
    return int(response.json()["documents"][0]["id"])


def test_reindex_check_and_delete(client: TestClient, state: AppState) -> None:
    client.post("/api/cases", json={"case_number": CASE})
    first = _upload(client, "a.txt", FIXTURE.read_text(encoding="utf-8"))
    second = _upload(client, "b.txt", "询问笔录\n证人吴某某陈述：当晚看见一人翻墙。")
    assert check(state.ctx).ok

    index = state.ctx.index()
    index.delete_document(first)
    index.add_pages([PageRecord(document_id=999, case_number=CASE, filename="ghost.txt", page=1, text="幽灵")])
    drift = check(state.ctx)
    assert drift.missing == [first] and drift.stray == [999]

    assert reindex(state.ctx) == (2, 2)
    assert check(state.ctx).ok
    assert client.get("/api/search", params={"q": "周海涛"}).json()["total"] == 1

    deleted = client.delete(f"/api/documents/{second}")
    assert deleted.status_code == 200
    assert client.get(f"/api/documents/{second}").status_code == 404
    assert client.get("/api/search", params={"q": "翻墙"}).json()["total"] == 0
    assert check(state.ctx).ok


@pytest.mark.slow  # ingests through a worker process: 15–40 s
def test_cli_check_finds_an_outdated_or_missing_index_and_reindex_mends_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"CASEFILE_OCR_ENGINE": "null"}
    assert casefile("ingest", str(FIXTURE), "--case", CASE, data_dir=data, env=env).returncode == 0
    assert casefile("check", data_dir=data).returncode == 0
    # issue #6: an index of an older schema is refused with the way out, and that way works
    version = data / "index" / "current" / "casefile-search.json"  # of the generation in use
    version.write_text(json.dumps({"schema_version": json.loads(version.read_text())["schema_version"] - 1}))
    outdated = casefile("check", data_dir=data)
    assert outdated.returncode == 1 and "casefile reindex" in outdated.stderr, outdated.stderr
    assert "Traceback" not in outdated.stderr
    assert casefile("reindex", data_dir=data).returncode == 0
    assert casefile("check", data_dir=data).returncode == 0

    shutil.rmtree(data / "index")
    drifted = casefile("check", data_dir=data)
    assert drifted.returncode == 1 and "casefile reindex" in drifted.stderr
    assert casefile("reindex", data_dir=data).returncode == 0
    assert casefile("check", data_dir=data).returncode == 0
    assert json_lines(casefile("search", "周海涛", "--json", data_dir=data).stdout)[0]["total"] == 1


def test_cli_forms_list_names_every_form_and_its_fields(tmp_path: Path) -> None:
    forms = json_lines(casefile("forms", "list", "--json", data_dir=tmp_path / "data").stdout)[0]
    ids = {form["id"] for form in forms}
    assert {"arrest_request", "prosecution_transfer", "indictment", "custody_transfer", "community_correction"} <= ids
    assert all({"name", "label", "required", "source"} <= set(f) for form in forms for f in form["fields"])


def test_cli_prefill_fills_a_form_from_a_file_and_refuses_an_unknown_form(tmp_path: Path) -> None:
    data, env = tmp_path / "data", {"CASEFILE_OCR_ENGINE": "null"}
    [filled] = json_lines(casefile("prefill", "--form", "indictment", str(FIXTURE), "--json", data_dir=data, env=env).stdout)
    assert filled["path"] == str(FIXTURE) and filled["form"] == "indictment"
    by_name = {f["source"]: f for f in filled["fields"]}
    assert by_name["defendants[0].name"]["value"] == "周海涛"
    assert by_name["defendants[0].name"]["status"] == "filled"
    assert by_name["defendants[0].name"]["evidence"]
    assert all(f["status"] in ("filled", "missing", "conflict") for f in filled["fields"])
    unknown = casefile("prefill", "--form", "no-such-form", str(FIXTURE), "--json", data_dir=data)
    assert unknown.returncode == 2


def _on(backend: str, state: AppState) -> None:
    """Use ``backend``: the settings' tantivy index, or a fake Elasticsearch cluster."""
    if backend == "elasticsearch":
        state.ctx._index, state.ctx._index_pid = FakeCluster().open(), os.getpid()


def _during_rebuild(index: SearchIndex, meanwhile: Callable[[], None]) -> None:
    """Make ``index.rebuild`` run ``meanwhile`` once it has read every record, before its swap."""
    rebuild = index.rebuild

    def rebuild_and_meanwhile(records: Iterable[PageRecord]) -> int:
        def then() -> Iterator[PageRecord]:
            yield from records
            meanwhile()
        return rebuild(then())

    index.rebuild = rebuild_and_meanwhile  # type: ignore[method-assign]


@pytest.mark.parametrize("backend", ["tantivy", "elasticsearch"])
def test_a_document_done_during_a_rebuild_is_in_the_new_index(
    backend: str, client: TestClient, state: AppState
) -> None:
    """The rebuild fills a new index and swaps it in at the end; a worker meanwhile writes to the old one.

    Elasticsearch fills one behind the alias, tantivy a new generation folder.
    """
    client.post("/api/cases", json={"case_number": CASE})
    _on(backend, state)
    first = _upload(client, "a.txt", FIXTURE.read_text(encoding="utf-8"))
    late: list[int] = []  # processed (eagerly) and indexed while the new index is being filled
    _during_rebuild(state.ctx.index(), lambda: late.append(
        _upload(client, "b.txt", "询问笔录\n证人吴某某陈述：当晚看见一人翻墙。")))
    reindex(state.ctx)
    assert state.ctx.index().document_ids() == {first, *late}
    assert check(state.ctx).ok


@pytest.mark.parametrize("backend", ["tantivy", "elasticsearch"])
def test_a_document_deleted_during_a_rebuild_is_not_in_the_new_index(
    backend: str, client: TestClient, state: AppState
) -> None:
    client.post("/api/cases", json={"case_number": CASE})
    _on(backend, state)
    first = _upload(client, "a.txt", FIXTURE.read_text(encoding="utf-8"))
    second = _upload(client, "b.txt", "询问笔录\n证人吴某某陈述：当晚看见一人翻墙。")
    deleted: list[int] = []
    _during_rebuild(state.ctx.index(), lambda: deleted.append(
        client.delete(f"/api/documents/{second}").status_code))
    reindex(state.ctx)
    assert deleted == [200]
    assert state.ctx.index().document_ids() == {first}
    assert check(state.ctx).ok
