"""Prefill an intake form from a (merged) fact sheet, flagging what is not trustworthy.

``prefill(template, facts, *, defendant_index=None) -> PrefilledForm`` fills every field from
its ``source`` path. Per-defendant design: **one form per defendant**. Templates write
``defendants[0]`` for "this form's defendant"; ``defendant_index`` (default 0) re-points it, and
``prefill_all`` makes one form for each defendant of the sheet.

Status of a field (a confidently wrong field is worse than an empty one, so nothing uncertain
is filled in):

- ``filled``: a value, traceable to evidence, confident enough, valid, not disputed.
- ``missing``: the sheet states nothing (``value`` None).
- ``conflict``: there are candidate values but the field is not trusted: the case's documents
  disagree (merged sheet's ``conflicts``, or a filter matching several different items), the
  confidence is below the field's ``min_confidence``, the value fails validation (its own or a
  cross-field check), or it has no evidence. ``value`` stays None; ``candidates`` lists what
  was read, each with its evidence, and ``problems`` says why.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from models.factsheet import FactSheetJSON
from nlp.forms.paths import Index, Key, evidence_for, parse, resolve_all, with_defendant
from nlp.forms.template import FieldSpec, FormTemplate
from nlp.forms.validate import Problem, check_form, is_empty, validate_value

STATUSES = ("filled", "missing", "conflict")
_EVIDENCE_KEYS = ("document_id", "page", "start", "end", "text", "boxes", "confidence", "continues")


@dataclass
class PrefilledField:
    """One field after prefill (see module doc for ``status``)."""

    spec: FieldSpec
    source: str
    value: Any
    status: str
    confidence: float | None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The field's name in the template."""
        return self.spec.name

    def flag(self, problem: Problem) -> None:
        """Demote a filled field to ``conflict``, keeping what was read as a candidate."""
        self.problems.append(problem)
        if self.status == "filled":
            self.candidates = [{"value": self.value, "evidence": self.evidence,
                                "confidence": self.confidence}]
            self.value, self.status = None, "conflict"

    def to_dict(self) -> dict[str, Any]:
        """CONTRACT shape plus ``label``, ``required``, ``type``, ``candidates``, ``problems``."""
        return {
            "name": self.spec.name,
            "label": self.spec.label,
            "type": self.spec.type,
            "required": self.spec.required,
            "source": self.source,
            "value": self.value,
            "status": self.status,
            "confidence": self.confidence,
            "evidence": self.evidence,
            "candidates": self.candidates,
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass
class PrefilledForm:
    """A form prefilled for one defendant (``defendant`` is its name, None if none)."""

    template: FormTemplate
    fields: list[PrefilledField]
    defendant_index: int | None = None
    defendant: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def field(self, name: str) -> PrefilledField:
        """The prefilled field ``name`` (KeyError if the template has none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def values(self) -> dict[str, Any]:
        """Field name → value (None where not filled)."""
        return {f.name: f.value for f in self.fields}

    def to_dict(self) -> dict[str, Any]:
        """CONTRACT shape ``{"form", "fields": [...]}`` plus title, version and problems."""
        return {
            "form": self.template.id,
            "title": self.template.title,
            "version": self.template.version,
            "defendant_index": self.defendant_index,
            "defendant": self.defendant,
            "fields": [f.to_dict() for f in self.fields],
            "problems": [p.to_dict() for p in self.problems],
        }


def _evidence_list(ev: Any) -> list[dict[str, Any]]:
    """Evidence as a list of copied evidence objects (a list value has one per item)."""
    if isinstance(ev, dict):
        if "page" in ev or "document_id" in ev:
            return [{k: copy.deepcopy(ev[k]) for k in _EVIDENCE_KEYS if k in ev}]
        # An object value (e.g. a custody event) holds evidence per member.
        return [e for sub in ev.values() for e in _evidence_list(sub)]
    if isinstance(ev, list):
        return [e for sub in ev for e in _evidence_list(sub)]
    return []


def _plain(value: Any) -> Any:
    """JSON-friendly value: integral floats as ints (24.0 → 24), lists copied."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return list(value)
    return value


def _disputed(facts: FactSheetJSON, path: str) -> list[dict[str, Any]] | None:
    """Candidates when the merged sheet's ``conflicts`` dispute the value at ``path``.

    A conflict names a defendant and a top-level field (``sentence``, ``charges`` …); the part
    of ``path`` below that field is looked up in each stated value, so a dispute over the fine
    does not flag the probation period.
    """
    conflicts = facts.get("conflicts") or []
    if not conflicts:
        return None
    steps = parse(path)
    defendant = None
    if steps[0] == Key("defendants") and len(steps) > 2 and isinstance(steps[1], Index):
        defendants = facts.get("defendants") or []
        if steps[1].index >= len(defendants):
            return None
        defendant, steps = defendants[steps[1].index], steps[2:]
    top, rest = steps[0], steps[1:]
    assert isinstance(top, Key)
    for c in conflicts:
        if c.get("field") != top.name:
            continue
        if defendant is None:
            if c.get("defendant") is not None:
                continue
        elif c.get("defendant") not in {defendant.get("name"), *defendant.get("names", [])}:
            continue
        cands = []
        for stated in c.get("values", []):
            sub = resolve_all(stated.get("value"), rest) if rest else None
            value = stated.get("value") if sub is None else (sub[0].value if sub else None)
            ev = stated.get("evidence")
            if rest and isinstance(ev, dict):
                ev_sub = resolve_all(ev, tuple(s for s in rest if isinstance(s, Key)))
                ev = ev_sub[0].value if ev_sub else None
            cands.append({"value": _plain(value), "evidence": _evidence_list(ev),
                          "document_id": stated.get("document_id")})
        if len({repr(cand["value"]) for cand in cands}) > 1:
            return cands
    return None


def _fill_field(spec: FieldSpec, facts: FactSheetJSON, source: str,
                today: dt.date) -> PrefilledField:
    found = [r for r in resolve_all(facts, source) if not is_empty(r.value)]
    if not found:
        return PrefilledField(spec, source, None, "missing", None)
    reads = [(_plain(r.value), _evidence_list(evidence_for(facts, r.route))) for r in found]
    disputed = _disputed(facts, source)
    if disputed is None and len({repr(v) for v, _ in reads}) > 1:
        disputed = [{"value": v, "evidence": ev} for v, ev in reads]
    if disputed is not None:
        return PrefilledField(
            spec, source, None, "conflict", None, candidates=disputed,
            problems=[Problem(spec.name, "disputed",
                              f"{spec.label}在案卷材料中有不同的记载，请核对。")],
        )
    value, evidence = reads[0]
    if spec.type == "bool" and value is False and not evidence:
        # False with no evidence only means "not stated"; it is no reading to confirm.
        return PrefilledField(spec, source, None, "missing", None)
    confidences = [e["confidence"] for e in evidence if isinstance(e.get("confidence"), int | float)]
    confidence = round(min(confidences), 2) if confidences else None
    out = PrefilledField(spec, source, value, "filled", confidence, evidence)
    if not evidence:
        out.flag(Problem(spec.name, "no_evidence", f"{spec.label}找不到原文出处，请核对。"))
    elif confidence is not None and confidence < spec.min_confidence:
        out.flag(Problem(spec.name, "low_confidence",
                         f"{spec.label}识别把握不足（{confidence:.2f}），请核对。"))
    for problem in validate_value(spec, value, today=today):
        out.flag(problem)
    return out


def prefill(
    template: FormTemplate,
    facts: FactSheetJSON,
    *,
    defendant_index: int | None = None,
    today: dt.date | None = None,
) -> PrefilledForm:
    """The form ``template`` prefilled from ``facts`` for one defendant (see module doc).

    ``facts`` is a document's or a merged case fact sheet. ``defendant_index`` defaults to 0
    for per-defendant templates; an index beyond the sheet's defendants leaves their fields
    missing. Never raises for odd sheets: absent parts become ``missing``.
    """
    today = today or dt.date.today()
    index = defendant_index if defendant_index is not None else 0
    defendants = facts.get("defendants") or []
    fields = []
    for spec in template.fields:
        source = with_defendant(spec.source, index) if template.per_defendant else spec.source
        fields.append(_fill_field(spec, facts, source, today))
    form = PrefilledForm(
        template, fields,
        defendant_index=index if template.per_defendant else None,
        defendant=(defendants[index].get("name")
                   if template.per_defendant and index < len(defendants) else None),
    )
    by_name = {f.name: f for f in fields}
    for problem in check_form(template, {f.name: f.value for f in fields}):
        form.problems.append(problem)
        if problem.field in by_name:
            by_name[problem.field].flag(problem)
    return form


def prefill_all(template: FormTemplate, facts: FactSheetJSON, *,
                today: dt.date | None = None) -> list[PrefilledForm]:
    """One prefilled form per defendant (one form when the sheet has none)."""
    count = max(1, len(facts.get("defendants") or [])) if template.per_defendant else 1
    return [prefill(template, facts, defendant_index=i, today=today) for i in range(count)]
