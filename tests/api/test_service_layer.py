"""The service layer (``api/services``, issue #20 step 4) stands below the HTTP and CLI modules.

``../shared/tools/import_graph.py`` sees all of ``api`` as one floor, so the line inside it is
checked here: a service module imports no web framework and no ``api`` module outside
``api.services`` (imports inside functions included).
"""

from __future__ import annotations

import ast
from pathlib import Path

from api.policy import ROLE_ACTIONS
from api.services.users import ROLES

SERVICES = Path(__file__).resolve().parents[2] / "api" / "services"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_service_modules_import_no_http_module() -> None:
    modules = sorted(SERVICES.glob("*.py"))
    assert {p.stem for p in modules} >= {"transfers", "users", "lookups", "catalogue"}
    wrong = {
        f"{path.stem} -> {name}"
        for path in modules
        for name in _imports(path)
        if name.split(".")[0] in {"fastapi", "starlette", "uvicorn", "typer"}
        or (name.split(".")[0] == "api" and not name.startswith("api.services"))
    }
    assert not wrong


def test_every_role_has_its_actions() -> None:
    assert set(ROLES) == set(ROLE_ACTIONS)
