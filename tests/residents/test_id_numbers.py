"""GB 11643 ID numbers: the standard's examples, and what Excel and people do to them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from shequ.id_numbers import check_digit, parse_id_number


@pytest.mark.parametrize(
    ("number", "stored", "birth", "sex"),
    [
        # GB 11643-1999's own example, and the standard's other example
        ("11010519491231002X", "11010519491231002X", datetime.date(1949, 12, 31), "F"),
        ("440524188001010014", "440524188001010014", datetime.date(1880, 1, 1), "M"),
        # lowercase x
        ("11010519491231002x", "11010519491231002X", datetime.date(1949, 12, 31), "F"),
        # pasted with spaces
        (" 1101 0519 4912 3100 2X ", "11010519491231002X", datetime.date(1949, 12, 31), "F"),
    ],
)
def test_it_accepts_valid_numbers_and_derives_birth_date_and_sex(number, stored, birth, sex):
    parsed = parse_id_number(number)
    assert parsed.number == stored
    assert (parsed.birth_date, parsed.sex) == (birth, sex)


def test_it_converts_a_15_digit_legacy_number():
    parsed = parse_id_number("110105491231002")
    assert parsed.number == "11010519491231002X"
    assert parsed.birth_date == datetime.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("mangled", "reason"),
    [
        ("1.10105E+17", "科学计数法"),
        ("110105194912310000", "被 Excel 改成了 0"),
        ("110105194912310021", "校验位不对（应为 X）"),
        ("110105194902300026", "出生日期 19490230 不存在"),
        ("110105209912310027", "不合理"),
        ("11010519491231002", "应为 18 位"),
        ("11010519491231002Y", "应为 18 位"),
        ("", "应为 18 位"),
    ],
)
def test_it_explains_what_is_wrong_in_chinese(mangled, reason):
    with pytest.raises(ValidationError) as caught:
        parse_id_number(mangled, today=datetime.date(2026, 11, 23))
    assert reason in caught.value.messages[0]


def test_check_digit_matches_the_standard():
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"
