"""The two shared parsers every app uses for what people type: ids in query strings and text."""

import pytest

from shequ.params import MAX_ID, parse_id
from shequ.text import strip_control


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("42", 42), (" 7 ", 7), (str(MAX_ID), MAX_ID), (3, 3),
        ("", None), ("abc", None), ("4a", None), ("-1", None), ("0", None), ("1.5", None),
        ("１２", None), ("²", None), (str(MAX_ID + 1), None), ("9" * 5000, None), (None, None),
        (True, None), (["1"], None),
    ],
)  # fmt: skip
def test_an_id_is_a_positive_64_bit_integer_in_ascii_digits_or_nothing(typed, parsed):
    assert parse_id(typed) == parsed


def test_control_characters_go_and_tabs_newlines_and_every_script_stay():
    kept = "姓名\t张三\r\n备注：独居 𠀀 ½ é — « »"
    assert strip_control(kept) == kept
    pasted = "第一行\x0b第二行\x0c\x00\x1f\x7f\x85\x9f\ufffe\uffff\U0001fffe\ufdd0\ud800"
    assert strip_control(pasted) == "第一行第二行"
