"""The fact sheet: what was read from one document, every value together with its evidence.

The exchange format (../shared/schemas/factsheet.schema.json, ``casefile extract --json``, the
stored ``facts`` rows) keeps the values as plain JSON and all their evidence apart under one
``"evidence"`` key per sheet, shaped like the values it explains. In here a value and its evidence
travel together as a :class:`Fact`; :meth:`FactSheet.model_dump` writes the exchange format and
:meth:`FactSheet.model_validate` reads it back, so neither side builds the parallel evidence dict by
hand. :func:`exchange_schema` is the JSON schema of that format, generated from these models.

Models:
- :class:`Fact` (``value``, ``evidence``): one value and where it was read (``None`` when no text
  states it, or the value is a default such as ``False``).
- :class:`Evidence`: ``{"document_id", "page", "start", "end", "text", "boxes", "confidence"}``
  with ``pages[i].text[start:end] == text``, plus ``"continues"`` (more :class:`Span` s) when the
  span runs over a page break.
- groups (:class:`Sentence`, :class:`PriorConviction`, :class:`AdministrativePenalty`,
  :class:`CustodyEvent`): their evidence goes under the sheet's ``"evidence"``, at their key.
- sheets (:class:`DefendantSheet`, :class:`FactSheet`): each writes its own ``"evidence"`` key.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    TypeAdapter,
    model_serializer,
    model_validator,
)

T = TypeVar("T")

# A box coordinate keeps its JSON type: a line's own corner stays an integer when the reader gave one.
Box = list[int | float]
Number = int | float
# An ISO date, possibly partial (YYYY or YYYY-MM): what a document states, no more.
IsoDate = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")]
Gender = Literal["男", "女"]
Procedure = Literal["简易程序", "普通程序", "速裁程序"]
Measure = Literal["刑事拘留", "逮捕", "取保候审", "监视居住", "指定居所监视居住", "行政拘留", "拘传", "羁押", "其他"]
Principal = Literal["有期徒刑", "拘役", "管制", "无期徒刑", "死刑", "免予刑事处罚", "单处罚金"]
# Where a defendant's charges were read (nlp.defendants): the verdict, a form's 罪名 field, the
# reasoning, anywhere in the text, or the first-instance judgment an appeal ruling affirms.
ChargeSource = Literal["verdict", "form", "reasoning", "text", "affirmed first instance"]


class Span(BaseModel):
    """Characters ``[start, end)`` of the text of page ``page`` and their boxes on its image."""

    page: int
    start: int
    end: int
    text: str
    boxes: list[Box]


class Evidence(BaseModel):
    """Where one value was read: its first page's span, with the spans on later pages under ``continues``."""

    document_id: int | None
    page: int
    start: int
    end: int
    text: str
    boxes: list[Box]
    confidence: float
    continues: list[Span] = []

    @model_serializer(mode="plain")
    def exchange(self) -> dict[str, Any]:
        """The exchange format (``model_dump``; called directly where speed counts)."""
        out: dict[str, Any] = {
            "document_id": self.document_id, "page": self.page, "start": self.start, "end": self.end,
            "text": self.text, "boxes": [list(box) for box in self.boxes], "confidence": self.confidence,
        }
        if self.continues:
            out["continues"] = [span.model_dump() for span in self.continues]
        return out


class Fact(BaseModel, Generic[T]):
    """One value and the evidence for it (``None`` when no text states it)."""

    value: T
    evidence: Evidence | None = None


# How a field is written: its kind, found once per class from its annotation.
_FACT, _FACTS, _GROUP, _GROUPS, _SHEETS, _PLAIN = "fact", "facts", "group", "groups", "sheets", "plain"


def _is(annotation: Any, base: type) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, base)


