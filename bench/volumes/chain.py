r"""A clerk's whole chain on one volume, through the HTTP API (issue #17, "Done when").

``run_chain(client, volume, pdf, ...)`` does what a police clerk does with a scanned volume and
reports what each step gave, without judging it (callers assert or print):

1. creates the case and uploads the one PDF under a scanner's name (``IMG_0001.pdf``);
2. waits until the file is done (upload → done, seconds);
3. reads the catalogue from the case page's API (``GET /api/cases/{case}/documents``) and scores
   its document starts (precision / recall / F1) and types against the volume's truth;
4. splits the first multi-page 讯问笔录 at its second page, then undoes it: the catalogue must come
   back as it was;
5. reads the pre-filled transfer form's checklist and checks, item by item, that it is met by
   catalogue entries of the item's document types (a label naming a page range of the volume),
   never by the file as a whole (its name says nothing: ``IMG_0001.pdf``);
6. sends the transfer;
7. downloads the searchable PDF and reads its bookmarks (pypdfium2) against the catalogue.

``client`` is an ``httpx.Client`` signed in as the clerk: a real server's, or the app's
``TestClient`` (a subclass). Where it runs: anywhere the API answers.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pypdfium2

from bench.volumes.corpus import Volume

FORM_ID = "prosecution_transfer"
SCANNER_NAME = "IMG_0001.pdf"


class ChainBroken(AssertionError):
    """A step of the chain answered something other than what the next step needs."""


@dataclass
class ChainReport:
    """What every step of the chain gave (see module doc)."""

    document_id: int = 0
    pages: int = 0
    upload_s: float = 0.0
    upload_to_done_s: float = 0.0
    # from the upload's answer to the first search that finds page 1 (None: never seen before done)
    first_page_searchable_s: float | None = None
    stages_seen_s: dict[str, float] = field(default_factory=dict)
    file_type: str | None = None
    catalogue: list[dict[str, Any]] = field(default_factory=list)
    starts: dict[str, Any] = field(default_factory=dict)
    type_accuracy: float | None = None
    misses: list[str] = field(default_factory=list)
    correction: dict[str, Any] = field(default_factory=dict)
    checklist: dict[str, dict[str, Any]] = field(default_factory=dict)
    checklist_by_type: bool = False
    transfer: dict[str, Any] = field(default_factory=dict)
    bookmarks: list[tuple[str, int]] = field(default_factory=list)
    bookmarks_match: bool = False
    searchable_pdf_s: float = 0.0
    searchable_pdf_mb: float = 0.0
    broken: str | None = None  # the step that broke, and how (set by a caller that catches it)

    def summary(self) -> dict[str, Any]:
        """The JSON a benchmark prints (the full catalogue left out)."""
        return {
            "pages": self.pages, "upload_s": round(self.upload_s, 2),
            "upload_to_done_s": round(self.upload_to_done_s, 1),
            "first_page_searchable_s": (None if self.first_page_searchable_s is None
                                        else round(self.first_page_searchable_s, 1)),
            "stages_first_seen_s": {k: round(v, 1) for k, v in self.stages_seen_s.items()}, "file_type": self.file_type,
            "documents": len(self.catalogue), "document_starts": self.starts,
            "type_accuracy": self.type_accuracy, "misses": self.misses, "correction": self.correction,
            "checklist_by_type": self.checklist_by_type,
            "checklist": {k: {"present": v["present"], "by_type": v["by_type"], "matched": len(v["names"])}
                          for k, v in self.checklist.items()},
            "transfer": self.transfer, "bookmarks": len(self.bookmarks), "bookmarks_match": self.bookmarks_match,
            "searchable_pdf_s": round(self.searchable_pdf_s, 1), "searchable_pdf_mb": round(self.searchable_pdf_mb, 1),
            "broken": self.broken,
        }


def _ok(response: httpx.Response, step: str, *codes: int) -> Any:
    if response.status_code not in (codes or (200,)):
        raise ChainBroken(f"{step}: HTTP {response.status_code} {response.text[:500]}")
    return response.json() if response.headers.get("content-type", "").startswith("application/json") else None


def score_starts(catalogue: list[dict[str, Any]], volume: Volume) -> tuple[dict[str, Any], float | None, list[str]]:
    """Document-start precision/recall/F1, type accuracy over the starts found, and the misses."""
    want = {d["first_page"]: d["type"] for d in volume.documents}
    got = {e["first_page"]: e["type"] for e in catalogue}
    tp = len(set(got) & set(want))
    fp, fn = len(set(got) - set(want)), len(set(want) - set(got))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    right = sum(got[page] == want[page] for page in set(got) & set(want))
    misses = [f"p{page}: " + (f"{got[page]} for {want[page]}" if page in got and page in want
                              else f"no start ({want[page]})" if page in want else f"false start {got[page]}")
              for page in sorted(set(got) | set(want)) if got.get(page) != want.get(page)]
    starts = {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3), "tp": tp, "fp": fp, "fn": fn}
    return starts, (round(right / tp, 3) if tp else None), misses


def wait_done(
    client: httpx.Client, document_id: int, *, timeout: float, poll: float = 0.5,
    stages: dict[str, float] | None = None, started: float = 0.0,
    each_poll: Callable[[], object] | None = None,
) -> dict[str, Any]:
    """The document once its status is done or failed; ``ChainBroken`` after ``timeout`` seconds.

    ``stages`` gets, for each stage the polls saw, the seconds from ``started`` (a
    ``time.perf_counter()``) to the poll that first saw it: as fine as ``poll``. ``each_poll`` is
    called before every poll (another thing to watch meanwhile).
    """
    deadline = time.monotonic() + timeout
    while True:
        if each_poll is not None:
            each_poll()
        shown = _ok(client.get(f"/api/documents/{document_id}"), "document status")
        if stages is not None:
            stages.setdefault(shown["progress"]["stage"], time.perf_counter() - started)
        if shown["status"] in ("done", "failed"):
            return dict(shown)
        if time.monotonic() > deadline:
            raise ChainBroken(f"document {document_id} still {shown['status']} after {timeout:.0f} s "
                              f"({shown['progress']})")
        time.sleep(poll)


def _spans(catalogue: list[dict[str, Any]]) -> list[tuple[str, str, int, int]]:
    return [(e["type"], e["title"], e["first_page"], e["last_page"]) for e in catalogue]


def _case_catalogue(client: httpx.Client, case: str, document_id: int) -> tuple[str | None, list[dict[str, Any]]]:
    """The file's type and catalogue as the case page shows them."""
    shown = _ok(client.get(f"/api/cases/{case}/documents"), "case documents")
    [document] = [d for d in shown if d["id"] == document_id]
    return document["document_type"], list(document["catalogue"])


