"""Backend-neutral preparation of a page for indexing: validated, normalised, analysed.

Runs in any process (the result is picklable), so the costly part of indexing (jieba) can be
spread over worker processes while one process writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from search.analysis import (
    analyse,
    canonical_case_number,
    canonical_value,
    index_streams,
    index_words,
    normalize_with_offsets,
    pack_analysis,
)
from search.base import PageRecord
from search.validation import check_record, date_ordinal


@dataclass
class PreparedPage:
    """A page analysed in Python, ready to become a document of any backend.

    Picklable, so pages can be prepared in worker processes.
    """

    key: str
    record: PageRecord
    case_key: str
    uni: str
    pairs: str
    ids: str
    words: str
    document_type: str | None
    agency: str | None
    charges: list[str]
    defendants: list[str]
    date_ord: int  # 0 = unknown
    analysis: bytes  # ``search.analysis.pack_analysis`` of the text: matches without analysing it again


def prepare_page(record: PageRecord) -> PreparedPage:
    """Validate and analyse one page; raises ``CasefileError(INVALID_REQUEST)`` on bad records."""
    check_record(record)
    normal = normalize_with_offsets(record.text)  # once: the streams and the stored analysis share it
    norm = normal[0]
    streams = index_streams(norm)
    return PreparedPage(
        key=f"{record.document_id}:{record.page}",
        record=record,
        case_key=canonical_case_number(record.case_number),
        uni=streams.uni,
        pairs=streams.pairs,
        ids=streams.ids,
        words=index_words(norm),
        document_type=canonical_value(record.document_type) if record.document_type else None,
        agency=canonical_value(record.agency) if record.agency else None,
        charges=sorted({canonical_value(c) for c in record.charges if c.strip()}),
        defendants=sorted({canonical_value(d) for d in record.defendants if d.strip()}),
        date_ord=date_ordinal(record.date) if record.date else 0,
        analysis=pack_analysis(analyse(record.text, normal)),
    )
