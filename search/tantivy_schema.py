"""The fields of a ``TantivyIndex`` page and the version of that layout.

Shared by the three parts of the backend: ``tantivy_generations`` creates an index of this schema
and records the version beside it, ``tantivy_writing`` fills its fields, ``tantivy_querying``
searches them.
"""

from __future__ import annotations

from typing import Any

# 3: OCR-confusable characters folded in the token streams; 4: each page's analysis stored;
# 5: each page's case id, the permission filter (issue 16: never the folded case number)
SCHEMA_VERSION = 5


def schema() -> Any:
    """The tantivy schema of an indexed page (imports tantivy: call it when opening an index)."""
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("key", tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("document_id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("page", stored=True)
    sb.add_text_field("case_number", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("case_key", tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("case_id", indexed=True, fast=True)
    sb.add_text_field("filename", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("text", stored=True, indexed=False)
    sb.add_bytes_field("analysis", stored=True, indexed=False)
    sb.add_text_field("uni", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("pairs", tokenizer_name="whitespace", index_option="position")
    sb.add_text_field("ids", tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    for name in ("document_type", "agency", "charge", "defendant", "year"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_integer_field("date_ord", indexed=True, fast=True)
    return sb.build()
