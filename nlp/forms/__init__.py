"""Intake forms: templates as data, prefill from fact sheets, validation, checklists, PDF export.

Pure and database-free; the integrator stores results and wires routes. Public surface below.
"""

from nlp.forms.api import form_json, forms_list_json, prefill_json
from nlp.forms.checklist import ChecklistEntry, check_completeness, missing_documents
from nlp.forms.export import render_form_pdf  # reportlab itself loads on first render
from nlp.forms.prefill import PrefilledField, PrefilledForm, prefill, prefill_all
from nlp.forms.registry import get_form, list_forms, register_form, reset_forms
from nlp.forms.template import ChecklistItem, FieldSpec, FormCheck, FormTemplate, load_template
from nlp.forms.validate import (
    Problem,
    check_form,
    validate_field,
    validate_form,
    validate_value,
)

__all__ = [
    "ChecklistEntry", "ChecklistItem", "FieldSpec", "FormCheck", "FormTemplate", "PrefilledField",
    "PrefilledForm", "Problem", "check_completeness", "check_form", "form_json", "forms_list_json",
    "get_form", "list_forms", "load_template", "missing_documents", "prefill", "prefill_all",
    "prefill_json", "register_form", "render_form_pdf", "reset_forms", "validate_field",
    "validate_form", "validate_value",
]

