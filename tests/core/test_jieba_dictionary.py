"""jieba's dictionary cache read whole (core.jieba_dictionary): the same words, built or read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.cli import REPO

_LOAD = """
import json, sys, jieba
if sys.argv[2] == "fast":
    from core.jieba_dictionary import use_fast_cache_reading
    use_fast_cache_reading()
jieba.setLogLevel(60)
jieba.dt.tmp_dir = sys.argv[1]
jieba.initialize()
print(json.dumps([jieba.marshal.__name__,
                  [len(jieba.dt.FREQ), jieba.dt.total, jieba.lcut("被告人张某某于2016年盗窃电动车一辆")]]))
"""


def _load(cache_dir: Path, how: str) -> tuple[str, list[object]]:
    done = subprocess.run([sys.executable, "-c", _LOAD, str(cache_dir), how], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    reader, dictionary = json.loads(done.stdout)
    return reader, dictionary


def test_the_dictionary_is_the_same_built_written_and_read_back(tmp_path: Path) -> None:
    reader, plain = _load(tmp_path / "plain", "plain")
    assert reader == "marshal"
    (tmp_path / "fast").mkdir()
    _, built = _load(tmp_path / "fast", "fast")  # no cache yet: jieba builds it and writes it
    assert list((tmp_path / "fast").glob("jieba*.cache")), "the cache was not written"
    reader, read = _load(tmp_path / "fast", "fast")  # read back whole
    assert reader == "_WholeFileMarshal"  # jieba read it through the replacement, not by itself
    assert built == read == plain
    assert isinstance(plain[0], int) and plain[0] > 300_000  # the full dictionary, not an empty one