def split_and_undo(client: httpx.Client, case: str, document_id: int, catalogue: list[dict[str, Any]]) -> dict[str, Any]:
    """Split the first multi-page 讯问笔录 (or, failing one, entry) at its second page, then undo it."""
    several = [e for e in catalogue if e["last_page"] > e["first_page"]]
    record = next((e for e in several if e["type"] == "讯问笔录"), several[0] if several else None)
    if record is None:
        raise ChainBroken("no entry of more than one page in the catalogue to split")
    revision = _ok(client.get(f"/api/documents/{document_id}"), "document")["catalogue_revision"]
    page = record["first_page"] + 1
    split = _ok(client.post(f"/api/documents/{document_id}/catalogue/edits", json={
        "op": "split", "page": page, "type": record["type"], "title": f"{record['type']}（续）", "revision": revision}),
        "split")
    _, after_split = _case_catalogue(client, case, document_id)
    undone = _ok(client.post(f"/api/documents/{document_id}/catalogue/undo",
                             json={"revision": split["catalogue_revision"]}), "undo")
    _, after_undo = _case_catalogue(client, case, document_id)
    return {
        "split": f"{record['title']} at page {page}", "entries_before": len(catalogue), "entries_after_split": len(after_split),
        "split_shown": len(after_split) == len(catalogue) + 1 and any(e["first_page"] == page for e in after_split),
        "undo_edits": undone["catalogue_edits"],
        "restored": _spans(after_undo) == _spans(catalogue),
    }


_LABEL_RE = re.compile(r"^(?P<file>.+) 第 (?P<first>\d+)(?:–(?P<last>\d+))? 页（(?P<title>.+)）$")


def checklist_by_type(
    checklist: list[dict[str, Any]], template: dict[str, Any], catalogue: list[dict[str, Any]], filename: str
) -> dict[str, dict[str, Any]]:
    """Each checklist item: present, and whether an entry of the volume of one of its types met it.

    An item is met "by type" when one of its labels names ``filename`` with a page range that is a
    catalogue entry whose type is one of the item's ``document_types``: not a whole file, not a
    title's keyword alone.
    """
    types = {c["name"]: set(c["document_types"]) for c in template["checklist"]}
    spans = {(e["first_page"], e["last_page"]): e["type"] for e in catalogue}
    items: dict[str, dict[str, Any]] = {}
    for item in checklist:
        by_type = False
        for name in item["names"]:
            match = _LABEL_RE.match(name)
            if match is None or match["file"] != filename:
                continue
            first = int(match["first"])
            last = int(match["last"] or first)
            by_type = by_type or spans.get((first, last)) in types[item["name"]]
        items[item["name"]] = {"required": item["required"], "present": item["present"], "by_type": by_type,
                               "names": list(item["names"])}
    return items


