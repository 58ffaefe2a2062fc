"""Facts of a whole volume: each catalogued document read on its own, merged per person.

``extract_volume(pages)`` catalogues the file's pages (:func:`nlp.catalogue.split.catalogue_pages`);
a file holding one document gives today's single-document fact sheet unchanged. Otherwise every
document is read by what its type says (``extract`` in ``types.toml``), and the sheets are merged
with :func:`nlp.merge.merge_factsheets` (ID number first, then name): one entry per person, every
value with its evidence, disagreements listed under ``conflicts``.

Rules a volume adds:
- a 刑事判决书 dated before the volume's other documents (a prior judgment filed as 前科材料) is
  evidence of a prior conviction (charge, date, sentence, court) of the person it sentences; it
  never gives the case's court, case number, charges, sentence or custody events;
- charges come only from the types whose charges are the case's (``charges = true``); a 讯问笔录
  also names the crimes of earlier judgments;
- a prior conviction told by several documents (讯问笔录, 起诉意见书, the judgment itself) is listed
  once: same charge and year.

In the result ``document_id`` (of the sheets' evidence and of ``documents``) is the document's
序号 in the catalogue, counted from 1: nothing is stored, so there is no database id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.page import PageContent
from nlp.catalogue.split import CataloguedDocument, catalogue_pages
from nlp.catalogue.types import get_type
from nlp.factsheet import extract_facts
from nlp.merge import merge_factsheets

_READ_BY_PIPELINE = ("form", "record", "police", "indictment", "judgment")
_DECISION_MEASURE = {"取保候审决定书": "取保候审", "监视居住决定书": "监视居住"}
_PRE_TRIAL_STAGES = ("police", "procuratorate")


def extract_volume(
    pages: Sequence[PageContent], catalogue: Sequence[CataloguedDocument] | None = None
) -> dict[str, Any]:
    """The fact sheet of a file: one document as today, a volume merged (see module doc).

    ``catalogue``: the file's documents when already known (the split's, or a clerk's corrected
    catalogue); by default the pages are catalogued here.
    """
    docs = list(catalogue) if catalogue is not None else catalogue_pages(pages)
    if len(docs) <= 1:
        return extract_facts(pages)
    sheets: list[dict[str, Any]] = []
    for index, doc in enumerate(docs, 1):
        sheet = _read_document(pages, docs, index, doc)
        if sheet is not None:
            sheets.append(sheet)
    merged = merge_factsheets(sheets)
    for person in merged["defendants"]:
        _distinct_priors(person)
    merged["conflicts"] = [c for c in merged["conflicts"] if not _only_unstated(c)]
    merged["document_type"] = None
    merged["blood_alcohol_mg_100ml"] = next(
        (s["blood_alcohol_mg_100ml"] for s in sheets if s.get("blood_alcohol_mg_100ml") is not None), None)
    merged["vehicle_plates"] = list(dict.fromkeys(p for s in sheets for p in s.get("vehicle_plates", [])))
    merged["documents"] = [
        {"document_id": i, **d.to_dict(), "prior_judgment": _is_prior_judgment(d, docs)}
        for i, d in enumerate(docs, 1)
    ]
    return merged


def _read_document(
    pages: Sequence[PageContent], docs: list[CataloguedDocument], index: int, doc: CataloguedDocument
) -> dict[str, Any] | None:
    kind = get_type(doc.kind)
    if kind.extract == "plea":
        return _sheet(index, doc.type, [], guilty_plea=True)
    if kind.extract == "decision":
        persons = [_bare_person(p["name"]) for p in doc.persons if p["role"] in ("犯罪嫌疑人", "被告人")]
        measure = _DECISION_MEASURE.get(doc.kind)
        if measure and doc.date:
            for person in persons:
                person["custody_events"] = [{"measure": measure, "date": doc.date}]
        return _sheet(index, doc.type, persons)
    if kind.extract not in _READ_BY_PIPELINE:
        return None
    sheet = extract_facts(pages[doc.first_page - 1: doc.last_page], document_id=index, document_type=doc.kind)
    sheet["document_type"] = doc.type
    if kind.extract == "judgment" and _is_prior_judgment(doc, docs):
        return _as_prior_conviction(sheet, doc)
    if not kind.charges:
        for person in sheet["defendants"]:
            person["charges"], person["charges_official"] = [], []
            person["evidence"].pop("charges", None)
    return sheet


def _is_prior_judgment(doc: CataloguedDocument, docs: list[CataloguedDocument]) -> bool:
    """A judgment is a prior one when a pre-trial document of the volume is dated after it."""
    if get_type(doc.kind).extract != "judgment":
        return False
    later = [d for d in docs if d is not doc and get_type(d.kind).stage in _PRE_TRIAL_STAGES]
    if doc.date is None:
        return bool(later)
    return any(d.date and d.date > doc.date for d in later)


def _as_prior_conviction(sheet: dict[str, Any], doc: CataloguedDocument) -> dict[str, Any]:
    """A prior judgment's sheet as the prior conviction of each person it sentenced."""
    people = []
    for d in sheet["defendants"]:
        ev = d.get("evidence") or {}
        sentence = d.get("sentence") or {}
        sentence_ev = ev.get("sentence") or {}
        written = "".join(sentence_ev[k]["text"] for k in ("principal", "term_months") if sentence_ev.get(k))
        priors = []
        prior_ev = []
        for charge, official, charge_ev in zip(d["charges"], d["charges_official"], ev.get("charges", []),
                                               strict=False):
            priors.append({"date": doc.date, "charge": charge, "charge_official": official,
                           "sentence": written or sentence.get("principal"), "court": sheet.get("court")})
            prior_ev.append({"charge": charge_ev, "court": (sheet.get("evidence") or {}).get("court")})
        person = _bare_person(d["name"])
        for key in ("gender", "birth_date", "ethnicity", "id_number", "aliases", "address",
                    "registered_residence"):
            if key in d:
                person[key] = d[key]
                if key in ev:
                    person["evidence"][key] = ev[key]
        person["prior_convictions"] = priors + d.get("prior_convictions", [])
        person["evidence"]["prior_convictions"] = prior_ev + ev.get("prior_convictions", [])
        person["administrative_penalties"] = d.get("administrative_penalties", [])
        people.append(person)
    return _sheet(sheet["document_id"], doc.type, people)


