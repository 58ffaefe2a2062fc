"""Issue #20 step 5: an OCR engine, a reader or a search backend is one module that declares itself.

Each toy plugin below is written as one module file into a folder added to its family's package
path (as if dropped into ``ingest/ocr/``, ``ingest/reading/`` or ``search/backends/``): nothing
else is edited, yet settings accept its name and the registry builds it by that name.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

import ingest.ocr
import ingest.reading
import search.backends
from core.errors import OCR_ENGINE_UNAVAILABLE, SEARCH_BACKEND_UNKNOWN, CasefileError
from core.plugins import PluginRegistry
from core.settings import Settings
from ingest.context import build_context, check_plugins
from ingest.ocr.registry import ENGINE_REGISTRY, get_engine, reset_engines
from ingest.reading.documents import READER_REGISTRY, open_document
from search.base import SearchQuery
from search.registry import BACKEND_REGISTRY, open_index

TOY_ENGINE = '''
"""A toy engine: reads one fixed line on any page."""
from ingest.ocr.base import EngineSpec, OcrBox


class ToyEngine:
    name = "toy"
    upright_only = False

    def __init__(self, threads):
        self.threads = threads

    def recognize(self, image):
        return [OcrBox.from_xyxy("被告人王五", [0, 0, image.width, 20], 0.99)]


ENGINES = (EngineSpec("toy", ToyEngine, lambda: None, "pip install toy"),)
'''

TOY_BACKEND = '''
"""A toy backend: a tantivy index in a sub-folder its own option names (CASEFILE_TOY_FOLDER)."""
from pydantic_settings import BaseSettings, SettingsConfigDict

from search.base import BackendSpec


class ToyOptions(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEFILE_TOY_", extra="forbid")
    folder: str = "toy"


def open_toy(index_dir, options, for_rebuild):
    from search.tantivy_index import TantivyIndex

    return TantivyIndex(index_dir / options.folder, for_rebuild=for_rebuild)


BACKENDS = (BackendSpec("toy", ToyOptions, open_toy),)
'''

TOY_READER = '''
"""A toy reader for plain text that outweighs the built-in one and shouts."""
from ingest.reading.base import ReaderSpec
from ingest.reading.sniff import TEXT
from ingest.reading.text import TextReader


class ShoutingReader(TextReader):
    pass


READERS = (
    ReaderSpec("shouting", (TEXT,), lambda p, dpi, pages, px: ShoutingReader(p, max_pages=pages),
               weight=10),
)
'''


def _drop_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, package: object, registry: PluginRegistry,
    module: str, source: str,
) -> Iterator[None]:
    folder = tmp_path / f"added_to_{package.__name__}"  # type: ignore[attr-defined]
    folder.mkdir()
    (folder / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(folder)])  # type: ignore[attr-defined]
    registry.reset()
    yield
    registry.reset()  # forget the toy before the package path is restored
    sys.modules.pop(f"{package.__name__}.{module}", None)  # type: ignore[attr-defined]


@pytest.fixture
def toy_engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    yield from _drop_in(monkeypatch, tmp_path, ingest.ocr, ENGINE_REGISTRY, "toy_engine", TOY_ENGINE)
    reset_engines()


@pytest.fixture
def toy_backend(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    yield from _drop_in(monkeypatch, tmp_path, search.backends, BACKEND_REGISTRY, "toy_backend", TOY_BACKEND)


@pytest.fixture
def toy_reader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    yield from _drop_in(monkeypatch, tmp_path, ingest.reading, READER_REGISTRY, "toy_reader", TOY_READER)


def test_issue20_a_new_ocr_engine_is_one_module(toy_engine: None) -> None:
    check_plugins(Settings(ocr_engine="toy"))
    engine = get_engine("toy", threads=3)
    assert engine.threads == 3  # type: ignore[attr-defined]
    assert [b.text for b in engine.recognize(Image.new("L", (80, 40), 255))] == ["被告人王五"]


def test_issue20_a_new_search_backend_is_one_module_with_its_own_options(
    toy_backend: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search.base import PageRecord

    monkeypatch.setenv("CASEFILE_TOY_FOLDER", "from-env")
    options = check_plugins(Settings(search_backend="toy", data_dir=tmp_path / "data"))
    assert options.folder == "from-env"  # type: ignore[attr-defined]
    index = open_index("toy", index_dir=tmp_path / "ix", options=options)
    try:
        index.add_pages([PageRecord(1, "（2024）京0105刑初1号", "起诉书.pdf", 1, "被告人王五涉嫌盗窃罪")])
        assert index.search(SearchQuery("王五")).total == 1
    finally:
        index.close()
    assert (tmp_path / "ix" / "from-env").is_dir()


def test_issue20_a_heavier_reader_module_takes_over_its_media_type(toy_reader: None, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("被告人王五", encoding="utf-8")
    with open_document(path, "text/plain") as reader:
        assert type(reader).__name__ == "ShoutingReader"


def test_issue20_builtin_plugins_declare_themselves() -> None:
    assert {"ppocr", "ppocr-small", "tesseract", "paddleocr", "null"} <= set(ENGINE_REGISTRY.names())
    assert {"tantivy", "elasticsearch"} <= set(BACKEND_REGISTRY.names())
    assert {"pdf", "image", "text", "docx"} <= set(READER_REGISTRY.names())


def test_issue20_an_unknown_engine_name_is_refused_at_start_up_with_the_known_names() -> None:
    with pytest.raises(CasefileError) as info:
        check_plugins(Settings(ocr_engine="abbyy"))
    assert info.value.code == OCR_ENGINE_UNAVAILABLE.code
    assert "abbyy" in info.value.message and "识别引擎" in info.value.message
    assert "CASEFILE_OCR_ENGINE" in info.value.hint and "ppocr" in info.value.hint and "null" in info.value.hint


def test_issue20_an_unknown_backend_name_stops_the_context_before_any_work(tmp_path: Path) -> None:
    settings = Settings(search_backend="solr", data_dir=tmp_path / "data", load_demo=False)
    with pytest.raises(CasefileError) as info:
        build_context(settings)
    assert info.value.code == SEARCH_BACKEND_UNKNOWN.code
    assert "检索后端" in info.value.message and "tantivy" in info.value.hint
    assert not (tmp_path / "data").exists()  # refused before any folder or database was made


def test_issue20_two_modules_claiming_one_name_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "again"
    folder.mkdir()
    (folder / "null_again.py").write_text(
        "from ingest.ocr.null import ENGINES\n", encoding="utf-8"
    )
    monkeypatch.setattr(ingest.ocr, "__path__", [*ingest.ocr.__path__, str(folder)])
    ENGINE_REGISTRY.reset()
    try:
        with pytest.raises(RuntimeError, match="'null' declared by both"):
            ENGINE_REGISTRY.names()
    finally:
        ENGINE_REGISTRY.reset()
        sys.modules.pop("ingest.ocr.null_again", None)


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"CASEFILE_SEARCH_BACKEND": "solr"}, ["没有名为 'solr' 的检索后端", "elasticsearch, tantivy"]),
        ({"CASEFILE_OCR_ENGINE": "abbyy"}, ["没有名为 'abbyy' 的文字识别引擎", "ppocr"]),
        ({"CASEFILE_SEARCH_BACKEND": "elasticsearch"}, ["检索后端 elasticsearch 的设置", "CASEFILE_ES_URL"]),
    ],
)
def test_issue20_the_cli_stops_at_a_wrong_plugin_setting_saying_what_to_set(
    tmp_path: Path, env: dict[str, str], says: list[str]
) -> None:
    from tests.support.cli import casefile

    result = casefile("search", "王五", data_dir=tmp_path / "data", env=env, timeout=120)
    assert result.returncode == 1, result.stderr
    for text in says:
        assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()