def _kind(annotation: Any) -> tuple[str, Any]:
    """``(kind, class)`` of a field annotation (``X | None`` reads as ``X``)."""
    args = get_args(annotation)
    if get_origin(annotation) in (Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            annotation = rest[0]
            args = get_args(annotation)
    if _is(annotation, Fact):
        return _FACT, annotation
    if _is(annotation, _Sheet):
        return _SHEETS, annotation  # never a bare sheet inside another
    if _is(annotation, _Group):
        return _GROUP, annotation
    if get_origin(annotation) is list and args:
        inner = args[0]
        if _is(inner, Fact):
            return _FACTS, inner
        if _is(inner, _Sheet):
            return _SHEETS, inner
        if _is(inner, _Group):
            return _GROUPS, inner
    return _PLAIN, annotation


class _Group(BaseModel):
    """Facts whose evidence is written at their key under the enclosing sheet's ``"evidence"``.

    ``_omitted_when_none``: keys left out of the exchange format (not written as null) when None.
    ``_evidence_when_empty``: list keys whose evidence list is written even when the list is empty.
    """

    model_config = ConfigDict(extra="ignore")

    _omitted_when_none: ClassVar[frozenset[str]] = frozenset()
    _evidence_when_empty: ClassVar[frozenset[str]] = frozenset()
    _kinds: ClassVar[dict[str, tuple[str, Any]]]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._kinds = {name: _kind(info.annotation) for name, info in cls.model_fields.items()}

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The exchange format's values of these facts and, apart, their evidence."""
        values: dict[str, Any] = {}
        evidence: dict[str, Any] = {}
        for name, (kind, _) in self._kinds.items():
            item = getattr(self, name)
            if item is None and name in self._omitted_when_none:
                continue
            if kind == _FACT and item is not None:
                values[name] = item.value
                if item.evidence is not None:
                    evidence[name] = item.evidence.exchange()
            elif kind == _FACTS:
                values[name] = [fact.value for fact in item]
                if item or name in self._evidence_when_empty:
                    evidence[name] = [None if f.evidence is None else f.evidence.exchange() for f in item]
            elif kind == _GROUP and item is not None:
                values[name], evidence[name] = item.split()
            elif kind == _GROUPS:
                pairs = [group.split() for group in item]
                values[name] = [v for v, _ in pairs]
                if item or name in self._evidence_when_empty:
                    evidence[name] = [e for _, e in pairs]
            elif kind == _SHEETS:
                values[name] = [sheet.exchange() for sheet in item]
            else:
                values[name] = list(item) if isinstance(item, list) else item
        return values, evidence

    @classmethod
    def joined(cls, values: dict[str, Any], evidence: dict[str, Any] | None) -> dict[str, Any]:
        """The inverse of :meth:`split`: exchange-format values and evidence as model input."""
        evidence = evidence or {}
        out: dict[str, Any] = {}
        for name, (kind, model) in cls._kinds.items():
            if name not in values:
                continue
            value, ev = values[name], evidence.get(name)
            if kind == _FACT:
                out[name] = {"value": value, "evidence": ev}
            elif kind == _FACTS:
                evs = ev or []
                out[name] = [{"value": v, "evidence": evs[i] if i < len(evs) else None}
                             for i, v in enumerate(value)]
            elif kind == _GROUP:
                out[name] = None if value is None else model.joined(value, ev)
            elif kind == _GROUPS:
                evs = ev or []
                out[name] = [model.joined(v, evs[i] if i < len(evs) else None) for i, v in enumerate(value)]
            else:
                out[name] = value
        return out


class _Sheet(_Group):
    """A group that writes its own evidence, under its ``"evidence"`` key, after its values."""

    @model_validator(mode="before")
    @classmethod
    def _from_exchange(cls, data: Any) -> Any:
        if isinstance(data, dict) and "evidence" in data:
            return cls.joined(data, data["evidence"])
        return data

    @model_serializer(mode="plain")
    def exchange(self) -> dict[str, Any]:
        """The exchange format: the values, then ``"evidence"`` (``model_dump``, called directly where speed counts)."""
        values, evidence = self.split()
        values["evidence"] = evidence
        return values


class Sentence(_Group):
    """The final (combined) sentence: months for terms, fines in yuan."""

    principal: Fact[Principal | None]
    term_months: Fact[Number | None]
    probation_months: Fact[Number | None]
    fine_yuan: Fact[Number | None]
    revokes_probation: Fact[bool]


class PriorConviction(_Group):
    """An earlier criminal judgment: its date, charge and sentence as written."""

    _omitted_when_none = frozenset({"charge_official"})

    date: Fact[IsoDate | None]
    charge: Fact[str | None]
    sentence: Fact[str | None]
    charge_official: Fact[str | None] | None = None


class AdministrativePenalty(_Group):
    """An administrative penalty (行政拘留, 强制隔离戒毒…) with its date."""

    date: Fact[IsoDate | None]
    penalty: Fact[str]


class CustodyEvent(_Group):
    """A coercive measure of this case and its date."""

    measure: Fact[Measure]
    date: Fact[IsoDate | None]


class DefendantSheet(_Sheet):
    """What one document says of one defendant (exchange format plus the extra keys)."""

    _omitted_when_none = frozenset({"id_number_problems"})
    _evidence_when_empty = frozenset({"prior_convictions", "administrative_penalties", "custody_events", "charges"})

    name: Fact[str]
    gender: Fact[Gender | None]
    birth_date: Fact[IsoDate | None]
    ethnicity: Fact[str | None]
    id_number: Fact[str | None]
    id_number_problems: list[str] | None = None  # written only with an ID number
    aliases: list[Fact[str]]
    prior_convictions: list[PriorConviction]
    administrative_penalties: list[AdministrativePenalty]
    on_probation_at_offense: Fact[bool]
    custody_events: list[CustodyEvent]
    charges: list[Fact[str]]
    charges_official: list[str | None]
    charges_source: ChargeSource
    acquitted: bool
    sentence: Sentence | None
    defence_counsel: list[str]
    address: Fact[str | None]
    registered_residence: Fact[str | None]


class FactSheet(_Sheet):
    """What one document says (exchange format plus the extra keys); ``model_dump`` writes the JSON."""

    _evidence_when_empty = frozenset({"vehicle_plates"})

    document_id: int | None
    document_type: str | None
    case_number: Fact[str | None]
    court: Fact[str | None]
    procuratorate: Fact[str | None]
    procedure: Fact[Procedure | None]
    guilty_plea_leniency: Fact[bool]
    defendants: list[DefendantSheet]
    blood_alcohol_mg_100ml: Fact[Number | None]
    vehicle_plates: list[Fact[str]]
    document_date: Fact[IsoDate | None]


# A fact sheet in the exchange format: what the API, the CLI and the ``facts`` rows carry. A merged
# case sheet (nlp.merge) is one too, with its own extra keys (conflicts, documents, sources, names).
FactSheetJSON = dict[str, Any]


def _value_schema(annotation: Any) -> dict[str, Any]:
    schema = TypeAdapter(annotation).json_schema()
    schema.pop("title", None)
    return schema


def _object_schema(model: type[_Group], defs: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, (kind, inner) in model._kinds.items():
        info = model.model_fields[name]
        if kind == _FACT:
            schema = _value_schema(inner.model_fields["value"].annotation)
        elif kind == _FACTS:
            schema = {"type": "array", "items": _value_schema(inner.model_fields["value"].annotation)}
        elif kind == _GROUP:
            schema = _object_schema(inner, defs)
            if not info.is_required() or _allows_none(info.annotation):
                schema = {"anyOf": [schema, {"type": "null"}]}
        elif kind == _GROUPS:
            schema = {"type": "array", "items": _object_schema(inner, defs)}
        elif kind == _SHEETS:
            key = inner.__name__
            if key not in defs:
                defs[key] = {}  # reserved before the walk, against recursion
                defs[key] = _object_schema(inner, defs)
            schema = {"type": "array", "items": {"$ref": f"#/$defs/{key}"}}
        else:
            schema = _value_schema(info.annotation)
        properties[name] = schema
        if name not in model._omitted_when_none:
            required.append(name)
    if issubclass(model, _Sheet):
        properties["evidence"] = {"type": "object", "description": "evidence of the values, at their keys"}
        required.append("evidence")
    out: dict[str, Any] = {"type": "object", "properties": properties, "required": required}
    if model.__doc__:
        out["description"] = model.__doc__.strip().splitlines()[0]
    return out


def _allows_none(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def exchange_schema() -> dict[str, Any]:
    """JSON schema (draft 2020-12) of :class:`FactSheet` as ``model_dump`` writes it."""
    defs: dict[str, Any] = {}
    schema = _object_schema(FactSheet, defs)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Case fact sheet",
            **schema, "$defs": defs}


__all__ = [
    "AdministrativePenalty", "ChargeSource", "CustodyEvent", "DefendantSheet", "Evidence", "Fact", "FactSheet",
    "FactSheetJSON", "PriorConviction", "Sentence", "Span", "exchange_schema",
]
