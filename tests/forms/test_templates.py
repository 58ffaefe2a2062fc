"""Templates load, are consistent with the fact-sheet schema, and list in the CONTRACT shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import CasefileError
from nlp.forms import forms_list_json, get_form, list_forms, load_template
from nlp.forms.paths import schema_check
from tests.forms.conftest import shared_file

REQUIRED_FORMS = {"arrest_request", "prosecution_transfer", "indictment", "custody_transfer",
                  "community_correction"}


def test_builtin_forms_present_and_unique() -> None:
    ids = [t.id for t in list_forms()]
    assert len(ids) == len(set(ids))
    assert REQUIRED_FORMS <= set(ids)


def test_every_template_is_complete() -> None:
    for t in list_forms():
        assert t.title and t.version and t.transfer_type
        assert t.checklist, t.id
        assert any(f.required for f in t.fields), t.id
        assert all(f.label and f.source for f in t.fields), t.id


def test_every_source_resolves_in_the_schema() -> None:
    from nlp.factsheet import extended_schema

    # the exchange format plus the keys casefile adds to it (addresses, counsel…)
    schema = extended_schema(json.loads(shared_file("schemas/factsheet.schema.json").read_text(encoding="utf-8")))
    for t in list_forms():
        for f in t.fields:
            assert schema_check(schema, f.source) is None, (t.id, f.name, f.source)


def test_schema_check_notices_a_wrong_path() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "array", "items": {
        "type": "object", "properties": {"m": {"type": "string"}}}}}}
    assert schema_check(schema, "a[0].m") is None
    assert schema_check(schema, "a[m=x].m") is None
    assert schema_check(schema, "a[0].zz") is not None
    assert schema_check(schema, "a[q=x].m") is not None
    assert schema_check(schema, "a.m") is not None


def test_unknown_form_names_the_ids() -> None:
    with pytest.raises(CasefileError) as exc:
        get_form("no_such_form")
    assert exc.value.code == "form_unknown"
    assert "community_correction" in exc.value.message and exc.value.hint


@pytest.mark.parametrize("body, why", [
    ('id = "x"\n', "missing"),
    ('id = "Bad-Id"\ntitle="t"\nversion="1"\nfrom_agency_kind="a"\nto_agency_kind="b"\n'
     'transfer_type="t"\n[[fields]]\nname="n"\nlabel="l"\ntype="text"\nsource="case_number"\n', "id"),
    ('id = "x"\ntitle="t"\nversion="1"\nfrom_agency_kind="a"\nto_agency_kind="b"\n'
     'transfer_type="t"\n[[fields]]\nname="n"\nlabel="l"\ntype="colour"\nsource="case_number"\n', "type"),
    ('id = "x"\ntitle="t"\nversion="1"\nfrom_agency_kind="a"\nto_agency_kind="b"\n'
     'transfer_type="t"\n[[fields]]\nname="n"\nlabel="l"\ntype="text"\nsource="a[b="\n', "bad"),
])
def test_broken_template_fails_at_load(tmp_path: Path, body: str, why: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CasefileError) as exc:
        load_template(path)
    assert exc.value.code == "form_template_invalid"
    assert why in exc.value.detail


def test_forms_list_json_contract_shape() -> None:
    listed = forms_list_json()
    assert {f["id"] for f in listed} >= REQUIRED_FORMS
    for form in listed:
        assert {"id", "title", "fields"} <= set(form)
        for field in form["fields"]:
            assert {"name", "label", "required", "source"} <= set(field)
            assert isinstance(field["required"], bool)
    json.dumps(listed, ensure_ascii=False)
