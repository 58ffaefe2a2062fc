"""The unit every extractor returns: a value and where it was read (normalised offsets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Found:
    """``value`` read from ``[start, end)`` of the normalised text, with a confidence in 0..1."""

    value: Any
    start: int
    end: int
    confidence: float = 0.9
