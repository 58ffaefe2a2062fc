"""The page contract, as the readers have always imported it: it lives in ``models.page``.

Every floor shares pages (nlp reads them, search boxes its hits), so the types sit on the
ground floor; this module keeps the readers' imports short.
"""

from models.page import LOW_CONFIDENCE, Line, PageContent, PageSource, span_boxes

__all__ = ["LOW_CONFIDENCE", "Line", "PageContent", "PageSource", "span_boxes"]
