"""spaCy components of the fact-extraction pipeline (registered on import of this package)."""

from nlp.components.facts import (
    DEFENDANTS_COMPONENT,
    DOCUMENT_COMPONENT,
    SECTIONS_COMPONENT,
)

__all__ = ["DEFENDANTS_COMPONENT", "DOCUMENT_COMPONENT", "SECTIONS_COMPONENT"]
