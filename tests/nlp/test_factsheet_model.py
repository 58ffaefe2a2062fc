"""The typed fact sheet (models.factsheet): its schema is the shared contract, its JSON is unchanged.

``golden/factsheets.jsonl`` holds the JSON that ``nlp.factsheet`` wrote before the model existed
(built by hand as values plus a parallel evidence dict); the sheets built through the model must
write the same bytes, key order included.
"""

import json
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import ValidationError

from models.factsheet import FactSheet, exchange_schema
from models.page import Line, PageContent
from nlp import factsheet
from tests.nlp.fixtures import (
    AFFIRMED,
    DETENTION_WARRANT,
    INDICTMENT,
    JUDGMENT,
    PRIVATE_PROSECUTION,
    PROBATION_REVOKED,
    SECOND_INSTANCE,
    ocr_pages,
)

SCHEMA = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas" / "factsheet.schema.json"
GOLDEN = Path(__file__).with_name("golden") / "factsheets.jsonl"

# Beyond the fixtures: a prior with its official charge, an administrative penalty, an ID number
# with a problem, a vehicle plate, a blood alcohol reading, an alias and defence counsel.
_DETAILED = (
    "江南省青石市河东区人民法院\n刑事判决书\n（2021）江0102刑初77号\n"
    "公诉机关青石市河东区人民检察院。\n"
    "被告人王大力（绰号“大王”），男，1985年11月5日出生，汉族，身份证号码110101198511050011，"
    "住青石市河东区。2015年3月2日因犯贩卖毒品罪被青石市河东区人民法院判处有期徒刑一年。"
    "2019年4月1日因吸毒被行政拘留十日。因涉嫌危险驾驶罪于2021年1月5日被刑事拘留，同月29日被逮捕。\n"
    "辩护人李明，江南某律师事务所律师。\n"
    "青石市河东区人民检察院指控，2021年1月4日，被告人王大力醉酒后驾驶湘A12345号小型轿车，"
    "经鉴定血液中乙醇含量为182.5mg/100ml。被告人王大力自愿认罪认罚。\n"
    "本院认为，被告人王大力犯危险驾驶罪。\n"
    "判决如下：\n被告人王大力犯危险驾驶罪，判处拘役四个月，并处罚金人民币六千元。\n"
    "审判员 某某\n二〇二一年三月一日\n"
)


def _boxed_pages(text: str, per_page: int = 160, per_line: int = 23) -> list[PageContent]:
    """Pages whose line boxes are integers, as some readers give them (a box keeps its JSON type)."""
    pages = []
    for number, p0 in enumerate(range(0, len(text), per_page), start=1):
        chunk = text[p0:p0 + per_page]
        lines = [Line(chunk[lo:lo + per_line], [10, 20 + 30 * row, 10 + 20 * len(chunk[lo:lo + per_line]), 45 + 30 * row],
                      0.93, lo, lo + len(chunk[lo:lo + per_line]))
                 for row, lo in enumerate(range(0, len(chunk), per_line))]
        pages.append(PageContent(number, 1240, 1754, "ocr", chunk, lines))
    return pages


def _cases(module: ModuleType) -> list[tuple[str, Callable[[], dict[str, Any]]]]:
    """The sheets the golden file holds, built by ``module`` (an ``nlp.factsheet``, old or new)."""
    text, facts = module.extract_text, module.extract_facts
    cases: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        (name, partial(text, src, document_id=7))
        for name, src in (("judgment", JUDGMENT), ("indictment", INDICTMENT), ("second_instance", SECOND_INSTANCE),
                          ("private_prosecution", PRIVATE_PROSECUTION), ("probation_revoked", PROBATION_REVOKED),
                          ("detention_warrant", DETENTION_WARRANT), ("affirmed", AFFIRMED), ("detailed", _DETAILED),
                          ("empty", ""))
    ]
    cases += [
        ("judgment_ocr", lambda: facts(ocr_pages(JUDGMENT, JUDGMENT.index("本院认为"), line_len=17), document_id=3)),
        ("detailed_int_boxes", lambda: facts(_boxed_pages(_DETAILED), document_id=5)),
        ("no_pages", lambda: facts([])),
    ]
    return cases


def _golden() -> dict[str, str]:
    rows = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    return {row["case"]: row["json"] for row in rows}


@pytest.mark.parametrize(("case", "build"), _cases(factsheet), ids=[c for c, _ in _cases(factsheet)])
def test_sheets_write_the_json_they_wrote_before_the_model(case: str, build: Callable[[], dict[str, Any]]) -> None:
    assert json.dumps(build(), ensure_ascii=False) == _golden()[case]


def test_the_golden_file_covers_every_kind_of_evidence() -> None:
    written = "\n".join(_golden().values())
    for key in ('"continues"', '"charge_official"', '"id_number_problems"', '"administrative_penalties": [{',
                '"vehicle_plates": ["', '"aliases": ["', '"defence_counsel": ["', '"sentence": {"principal"'):
        assert key in written, key
    # a line's integer corners stay integers next to the computed (float) ones
    boxed = json.loads(_golden()["detailed_int_boxes"])
    corners = [c for ev in boxed["defendants"][0]["evidence"]["charges"] for box in ev["boxes"] for c in box]
    assert any(type(c) is int for c in corners) and any(type(c) is float for c in corners)


