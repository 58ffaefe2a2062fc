"""What every pool process needs for text pages, loaded once in the worker before it forks them.

Prefork children inherit the parent's memory: the jieba dictionary and the fact-extraction
pipeline loaded here are shared by them (copy on write) instead of being loaded again in each,
which cost each child 1–5 s before its first document could be finished (issue #19). The OCR
models are not loaded here: onnxruntime's thread pools do not survive a fork.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def warm_text_pipeline() -> None:
    """Import the page readers and the index, and load jieba and the fact pipeline (seconds)."""
    import pypdfium2  # noqa: F401 - imported to be inherited
    import tantivy  # noqa: F401

    import ingest.reading.pdf  # noqa: F401
    import nlp.factsheet  # noqa: F401
    from nlp.pipeline import load_pipeline
    from search.analysis import index_words

    index_words("预热")  # loads jieba's dictionary
    load_pipeline()("预热")
    log.debug("text pipeline loaded before forking the pool")
