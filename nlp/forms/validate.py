"""Validation of field values, used by prefill and when a reviewer corrects a value.

- ``validate_value(spec, value, today=None)``: the problems of one value for one field.
- ``validate_field(template, field_name, value)``: the same, looked up by field name.
- ``check_form(template, values)``: rules across fields (刑事拘留 before 逮捕, ID number agrees
  with birth date and gender).

Every problem carries a stable ``code`` and a Chinese ``message``. ``None`` and ``""`` are not
problems here (absence is the prefill's ``missing`` status, not a validation error).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from nlp.charges import link_charge, nearest_charge
from nlp.forms.template import FieldSpec, FormCheck, FormTemplate
from nlp.idcard import check_id

_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


@dataclass(frozen=True)
class Problem:
    """Something wrong with a value: ``field`` (None for the whole form), ``code``, ``message``."""

    field: str | None
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


def _parse_date(value: str) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest day a (possibly partial) ISO date can mean, or None if invalid."""
    m = _DATE_RE.match(value)
    if m is None:
        return None
    y = int(m.group(1))
    try:
        if m.group(3):
            d = dt.date(y, int(m.group(2)), int(m.group(3)))
            return d, d
        if m.group(2):
            mo = int(m.group(2))
            first = dt.date(y, mo, 1)
            last = dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1)
            return first, last
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    except ValueError:
        return None


def _check_text(spec: FieldSpec, value: Any, today: dt.date) -> list[Problem]:
    if not isinstance(value, str):
        return [Problem(spec.name, "type", f"{spec.label}应为文字。")]
    if spec.pattern and not re.search(spec.pattern, value):
        return [Problem(spec.name, "pattern", f"{spec.label}“{value}”格式不正确。")]
    return []


def _check_date(spec: FieldSpec, value: Any, today: dt.date) -> list[Problem]:
    span = _parse_date(value) if isinstance(value, str) else None
    if span is None:
        return [Problem(spec.name, "date_invalid",
                        f"{spec.label}“{value}”不是有效日期（应为 YYYY-MM-DD）。")]
    if spec.not_future and span[0] > today:
        return [Problem(spec.name, "date_future", f"{spec.label}“{value}”晚于今天。")]
    if span[1].year < 1900:
        return [Problem(spec.name, "date_invalid", f"{spec.label}“{value}”早于 1900 年。")]
    return []


_ID_MESSAGES = {
    "format": "应为 18 位（前 17 位数字，末位数字或 X）",
    "check_char": "校验码不正确",
    "birth_date_invalid": "其中的出生日期无效",
}


def _check_id_number(spec: FieldSpec, value: Any, today: dt.date) -> list[Problem]:
    if not isinstance(value, str):
        return [Problem(spec.name, "type", f"{spec.label}应为文字。")]
    return [
        Problem(spec.name, f"id_{p}", f"{spec.label}“{value}”{_ID_MESSAGES[p]}。")
        for p in check_id(value).problems
    ]


def _check_enum(spec: FieldSpec, value: Any, today: dt.date) -> list[Problem]:
    if value not in spec.choices:
        allowed = "、".join(spec.choices)
        return [Problem(spec.name, "enum", f"{spec.label}“{value}”不是可选值（{allowed}）。")]
    return []


def _check_number(spec: FieldSpec, value: Any, today: dt.date) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return [Problem(spec.name, "type", f"{spec.label}应为数字。")]
    if spec.minimum is not None and value < spec.minimum:
        return [Problem(spec.name, "range", f"{spec.label}{value:g}小于{spec.minimum:g}。")]
    if spec.maximum is not None and value > spec.maximum:
        return [Problem(spec.name, "range", f"{spec.label}{value:g}大于{spec.maximum:g}。")]
    return []


def _check_list(spec: FieldSpec, value: Any, today: dt.date) -> list[Problem]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [Problem(spec.name, "type", f"{spec.label}应为文字列表。")]
    if spec.vocabulary == "charges":
        return [_unknown_charge(spec, v) for v in value if not v.endswith("罪") or link_charge(v) is None]
    if spec.pattern:
        bad = [v for v in value if not re.search(spec.pattern, v)]
        if bad:
            return [Problem(spec.name, "pattern", f"{spec.label}中“{'、'.join(bad)}”格式不正确。")]
    return []