def _sheet(index: int, doc_type: str, defendants: list[dict[str, Any]], *, guilty_plea: bool = False) -> dict[str, Any]:
    return {"document_id": index, "document_type": doc_type, "case_number": None, "court": None,
            "procuratorate": None, "procedure": None, "guilty_plea_leniency": guilty_plea,
            "defendants": defendants, "blood_alcohol_mg_100ml": None, "vehicle_plates": [], "evidence": {}}


def _bare_person(name: str) -> dict[str, Any]:
    return {"name": name, "gender": None, "birth_date": None, "ethnicity": None, "id_number": None,
            "aliases": [], "prior_convictions": [], "administrative_penalties": [],
            "on_probation_at_offense": False, "custody_events": [], "charges": [], "charges_official": [],
            "sentence": None, "evidence": {"name": None}}


def _prior_key(prior: dict[str, Any]) -> tuple[str, str]:
    charge = str(prior.get("charge_official") or prior.get("charge") or "")
    return charge, str(prior.get("date") or "")[:4]


def _distinct_priors(person: dict[str, Any]) -> None:
    """One entry per prior (charge and year), evidence kept beside; one source fills another's gaps."""
    evidence = person.setdefault("evidence", {})
    pairs = list(zip(person["prior_convictions"],
                     evidence.get("prior_convictions") or [None] * len(person["prior_convictions"]),
                     strict=False))
    kept: dict[tuple[str, str], tuple[dict[str, Any], Any]] = {}
    for n, (prior, ev) in enumerate(pairs):
        key = _prior_key(prior)
        if not key[0]:
            key = ("", f"{key[1]}#{n}")  # a prior without its charge is never folded into another
        if key not in kept:
            kept[key] = (dict(prior), ev)
            continue
        item = kept[key][0]
        for name, value in prior.items():
            if item.get(name) in (None, "") or (name == "date" and len(str(value or "")) > len(str(item[name]))):
                item[name] = value
    person["prior_convictions"] = [item for item, _ in kept.values()]
    if "prior_convictions" in evidence:
        evidence["prior_convictions"] = [ev for _, ev in kept.values()]


def _only_unstated(conflict: dict[str, Any]) -> bool:
    """A charges "conflict" where one document states charges and another states none."""
    if conflict.get("field") != "charges":
        return False
    stated = {tuple(sorted(v["value"])) for v in conflict["values"] if v["value"]}
    return len(stated) <= 1


__all__ = ["extract_volume"]
