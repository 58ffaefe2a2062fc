"""The fact-extraction pipeline: a blank ``zh`` spaCy pipeline with jieba and our components.

``load_pipeline()`` builds it once per process (lazily, on first call) and returns the same
:class:`spacy.Language` afterwards. Nothing is downloaded: the pipeline has no trained model.
"""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

from core.jieba_dictionary import use_fast_cache_reading
from nlp.components import DEFENDANTS_COMPONENT, DOCUMENT_COMPONENT, SECTIONS_COMPONENT


@functools.cache
def load_pipeline() -> Language:
    """Return the shared pipeline (built on first use)."""
    use_fast_cache_reading()  # spaCy's jieba segmenter loads jieba's dictionary on first use
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe(SECTIONS_COMPONENT)
    nlp.add_pipe(DOCUMENT_COMPONENT)
    nlp.add_pipe(DEFENDANTS_COMPONENT)
    return nlp
