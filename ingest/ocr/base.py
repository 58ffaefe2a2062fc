"""The OCR engine contract: one image in, boxes of recognised text out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PIL import Image

Point = tuple[float, float]


@dataclass(frozen=True)
class OcrBox:
    """One recognised text fragment.

    ``points`` is the quadrilateral (clockwise from top-left) in pixels of the image given to the
    engine; ``confidence`` is in ``[0, 1]``.
    """

    text: str
    points: tuple[Point, Point, Point, Point]
    confidence: float

    @property
    def bbox(self) -> list[float]:
        """The axis-aligned ``[x0, y0, x1, y1]`` enclosing ``points``."""
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return [min(xs), min(ys), max(xs), max(ys)]

    @classmethod
    def from_xyxy(cls, text: str, box: list[float], confidence: float) -> OcrBox:
        """Build a box from an axis-aligned ``[x0, y0, x1, y1]``."""
        x0, y0, x1, y1 = (float(v) for v in box)
        return cls(text, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), confidence)


@runtime_checkable
class OcrEngine(Protocol):
    """Recognises text on one page image; built by the registry, reused for many pages.

    ``upright_only`` declares how the engine copes with a page turned by 90/180/270 degrees
    (``ingest.ocr.orientation``): ``True`` when it reads only upright pages, so each page is
    turned upright before it sees it (``ingest.ocr.pageturn``, ~40 ms a page); ``False`` when its
    boxes show the turn (a page turned by a quarter comes back as tall boxes, one upside down
    with low confidence), so only a page that looks turned is recognised again, upright.
    """

    @property
    def name(self) -> str:
        """The engine's registry name (stored with each page it read)."""
        ...

    @property
    def upright_only(self) -> bool:
        """Whether the engine reads only upright pages (see the class docstring)."""
        ...

    def recognize(self, image: Image.Image) -> list[OcrBox]:
        """Text fragments found on ``image`` (any order); ``[]`` when there is none.

        Raises ``CasefileError(OCR_FAILED)`` when the engine itself fails.
        """
        ...


@dataclass(frozen=True)
class EngineStatus:
    """Whether an engine can be used here, and if not, what installs it."""

    name: str
    available: bool
    hint: str


@dataclass(frozen=True)
class EngineSpec:
    """How an engine module declares an engine: ``ENGINES = (EngineSpec(...),)``.

    ``build(threads)`` loads it (and may raise ``OCR_ENGINE_UNAVAILABLE``);
    ``unavailable_reason()`` is a cheap check that loads nothing (``None``: usable);
    ``install_hint`` is the command that makes it usable.
    """

    name: str
    build: Callable[[int], OcrEngine]
    unavailable_reason: Callable[[], str | None]
    install_hint: str