def _unknown_charge(spec: FieldSpec, value: str) -> Problem:
    # The message names the one item and how items are entered: a selective charge split at its
    # 、 into pieces was the common slip (issue #18), and each piece is reported on its own.
    whole = value if value.endswith("罪") else value + "罪"
    near = link_charge(whole) or nearest_charge(whole)
    advice = (f"是否为“{near}”？" if near else "请按罪名表填写完整罪名。") + "每行一个罪名，选择性罪名整体填写为一行。"
    return Problem(spec.name, "charge_unknown", f"{spec.label}中“{value}”不是罪名表中的罪名。{advice}")


def _check_bool(spec: FieldSpec, value: Any, today: dt.date) -> list[Problem]:
    if not isinstance(value, bool):
        return [Problem(spec.name, "type", f"{spec.label}应为“是”或“否”。")]
    return []


# One checker per field type; FIELD_TYPES in template.py lists the same names.
TYPE_CHECKS: dict[str, Callable[[FieldSpec, Any, dt.date], list[Problem]]] = {
    "text": _check_text,
    "date": _check_date,
    "id_number": _check_id_number,
    "enum": _check_enum,
    "number": _check_number,
    "list": _check_list,
    "bool": _check_bool,
}


def is_empty(value: Any) -> bool:
    """True for the values that mean "not stated": None, "", []."""
    return value is None or value == "" or value == []


def validate_value(spec: FieldSpec, value: Any, *, today: dt.date | None = None) -> list[Problem]:
    """Problems of ``value`` for ``spec`` (empty list: valid or empty)."""
    if is_empty(value):
        return []
    return TYPE_CHECKS[spec.type](spec, value, today or dt.date.today())


def validate_field(
    template: FormTemplate, field_name: str, value: Any, *, today: dt.date | None = None
) -> list[Problem]:
    """Problems of a reviewer's value for ``field_name``; unknown field → CasefileError."""
    return validate_value(template.field(field_name), value, today=today)


def _date_order(template: FormTemplate, check: FormCheck, values: Mapping[str, Any]) -> list[Problem]:
    earlier, later = check.fields
    a, b = values.get(earlier), values.get(later)
    if not (isinstance(a, str) and isinstance(b, str)):
        return []
    span_a, span_b = _parse_date(a), _parse_date(b)
    if span_a is None or span_b is None or span_a[0] <= span_b[1]:
        return []
    la, lb = template.field(earlier).label, template.field(later).label
    message = check.message or f"{la}应早于{lb}。"
    return [Problem(f, "date_order", f"{message}（{la}{a}，{lb}{b}）") for f in check.fields]


def _id_matches(template: FormTemplate, check: FormCheck, values: Mapping[str, Any]) -> list[Problem]:
    id_field, birth_field, gender_field = check.fields
    number = values.get(id_field)
    if not isinstance(number, str):
        return []
    result = check_id(number, values.get(birth_field) or None, values.get(gender_field) or None)
    out = []
    if "birth_date_mismatch" in result.problems:
        msg = f"身份证号码中的出生日期（{result.birth_date}）与出生日期“{values.get(birth_field)}”不一致。"
        out += [Problem(id_field, "id_birth_date_mismatch", msg),
                Problem(birth_field, "id_birth_date_mismatch", msg)]
    if "gender_mismatch" in result.problems:
        msg = f"身份证号码显示性别为{result.gender}，与性别“{values.get(gender_field)}”不一致。"
        out += [Problem(id_field, "id_gender_mismatch", msg),
                Problem(gender_field, "id_gender_mismatch", msg)]
    return out


FORM_CHECKS: dict[str, Callable[[FormTemplate, FormCheck, Mapping[str, Any]], list[Problem]]] = {
    "date_order": _date_order,
    "id_matches": _id_matches,
}


def check_form(template: FormTemplate, values: Mapping[str, Any]) -> list[Problem]:
    """Problems across fields of ``values`` (field name → value) per the template's checks."""
    problems: list[Problem] = []
    for check in template.checks:
        problems.extend(FORM_CHECKS[check.kind](template, check, values))
    return problems


def validate_form(
    template: FormTemplate, values: Mapping[str, Any], *, today: dt.date | None = None
) -> list[Problem]:
    """Every problem of a reviewed form: each value's own, then the cross-field checks.

    A required field left empty is a problem here (``required``): a reviewed form is final.
    """
    problems: list[Problem] = []
    for spec in template.fields:
        value = values.get(spec.name)
        if spec.required and is_empty(value):
            problems.append(Problem(spec.name, "required", f"{spec.label}为必填项。"))
        problems.extend(validate_value(spec, value, today=today))
    return problems + check_form(template, values)
