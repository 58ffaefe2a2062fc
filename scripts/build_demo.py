"""Build the demo dossier files in api/demo/files from the fictional texts in api/demo/texts.

Run from the repository root after `scripts/setup.sh --dev`: `.venv/bin/python scripts/build_demo.py`.
The outputs are committed, so serving the demo needs neither fonts nor reportlab.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.dossier import paginate  # noqa: E402
from tests.support.render import render_image, render_scanned_pdf, render_text_pdf  # noqa: E402

TEXTS = ROOT / "api" / "demo" / "texts"
FILES = ROOT / "api" / "demo" / "files"


def main() -> None:
    FILES.mkdir(parents=True, exist_ok=True)
    opinion = (TEXTS / "01_起诉意见书.txt").read_text(encoding="utf-8")
    indictment = (TEXTS / "02_起诉书.txt").read_text(encoding="utf-8")
    record = (TEXTS / "03_讯问笔录.txt").read_text(encoding="utf-8")
    render_text_pdf(paginate(opinion), FILES / "01_起诉意见书.pdf", font="uming")
    render_scanned_pdf(paginate(indictment), FILES / "02_起诉书（扫描件）.pdf", font="uming", dpi=200)
    render_image(record, FILES / "03_讯问笔录（扫描件）.png", dpi=150, font="ukai")
    render_text_pdf(paginate((TEXTS / "04_到案经过.txt").read_text(encoding="utf-8")),
                    FILES / "04_到案经过.pdf", font="uming")
    render_image((TEXTS / "05_拘留证.txt").read_text(encoding="utf-8"), FILES / "05_拘留证（扫描件）.jpg",
                 fmt="JPEG", dpi=150, font="uming")
    _docx((TEXTS / "06_询问笔录.txt").read_text(encoding="utf-8"), FILES / "06_询问笔录.docx")
    (FILES / "07_户籍证明.txt").write_text(
        (TEXTS / "07_户籍证明.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    for path in sorted(FILES.iterdir()):
        print(f"{path.name}: {path.stat().st_size // 1024} KiB")


def _docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for paragraph in text.splitlines():
        document.add_paragraph(paragraph)
    document.core_properties.created = datetime(2026, 3, 1)  # reproducible output
    document.save(str(path))


if __name__ == "__main__":
    main()
