"""Every third-party module the shipped packages import comes with the runtime install.

``pip install casefile`` (no ``[dev]``) must bring everything ``core``, ``ingest``, ``nlp``,
``search``, ``api`` and ``models`` import, including imports inside functions, which run only on
some paths (issue #20: ``ingest.supervise._kill_tree`` imported psutil, a development
dependency, so stopping a worker in a runtime-only install raised ModuleNotFoundError and left
orphan processes). The test reads the imports from the source and resolves the installed
distributions that the runtime requirements pull in, transitively, with their extras.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[2]
SHIPPED = ("core", "ingest", "nlp", "search", "api", "models")
# Optional engines a site installs itself; each declares itself unavailable, with the install
# command, when its package is missing (ingest/ocr/registry.py).
OPTIONAL = {"paddleocr": "the paddleocr engine (.venv-paddle, scripts/setup.sh --paddle)"}


def _imports(path: Path) -> Iterator[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


def _runtime_closure() -> set[str]:
    """Canonical names of the distributions a runtime install of casefile brings."""
    seen: set[str] = set()
    done: set[tuple[str, frozenset[str]]] = set()
    pending: list[tuple[str, frozenset[str]]] = [("casefile", frozenset())]
    while pending:
        name, extras = pending.pop()
        key = canonicalize_name(name)
        if (key, extras) in done:
            continue
        done.add((key, extras))
        seen.add(key)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # an optional platform dependency not installed here
        for line in requires:
            requirement = Requirement(line)
            marker = requirement.marker
            # the base requirements (extra "") and those of each extra asked for
            if marker is None or any(marker.evaluate({"extra": e}) for e in {"", *extras}):
                pending.append((requirement.name, frozenset(requirement.extras)))
    return seen


def test_issue20_shipped_code_imports_only_runtime_dependencies() -> None:
    providers = metadata.packages_distributions()
    closure = _runtime_closure()
    local = set(SHIPPED) | {"tests", "bench", "scripts"}
    missing = []
    for package in SHIPPED:
        for path in sorted((REPO / package).rglob("*.py")):
            for module, line in _imports(path):
                if module in sys.stdlib_module_names or module in local or module == "__future__" or module in OPTIONAL:
                    continue
                distributions = {canonicalize_name(d) for d in providers.get(module, [])}
                if not distributions & closure:
                    where = ", ".join(sorted(distributions)) or "no installed distribution"
                    missing.append(f"{path.relative_to(REPO)}:{line} imports {module} ({where})")
    assert not missing, "imports a runtime install lacks:\n" + "\n".join(missing)


def test_closure_sees_extras_and_leaves_out_dev() -> None:
    closure = _runtime_closure()
    assert "sqlalchemy" in closure and "tantivy" in closure
    assert "uvloop" in closure or sys.platform == "win32"  # from uvicorn[standard]
    assert "pytest" not in closure and "mypy" not in closure  # the [dev] extra is not runtime