@pytest.mark.parametrize(("case", "build"), _cases(factsheet), ids=[c for c, _ in _cases(factsheet)])
def test_the_exchange_format_reads_back_into_the_model(case: str, build: Callable[[], dict[str, Any]]) -> None:
    written = build()
    sheet = FactSheet.model_validate(written)
    assert json.dumps(sheet.model_dump(), ensure_ascii=False) == json.dumps(written, ensure_ascii=False)
    assert FactSheet.model_validate_json(sheet.model_dump_json()).model_dump() == written


def test_a_value_and_its_evidence_travel_together() -> None:
    pages = _boxed_pages(_DETAILED)
    sheet = factsheet.read_facts(pages, document_id=5)
    [d] = sheet.defendants
    assert d.name.value == "王大力" and d.name.evidence is not None
    by_number = {p.number: p for p in pages}
    ev = d.name.evidence
    assert by_number[ev.page].text[ev.start:ev.end] == ev.text == "王大力"
    assert sheet.model_dump()["defendants"][0]["evidence"]["name"] == ev.model_dump()
    assert d.sentence is not None and d.sentence.principal.value == "拘役"
    assert sheet.vehicle_plates[0].value == "湘A12345"


def test_the_model_refuses_what_the_contract_forbids() -> None:
    written = factsheet.extract_text(JUDGMENT)
    for broken in ({**written, "procedure": "快速程序"},
                   {**written, "defendants": [{**written["defendants"][0], "birth_date": "7 March 1990"}]},
                   {**written, "defendants": [{**written["defendants"][0], "gender": "M"}]}):
        with pytest.raises(ValidationError):
            FactSheet.model_validate(broken)


# ---- the generated schema against the shared contract ----

def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _shape(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """What a schema allows, in one spelling: JSON types, enum, pattern, object keys, array items.

    ``integer`` reads as ``number`` (JSON has one number type); an ``enum`` with null allows null.
    """
    schema = _resolve(schema, root)
    branches = [_resolve(b, root) for b in schema.get("anyOf", [schema])]
    types: set[str] = set()
    enum: set[Any] = set()
    shape: dict[str, Any] = {}
    for branch in branches:
        kinds = branch.get("type", [])
        types.update("number" if t == "integer" else t for t in ([kinds] if isinstance(kinds, str) else kinds))
        if "enum" in branch:
            enum.update(branch["enum"])
            types.update("null" if v is None else "string" for v in branch["enum"])
        if "pattern" in branch:
            shape["pattern"] = branch["pattern"]
        if "properties" in branch:
            shape["required"] = set(branch.get("required", []))
            shape["properties"] = {k: _shape(v, root) for k, v in branch["properties"].items()}
        if "items" in branch:
            shape["items"] = _shape(branch["items"], root)
    shape["types"] = types
    if enum:
        shape["enum"] = enum - {None}
    return shape


def _contract_part(model: dict[str, Any], contract: dict[str, Any], path: str) -> list[str]:
    """Where ``model`` allows other than ``contract`` on the keys the contract declares."""
    errors = [f"{path}: {key} {model.get(key)!r} != {contract.get(key)!r}"
              for key in ("types", "enum", "pattern") if model.get(key) != contract.get(key)]
    if "properties" in contract:
        missing = contract["required"] - model.get("required", set())
        errors += [f"{path}: {key} not required" for key in sorted(missing)]
        for key, sub in contract["properties"].items():
            if key not in model.get("properties", {}):
                errors.append(f"{path}.{key}: not declared")
            else:
                errors += _contract_part(model["properties"][key], sub, f"{path}.{key}")
    if "items" in contract:
        errors += _contract_part(model.get("items", {}), contract["items"], f"{path}[]")
    return errors


@pytest.fixture(scope="module")
def contract() -> dict[str, Any]:
    if not SCHEMA.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"schema missing at {SCHEMA} (CI=true)")
        pytest.skip(f"schema not found at {SCHEMA}")
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def test_the_generated_schema_is_the_shared_contract(contract: dict[str, Any]) -> None:
    generated = exchange_schema()
    assert _contract_part(_shape(generated, generated), _shape(contract, contract), "$") == []


def test_the_generated_schema_declares_the_extra_keys_as_documented(contract: dict[str, Any]) -> None:
    generated = _shape(exchange_schema(), exchange_schema())
    wider = factsheet.extended_schema(contract)
    documented = _shape(wider, wider)
    for level, keys in factsheet.EXTRA_KEYS.items():
        ours = generated if level == "document" else generated["properties"]["defendants"]["items"]
        theirs = documented if level == "document" else documented["properties"]["defendants"]["items"]
        for key in keys:
            # the model may be stricter: document_date is checked as an ISO date
            declared = {k: v for k, v in ours["properties"][key].items() if k != "pattern"}
            assert _contract_part(declared, theirs["properties"][key], key) == []


def test_the_schema_check_sees_a_drift(contract: dict[str, Any]) -> None:
    generated = exchange_schema()
    generated["$defs"]["DefendantSheet"]["properties"]["gender"]["anyOf"][0]["enum"].append("未知")
    generated["required"].remove("court")
    errors = _contract_part(_shape(generated, generated), _shape(contract, contract), "$")
    assert len(errors) == 2, errors
