"""Fact sheets satisfy shared/schemas/factsheet.schema.json.

Checked with a small validator for the keywords that schema uses, so no extra package is needed.
"""

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from nlp.factsheet import extended_schema, extract_facts, extract_text
from tests.nlp.fixtures import INDICTMENT, JUDGMENT, PRIVATE_PROSECUTION, PROBATION_REVOKED

SCHEMA = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas" / "factsheet.schema.json"
_TYPES = {"string": str, "number": (int, float), "boolean": bool, "object": dict, "array": list,
          "null": type(None)}


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str) -> list[str]:
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    errors: list[str] = []
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        # bool is an int in Python; JSON keeps them apart.
        ok = any(
            isinstance(value, bool) if t == "boolean"
            else isinstance(value, _TYPES[t]) and not isinstance(value, bool)
            for t in names
        )
        if not ok:
            return [f"{path}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        errors += [f"{path}: missing {k}" for k in schema.get("required", []) if k not in value]
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                errors += _check(value[key], sub, root, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += _check(item, schema["items"], root, f"{path}[{i}]")
    return errors


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    if not SCHEMA.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"schema missing at {SCHEMA} (CI=true)")
        pytest.skip(f"schema not found at {SCHEMA}")
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", [JUDGMENT, INDICTMENT, PRIVATE_PROSECUTION, PROBATION_REVOKED, ""])
def test_fact_sheets_satisfy_the_schema(schema: dict[str, Any], text: str) -> None:
    assert _check(extract_text(text), schema, schema, "$") == []
    # and the keys casefile adds have the types it declares for them
    wider = extended_schema(schema)
    assert _check(extract_text(text), wider, wider, "$") == []


def test_addresses_are_read_from_the_party_paragraph() -> None:
    first, second = extract_text(JUDGMENT)["defendants"][:2]
    assert first["address"] == "青石市河东区"
    assert first["evidence"]["address"]["text"] == "青石市河东区"
    both = extract_text("被告人范某荣，男，1971年10月30日出生于福建省长汀县，汉族，户籍地和居住地为长汀县。"
                        "因涉嫌危险驾驶罪于2018年1月23日被取保候审。")["defendants"][0]
    assert both["address"] == both["registered_residence"] == "长汀县"
    apart = extract_text("被告人林某，女，1997年2月23日出生，汉族，无业，户籍地福建省武平县，来厦暂住湖里区。"
                         "2016年5月27日因涉嫌犯容留他人吸毒罪被刑事拘留。")["defendants"][0]
    assert (apart["registered_residence"], apart["address"]) == ("福建省武平县", "湖里区")


def test_no_pages_gives_an_empty_sheet(schema: dict[str, Any]) -> None:
    sheet = extract_facts([])
    assert _check(sheet, schema, schema, "$") == []
    assert sheet["defendants"] == []


def test_validator_catches_a_broken_sheet(schema: dict[str, Any]) -> None:
    sheet = extract_text(JUDGMENT)
    sheet["procedure"] = "快速程序"
    sheet["defendants"][0]["birth_date"] = "7 March 1990"
    sheet["defendants"][1].pop("sentence")
    assert len(_check(sheet, schema, schema, "$")) == 3
