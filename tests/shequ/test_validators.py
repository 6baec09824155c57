import pytest
from django.core.exceptions import ValidationError

from shequ.validators import (
    normalize_mainland_mobile,
    validate_community_code,
    validate_district_code,
    validate_mainland_mobile,
)


@pytest.mark.parametrize("code", ["370302", "110105", "150784", "500101"])
def test_it_accepts_county_level_district_codes(code):
    validate_district_code(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("37030", "6 位数字"),
        ("3703021", "6 位数字"),
        ("37O302", "6 位数字"),
        ("990302", "不是有效的省级代码"),
        ("370300", "地市本级"),
    ],
)
def test_it_explains_a_bad_district_code(code, message):
    with pytest.raises(ValidationError, match=message):
        validate_district_code(code)


def test_it_checks_every_part_of_a_community_code():
    validate_community_code("370302001001")
    for bad, message in [
        ("37030200100", "12 位数字"),
        ("370302000001", "后三位不能为 000"),
        ("370302001000", "001 至 399"),
        ("370302001400", "001 至 399"),
        ("990302001001", "省级代码"),
    ]:
        with pytest.raises(ValidationError, match=message):
            validate_community_code(bad)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("8613812345678", "13812345678"),
    ],
)
def test_it_normalises_mobile_numbers_as_people_paste_them(typed, stored):
    assert normalize_mainland_mobile(typed) == stored
    validate_mainland_mobile(normalize_mainland_mobile(typed))


@pytest.mark.parametrize("bad", ["12812345678", "1381234567", "138123456789", "010-12345678"])
def test_it_refuses_what_is_not_a_mainland_mobile(bad):
    with pytest.raises(ValidationError, match="11 位中国大陆手机号码"):
        validate_mainland_mobile(normalize_mainland_mobile(bad))
