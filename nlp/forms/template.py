"""Form templates: the data classes and the TOML loader.

A template is a file in ``nlp/forms/templates/`` (one per form, no code per form). The loader
checks everything that does not need a fact sheet (field types, known rules and checks, path
syntax, unique names) so a broken template fails at load, not during a prefill.
See ``templates/README.md`` for the file format.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import FORM_FIELD_UNKNOWN, FORM_TEMPLATE_INVALID, CasefileError
from nlp.forms.paths import PathSyntaxError, parse

FIELD_TYPES = ("text", "date", "id_number", "enum", "number", "list", "bool")
CHECK_KINDS = ("date_order", "id_matches")
# Word lists a list field's items must come from: "charges" is the charge table (罪名表), where
# a selective charge (掩饰、隐瞒犯罪所得、犯罪所得收益罪) is one item, 、 and all.
VOCABULARIES = ("charges",)
DEFAULT_MIN_CONFIDENCE = 0.8


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: where it is filled from and what a valid value looks like."""

    name: str
    label: str
    type: str
    source: str
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    vocabulary: str | None = None
    not_future: bool = True
    unit: str = ""
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    help: str = ""


@dataclass(frozen=True)
class FormCheck:
    """A rule across fields, e.g. 刑事拘留 before 逮捕 (``kind`` in :data:`CHECK_KINDS`)."""

    kind: str
    fields: tuple[str, ...]
    message: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    """A document the transfer must include, recognised by document type or title keywords."""

    name: str
    label: str
    document_types: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class FormTemplate:
    """An intake form: identity, direction of transfer, completeness checklist and fields."""

    id: str
    title: str
    version: str
    from_agency_kind: str
    to_agency_kind: str
    transfer_type: str
    fields: tuple[FieldSpec, ...]
    checklist: tuple[ChecklistItem, ...] = ()
    checks: tuple[FormCheck, ...] = ()
    per_defendant: bool = True
    description: str = ""
    path: Path | None = field(default=None, compare=False)

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``; raises CasefileError (form_field_unknown) otherwise."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        names = "、".join(f.name for f in self.fields)
        raise CasefileError(
            FORM_FIELD_UNKNOWN, f"{self.id}.{name}",
            message=f"表单“{self.title}”没有字段 {name}。", hint=f"可用字段：{names}",
        )


def _invalid(path: Path, why: str) -> CasefileError:
    return CasefileError(FORM_TEMPLATE_INVALID, f"{path.name}: {why}")


def _field(path: Path, raw: dict[str, Any]) -> FieldSpec:
    known = set(FieldSpec.__dataclass_fields__) | {"min", "max"}
    extra = set(raw) - known
    if extra:
        raise _invalid(path, f"field {raw.get('name')!r}: unknown keys {sorted(extra)}")
    for key in ("name", "label", "type", "source"):
        if not raw.get(key):
            raise _invalid(path, f"field {raw.get('name')!r} lacks {key!r}")
    if raw["type"] not in FIELD_TYPES:
        raise _invalid(path, f"field {raw['name']!r}: type {raw['type']!r} not in {FIELD_TYPES}")
    if raw["type"] == "enum" and not raw.get("choices"):
        raise _invalid(path, f"enum field {raw['name']!r} has no choices")
    try:
        parse(raw["source"])
    except PathSyntaxError as exc:
        raise _invalid(path, f"field {raw['name']!r}: {exc}") from exc
    if raw.get("pattern"):
        re.compile(raw["pattern"])
    if raw.get("vocabulary") is not None and (raw["type"] != "list" or raw["vocabulary"] not in VOCABULARIES):
        raise _invalid(path, f"field {raw['name']!r}: vocabulary {raw['vocabulary']!r} needs a list field and one of {VOCABULARIES}")
    args = {k: v for k, v in raw.items() if k not in ("min", "max", "choices")}
    return FieldSpec(
        **args, choices=tuple(raw.get("choices", ())),
        minimum=raw.get("min"), maximum=raw.get("max"),
    )


def load_template(path: Path) -> FormTemplate:
    """Read and check one template file; raises CasefileError (form_template_invalid)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise _invalid(path, str(exc)) from exc
    for key in ("id", "title", "version", "from_agency_kind", "to_agency_kind", "transfer_type"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise _invalid(path, f"missing {key!r}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", raw["id"]):
        raise _invalid(path, f"id {raw['id']!r} must be lower-case ASCII")
    fields = tuple(_field(path, f) for f in raw.get("fields", []))
    if not fields:
        raise _invalid(path, "no fields")
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise _invalid(path, "duplicate field names")
    checks = []
    for c in raw.get("checks", []):
        if c.get("kind") not in CHECK_KINDS:
            raise _invalid(path, f"check kind {c.get('kind')!r} not in {CHECK_KINDS}")
        if any(n not in names for n in c.get("fields", [])):
            raise _invalid(path, f"check {c['kind']} names an unknown field")
        checks.append(FormCheck(c["kind"], tuple(c["fields"]), c.get("message", "")))
    checklist = tuple(
        ChecklistItem(
            name=c["name"], label=c["label"],
            document_types=tuple(c.get("document_types", ())),
            keywords=tuple(c.get("keywords", ())), required=c.get("required", True),
        )
        for c in raw.get("checklist", [])
    )
    return FormTemplate(
        id=raw["id"], title=raw["title"], version=raw["version"],
        from_agency_kind=raw["from_agency_kind"], to_agency_kind=raw["to_agency_kind"],
        transfer_type=raw["transfer_type"], fields=fields, checklist=checklist,
        checks=tuple(checks), per_defendant=raw.get("per_defendant", True),
        description=raw.get("description", ""), path=path,
    )
