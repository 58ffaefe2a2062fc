"""Issue 20 step 7: one Han script class instead of the range U+4E00–U+9FA5, which missed U+9FA6–U+9FFF."""

from __future__ import annotations

import pytest

from nlp.factsheet import extract_text
from nlp.han import is_han


@pytest.mark.parametrize("ch", ["张", "\u9fa5", "\u9fb4", "\u9fef", "\u3400"])
def test_is_han_takes_the_ideographs_past_u9fa5(ch: str) -> None:
    assert is_han(ch)


@pytest.mark.parametrize("ch", ["a", "1", "，", "某某", ""])
def test_is_han_refuses_what_is_not_one_han_character(ch: str) -> None:
    assert not is_han(ch)


@pytest.mark.parametrize("given", ["\u9fef", "\u9fb4"])
def test_a_name_with_a_character_past_u9fa5_is_read(given: str) -> None:
    name = "张" + given
    text = (f"公诉机关北京市朝阳区人民检察院。\n被告人{name}，男，1980年1月1日出生，汉族。\n"
            f"被告人{name}犯盗窃罪，判处有期徒刑一年。")
    assert [d["name"] for d in extract_text(text)["defendants"]] == [name]
