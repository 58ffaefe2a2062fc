"""The fact-sheet path language used by form fields' ``source``.

Grammar (whitespace not allowed)::

    path    := step ("." step)*
    step    := NAME selector*
    selector:= "[" INT "]"            # list index, 0-based
             | "[" NAME "=" VALUE "]" # first list item whose NAME equals VALUE (as text)

Examples: ``case_number``, ``defendants[0].birth_date``, ``defendants[0].charges``,
``defendants[0].custody_events[measure=逮捕].date``, ``defendants[0].sentence.probation_months``.

``resolve(facts, path)`` returns a :class:`Resolved` with the value and the *concrete* route
(filters replaced by the index they matched), which :func:`evidence_for` uses to find the
evidence the extraction stored beside the value. A path that leads nowhere (missing key, index
out of range, no item matches, ``null`` on the way) resolves to ``value=None``; it never raises.
Only a malformed path raises :class:`PathSyntaxError`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from models.factsheet import FactSheetJSON

_STEP_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\[\]]+\])*)")
_SEL_RE = re.compile(r"\[([^\[\]]+)\]")


class PathSyntaxError(ValueError):
    """A source path that does not follow the grammar (a template bug, caught by the loader)."""


@dataclass(frozen=True)
class Key:
    """Object member ``name``."""

    name: str


@dataclass(frozen=True)
class Index:
    """List item at ``index``."""

    index: int


@dataclass(frozen=True)
class Match:
    """First list item whose member ``key`` equals ``value`` (compared as text)."""

    key: str
    value: str


Step = Key | Index | Match


@dataclass(frozen=True)
class Resolved:
    """Outcome of a lookup: ``value`` (None when absent) and the concrete route taken."""

    value: Any
    route: tuple[str | int, ...]
    found: bool


@functools.lru_cache(maxsize=4096)
def parse(path: str) -> tuple[Step, ...]:
    """The steps of ``path``; raises :class:`PathSyntaxError` when malformed.

    Cached: templates name the same few hundred paths for every form (steps are immutable).
    """
    if not path:
        raise PathSyntaxError("empty path")
    steps: list[Step] = []
    for part in path.split("."):
        m = _STEP_RE.fullmatch(part)
        if m is None:
            raise PathSyntaxError(f"bad step {part!r} in {path!r}")
        steps.append(Key(m.group(1)))
        for sel in _SEL_RE.findall(m.group(2)):
            if sel.isdigit():
                steps.append(Index(int(sel)))
            elif "=" in sel:
                key, _, value = sel.partition("=")
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) or not value:
                    raise PathSyntaxError(f"bad filter [{sel}] in {path!r}")
                steps.append(Match(key, value))
            else:
                raise PathSyntaxError(f"bad selector [{sel}] in {path!r}")
    return tuple(steps)


def with_defendant(path: str, index: int) -> str:
    """``path`` with its leading ``defendants[0]`` pointed at defendant ``index``.

    Templates are written for "the defendant of this form" as ``defendants[0]``; one form is
    made per defendant by re-pointing that first index.
    """
    prefix = "defendants[0]"
    if path.startswith(prefix):
        return f"defendants[{index}]" + path[len(prefix):]
    return path


def is_per_defendant(path: str) -> bool:
    """True when the path reads from a defendant (and so differs per defendant)."""
    return path.startswith("defendants[")


def resolve(facts: Any, path: str | tuple[Step, ...]) -> Resolved:
    """Follow ``path`` through ``facts`` (dicts and lists); see module doc."""
    steps = parse(path) if isinstance(path, str) else path
    node: Any = facts
    route: list[str | int] = []
    for step in steps:
        if isinstance(step, Key):
            if not isinstance(node, dict) or step.name not in node:
                return Resolved(None, tuple(route), False)
            node = node[step.name]
            route.append(step.name)
        elif isinstance(step, Index):
            if not isinstance(node, list) or step.index >= len(node):
                return Resolved(None, tuple(route), False)
            node = node[step.index]
            route.append(step.index)
        else:
            if not isinstance(node, list):
                return Resolved(None, tuple(route), False)
            for i, item in enumerate(node):
                if isinstance(item, dict) and str(item.get(step.key)) == step.value:
                    node = item
                    route.append(i)
                    break
            else:
                return Resolved(None, tuple(route), False)
    return Resolved(node, tuple(route), True)


def resolve_all(facts: Any, path: str | tuple[Step, ...]) -> list[Resolved]:
    """Every place ``path`` leads to when each filter may match several items.

    Used to notice that a filter is ambiguous (two 逮捕 with different dates): ``resolve``
    alone would silently take the first. Returns only lookups that were found.
    """
    steps = parse(path) if isinstance(path, str) else path
    frontier: list[tuple[Any, tuple[str | int, ...]]] = [(facts, ())]
    for step in steps:
        nxt: list[tuple[Any, tuple[str | int, ...]]] = []
        for node, route in frontier:
            if isinstance(step, Match):
                if isinstance(node, list):
                    nxt.extend(
                        (item, (*route, i)) for i, item in enumerate(node)
                        if isinstance(item, dict) and str(item.get(step.key)) == step.value
                    )
            else:
                r = resolve(node, (step,))
                if r.found:
                    nxt.append((r.value, route + r.route))
        frontier = nxt
    return [Resolved(value, route, True) for value, route in frontier]


def evidence_for(facts: FactSheetJSON, route: tuple[str | int, ...]) -> Any:
    """The evidence stored for the value at ``route``, or None.

    The extraction keeps evidence in an ``evidence`` member of the nearest enclosing object
    (the sheet for case-level keys, each defendant for its own keys), under the same route
    relative to that object: ``defendants[1].sentence.term_months`` is evidenced at
    ``defendants[1].evidence.sentence.term_months``.
    """
    node: Any = facts
    holder: tuple[Any, int] | None = None
    for depth, step in enumerate(route):
        if isinstance(node, dict) and isinstance(node.get("evidence"), dict):
            holder = (node["evidence"], depth)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    if holder is None:
        return None
    ev, start = holder
    for step in route[start:]:
        if isinstance(step, str) and isinstance(ev, dict) and step in ev:
            ev = ev[step]
        elif isinstance(step, int) and isinstance(ev, list) and step < len(ev):
            ev = ev[step]
        else:
            return None
    return ev


def schema_check(schema: dict[str, Any], path: str) -> str | None:
    """Why ``path`` does not exist in the JSON ``schema`` (None when it does).

    Follows ``properties``, ``items`` and local ``$ref``s; filters must name a property of
    the list's items.
    """
    defs = schema.get("$defs", {})

    def deref(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        return node

    node = deref(schema)
    for step in parse(path):
        if isinstance(step, Key):
            props = node.get("properties", {})
            if step.name not in props:
                return f"{step.name!r} is not a property"
            node = deref(props[step.name])
        else:
            if "items" not in node:
                return f"{step} applied to a non-list"
            node = deref(node["items"])
            if isinstance(step, Match) and step.key not in node.get("properties", {}):
                return f"filter key {step.key!r} is not a property of the items"
    return None
