"""Build a page corpus of any size from the dev texts (``../shared/data/dev/*.jsonl``).

Texts are split into page-sized chunks at sentence ends; beyond the first round, pages are
recombined from halves of two random chunks so no two pages are identical. Pages are grouped
into documents of 3–12 pages with varied case numbers, document types, charges and dates.
Known items (``replaced``: chunk index -> the text to index instead, e.g. its OCR reading) keep
their place in the first round and are never recombined, so no other page repeats their text.
Nothing from the dev texts is written into the repository.
"""

from __future__ import annotations

import json
import random
import re
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from search.analysis import canonical_case_number
from search.base import PageRecord

PAGE_CHARS = 450
CHARGES = ["盗窃罪", "诈骗罪", "危险驾驶罪", "故意伤害罪", "抢劫罪", "寻衅滋事罪", "开设赌场罪",
           "贩卖毒品罪", "交通肇事罪", "容留他人吸毒罪", "掩饰、隐瞒犯罪所得罪", "非法拘禁罪"]
COURTS = ["粤1973", "京0105", "沪0115", "浙0102", "苏0508", "川0107", "鄂0106", "湘0104", "闽0203"]
DOC_TYPES = ["起诉书", "刑事判决书", "讯问笔录", "起诉意见书", "提请批准逮捕书"]
AGENCIES = ["公安局", "人民检察院", "人民法院"]
_SENTENCE_END = re.compile(r"(?<=[。；！？\n])")


def load_chunks(data_dir: Path) -> list[str]:
    """Page-sized chunks of every dev text, in file order."""
    chunks: list[str] = []
    for path in sorted(data_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            for line in f:
                text = json.loads(line).get("text") or ""
                page = ""
                for sentence in _SENTENCE_END.split(text):
                    if page and len(page) + len(sentence) > PAGE_CHARS:
                        chunks.append(page)
                        page = ""
                    page += sentence
                if len(page) >= 20:
                    chunks.append(page)
    return chunks


def _charges_in(text: str, rng: random.Random) -> list[str]:
    found = [c for c in CHARGES if c[:-1].split("、")[0] in text]
    return found[:2] or [rng.choice(CHARGES)]


def case_id_of(case_key: str) -> int:
    """The generated case's id (the permission filter's value), from its canonical number."""
    return zlib.crc32(case_key.encode()) & 0x7FFFFFFF


def generate_pages(
    chunks: list[str], n_pages: int, seed: int = 7, replaced: Mapping[int, str] | None = None
) -> Iterator[PageRecord]:
    """Yield ``n_pages`` pages; deterministic for a given seed and ``replaced``."""
    rng = random.Random(seed)
    replaced = replaced or {}
    mixable = [c for i, c in enumerate(chunks) if i not in replaced]
    produced = 0
    document_id = 0
    while produced < n_pages:
        document_id += 1
        year = rng.randint(2015, 2024)
        case_number = f"（{year}）{rng.choice(COURTS)}刑初{rng.randint(1, 9999)}号"
        doc_type = rng.choice(DOC_TYPES)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        n = min(rng.randint(3, 12), n_pages - produced)
        for page in range(1, n + 1):
            if produced < len(chunks):
                text = replaced.get(produced, chunks[produced])
            else:
                a, b = rng.choice(mixable), rng.choice(mixable)
                text = a[len(a) // 2 :] + b[: len(b) // 2]
            name = re.search(r"被告人([\u4e00-\u9fff]某*)", text)
            yield PageRecord(
                document_id=document_id,
                case_number=case_number,
                filename=f"doc{document_id}.pdf",
                page=page,
                text=text,
                document_type=doc_type,
                agency=rng.choice(AGENCIES),
                charges=_charges_in(text, rng),
                defendants=[name.group(1)] if name else [],
                date=date,
                case_id=case_id_of(canonical_case_number(case_number)),
            )
            produced += 1
