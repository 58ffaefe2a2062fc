"""Plugins that declare themselves: one module per OCR engine, document reader or search backend.

A plugin module lives in its family's package and declares what it offers in one module-level
tuple (``ENGINES``, ``READERS``, ``BACKENDS``) of specs, each with a ``name``. The family's registry
(``ingest.ocr.registry``, ``ingest.reading.documents``, ``search.registry``) is a ``PluginRegistry``
that finds them by importing every module of the package (``pkgutil``) on first use, so adding a
plugin is adding one module, built in or later. Plugin modules must be cheap to import (libraries
and models load when a plugin is first used).

Runs in any process; discovery happens once per process (``reset`` forgets it, for tests).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Generic, Protocol, TypeVar


class Named(Protocol):
    """What every plugin spec has."""

    @property
    def name(self) -> str: ...


SpecT = TypeVar("SpecT", bound=Named)


class PluginRegistry(Generic[SpecT]):
    """The specs of one plugin family, by name.

    ``package``: the dotted package whose modules are searched; ``attribute``: the module-level
    tuple of specs each plugin module declares. Specs registered by hand (``register``) take
    precedence over discovered ones of the same name.
    """

    def __init__(self, package: str, attribute: str) -> None:
        self.package = package
        self.attribute = attribute
        self._found: dict[str, SpecT] | None = None
        self._added: dict[str, SpecT] = {}
        self._removed: set[str] = set()

    def _discover(self) -> dict[str, SpecT]:
        if self._found is None:
            found: dict[str, SpecT] = {}
            where: dict[str, str] = {}
            package = importlib.import_module(self.package)
            for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
                module_name = f"{self.package}.{info.name}"
                module = importlib.import_module(module_name)
                declared = getattr(module, self.attribute, ())
                if not isinstance(declared, tuple):
                    raise TypeError(f"{module_name}.{self.attribute} must be a tuple of specs")
                for spec in declared:
                    if spec.name in found:
                        # two modules claiming one name is a programming error, never a choice
                        raise RuntimeError(
                            f"{self.package}: plugin {spec.name!r} declared by both "
                            f"{where[spec.name]} and {module_name}"
                        )
                    found[spec.name] = spec
                    where[spec.name] = module_name
            self._found = found
        return self._found

    def specs(self) -> dict[str, SpecT]:
        """Every spec by name: discovered ones, then those registered by hand."""
        merged = {n: s for n, s in self._discover().items() if n not in self._removed}
        merged.update(self._added)
        return merged

    def names(self) -> list[str]:
        """The known names, sorted."""
        return sorted(self.specs())

    def get(self, name: str) -> SpecT | None:
        """The spec called ``name``, or ``None``."""
        return self.specs().get(name)

    def register(self, spec: SpecT) -> None:
        """Add (or replace) a spec without a module of its own (tests; plugins built at run time)."""
        self._removed.discard(spec.name)
        self._added[spec.name] = spec

    def unregister(self, name: str) -> None:
        """Remove ``name``, whether registered by hand or discovered."""
        self._added.pop(name, None)
        self._removed.add(name)

    def reset(self) -> None:
        """Forget discovered plugins and hand-made changes; the next lookup searches again."""
        self._found = None
        self._added.clear()
        self._removed.clear()