_PERSON_KEYS = ("name", "gender", "birth_date", "ethnicity", "id_number")


def score_prefill(forms: list[dict[str, Any]], volume: Volume) -> dict[str, Any]:
    """The sent forms' defendants against the volume's suspects: who, and their identity fields."""
    truth = {d["name"]: d for d in volume.facts.get("defendants", [])}
    right = checked = 0
    for form in forms:
        person = truth.get(form["defendant"], {})
        for f in form["fields"]:
            key = f["source"].rsplit(".", 1)[-1]
            if key in _PERSON_KEYS and person:
                checked += 1
                right += f.get("value") == person[key]
    return {"defendants": [form["defendant"] for form in forms], "defendants_expected": list(truth),
            "identity_fields_right": right, "identity_fields_checked": checked}


def read_bookmarks(data: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of each bookmark of a PDF, in order."""
    document = pypdfium2.PdfDocument(data)
    try:
        return [(item.get_title(), item.get_dest().get_index() + 1) for item in document.get_toc()]
    finally:
        document.close()


def _page_found(client: httpx.Client, query: str, document_id: int, page: int) -> bool:
    """Whether a search for ``query`` finds page ``page`` of the document (issue #19: search before the last page)."""
    found = _ok(client.get("/api/search", params={"q": query, "limit": 100}), "search")
    return any(hit["document_id"] == document_id and hit["page"] == page for hit in found["hits"])


def run_chain(
    client: httpx.Client, volume: Volume, pdf: bytes, *, case: str, receiver: str,
    filename: str = SCANNER_NAME, timeout: float = 1800, report: ChainReport | None = None,
) -> ChainReport:
    """Run the chain (module doc) as the clerk ``client`` is signed in as; what each step gave.

    ``report`` (a new one if not given) is filled step by step, so that a caller catching
    ``ChainBroken`` still has what the steps before the broken one gave.
    """
    report = report if report is not None else ChainReport()
    _ok(client.post("/api/cases", json={"case_number": case, "title": volume.name}), "create case", 201)
    started = time.perf_counter()
    uploaded = _ok(client.post(f"/api/cases/{case}/documents", files=[("file", (filename, pdf, "application/pdf"))]),
                   "upload", 201)
    report.upload_s = time.perf_counter() - started
    report.document_id = int(uploaded["documents"][0]["id"])
    answered = started + report.upload_s
    first_line = volume.pages[0].splitlines()[0]

    def look_for_page_1() -> None:
        if report.first_page_searchable_s is None and _page_found(client, first_line, report.document_id, 1):
            report.first_page_searchable_s = time.perf_counter() - answered

    done = wait_done(client, report.document_id, timeout=timeout, stages=report.stages_seen_s, started=started,
                     each_poll=look_for_page_1)
    report.upload_to_done_s = time.perf_counter() - started
    if done["status"] != "done":
        raise ChainBroken(f"document failed: {done['error']}")
    report.pages = int(done["page_count"] or 0)

    report.file_type, report.catalogue = _case_catalogue(client, case, report.document_id)
    report.starts, report.type_accuracy, report.misses = score_starts(report.catalogue, volume)
    report.correction = split_and_undo(client, case, report.document_id, report.catalogue)

    templates = _ok(client.get("/api/forms"), "forms")
    [template] = [t for t in templates if t["id"] == FORM_ID]
    preview = _ok(client.get(f"/api/cases/{case}/forms/{FORM_ID}"), "prefill")
    report.checklist = checklist_by_type(preview["checklist"], template, report.catalogue, filename)
    report.checklist_by_type = all(i["present"] and i["by_type"] for i in report.checklist.values() if i["required"])

    sent = _ok(client.post(f"/api/cases/{case}/transfers", json={"form_id": FORM_ID, "to_agency": receiver}),
               "transfer", 201)
    report.transfer = {
        "id": sent["id"], "forms": len(sent["forms"]),
        "required_filled": sum(f["status"] == "filled" for form in sent["forms"] for f in form["fields"] if f["required"]),
        "required": sum(1 for form in sent["forms"] for f in form["fields"] if f["required"]),
        **score_prefill(sent["forms"], volume),
    }

    asked = time.perf_counter()
    searchable = client.get(f"/api/documents/{report.document_id}/searchable.pdf")
    _ok(searchable, "searchable pdf")
    report.searchable_pdf_s = time.perf_counter() - asked
    report.searchable_pdf_mb = len(searchable.content) / 2**20
    report.bookmarks = read_bookmarks(searchable.content)
    report.bookmarks_match = report.bookmarks == [(e["title"], e["first_page"]) for e in report.catalogue]
    return report
