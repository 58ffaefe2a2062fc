"""JSON-facing functions the CLI and HTTP routes wrap (shapes per shared/CONTRACT.md).

- ``forms_list_json()``: ``casefile forms list --json``.
- ``prefill_json(form_id, facts, path)``: one line of ``casefile prefill --form … --json``.
- ``form_json(template)``: one template in full (fields with types and rules, checklist).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from models.factsheet import FactSheetJSON
from nlp.forms.prefill import prefill_all
from nlp.forms.registry import get_form, list_forms
from nlp.forms.template import FormTemplate


def form_json(template: FormTemplate) -> dict[str, Any]:
    """The whole template as JSON (for a form designer or the review page)."""
    out = {k: v for k, v in asdict(template).items() if k != "path"}
    out["fields"] = [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(f).items()}
        for f in template.fields
    ]
    return out


def forms_list_json() -> list[dict[str, Any]]:
    """``[{"id", "title", "fields": [{"name", "label", "required", "source"}]}]`` + extras."""
    return [
        {
            "id": t.id,
            "title": t.title,
            "version": t.version,
            "from_agency_kind": t.from_agency_kind,
            "to_agency_kind": t.to_agency_kind,
            "transfer_type": t.transfer_type,
            "per_defendant": t.per_defendant,
            "checklist": [{"name": c.name, "label": c.label, "required": c.required,
                           "document_types": list(c.document_types), "keywords": list(c.keywords)}
                          for c in t.checklist],
            "fields": [{"name": f.name, "label": f.label, "required": f.required,
                        "source": f.source, "type": f.type} for f in t.fields],
        }
        for t in list_forms()
    ]


def prefill_json(form_id: str, facts: FactSheetJSON, path: str, *,
                 today: dt.date | None = None) -> dict[str, Any]:
    """``{"path", "form", "fields"}`` for the first defendant, plus ``forms``: one per defendant.

    Unknown ``form_id`` raises CasefileError (form_unknown).
    """
    forms = [f.to_dict() for f in prefill_all(get_form(form_id), facts, today=today)]
    first = forms[0]
    return {"path": path, "form": form_id, "title": first["title"],
            "defendant": first["defendant"], "fields": first["fields"],
            "problems": first["problems"], "forms": forms}
