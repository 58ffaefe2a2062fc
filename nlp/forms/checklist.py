"""Completeness checklist: which required documents of a transfer a case has or lacks.

``check_completeness(template, documents)`` takes the case's documents as dicts with a
``document_type`` (as the extraction classifies it) and/or a ``title``/``filename``; an item is
present when a document's type is one of the item's ``document_types`` or its title contains
one of the item's ``keywords``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nlp.forms.template import ChecklistItem, FormTemplate


@dataclass(frozen=True)
class ChecklistEntry:
    """One checklist item and the documents (their ids) that satisfy it, with their labels."""

    item: ChecklistItem
    matched: tuple[Any, ...]
    labels: tuple[str, ...] = ()

    @property
    def present(self) -> bool:
        """True when at least one document satisfies the item."""
        return bool(self.matched)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"name": self.item.name, "label": self.item.label,
                "required": self.item.required, "present": self.present,
                "documents": list(self.matched), "names": list(self.labels)}


def _matches(item: ChecklistItem, doc: Mapping[str, Any]) -> bool:
    if doc.get("document_type") in item.document_types:
        return True
    title = doc.get("title") or ""
    return any(k in title for k in item.keywords)


def check_completeness(
    template: FormTemplate, documents: Iterable[Mapping[str, Any]]
) -> list[ChecklistEntry]:
    """The template's checklist against ``documents`` (see module doc)."""
    docs = list(documents)
    entries = []
    for item in template.checklist:
        found = [d for d in docs if _matches(item, d)]
        entries.append(ChecklistEntry(
            item, tuple(dict.fromkeys(d.get("document_id", d.get("title")) for d in found)),
            tuple(str(d.get("label") or d.get("title") or d.get("document_type") or "") for d in found),
        ))
    return entries


def missing_documents(template: FormTemplate, documents: Iterable[Mapping[str, Any]]) -> list[str]:
    """Labels of the required checklist items no document satisfies."""
    return [e.item.label for e in check_completeness(template, documents)
            if e.item.required and not e.present]
