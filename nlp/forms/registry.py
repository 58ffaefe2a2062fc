"""The registry of form templates: built-in TOML files, plus any registered later.

Templates load lazily on first use (no work at import time). ``register_form`` adds a template
the same way the built-in ones are added; ``reset_forms`` is for tests.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import FORM_TEMPLATE_INVALID, FORM_UNKNOWN, CasefileError
from nlp.forms.template import FormTemplate, load_template

TEMPLATE_DIR = Path(__file__).parent / "templates"

_forms: dict[str, FormTemplate] | None = None


def _load() -> dict[str, FormTemplate]:
    global _forms
    if _forms is None:
        _forms = {}
        for path in sorted(TEMPLATE_DIR.glob("*.toml")):
            register_form(load_template(path), _into=_forms)
    return _forms


def register_form(template: FormTemplate, *, _into: dict[str, FormTemplate] | None = None) -> None:
    """Add ``template``; a second template with the same id is a CasefileError."""
    forms = _load() if _into is None else _into
    if template.id in forms:
        raise CasefileError(FORM_TEMPLATE_INVALID, f"duplicate form id {template.id!r}")
    forms[template.id] = template


def list_forms() -> list[FormTemplate]:
    """Every registered template, ordered by id."""
    return [f for _, f in sorted(_load().items())]


def get_form(form_id: str) -> FormTemplate:
    """The template ``form_id``; unknown ids raise CasefileError (form_unknown) naming the ids."""
    forms = _load()
    if form_id not in forms:
        ids = "、".join(sorted(forms))
        raise CasefileError(
            FORM_UNKNOWN, form_id,
            message=f"没有编号为“{form_id}”的表单。可用的表单：{ids}。",
        )
    return forms[form_id]


def reset_forms() -> None:
    """Forget loaded and registered templates (tests)."""
    global _forms
    _forms = None
