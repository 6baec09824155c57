"""Validators for the official codes and numbers the offices type in every day."""

import datetime
import re
import unicodedata

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# GB/T 2260 province-level prefixes.
PROVINCE_CODES = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    }
)

_MOBILE_SEPARATORS = re.compile(r"[\s\-()]")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def validate_district_code(value: str) -> None:
    if not re.fullmatch(r"\d{6}", value or ""):
        raise ValidationError(_("区划代码应为 6 位数字。"), code="format")
    if value[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("区划代码前两位 %(prefix)s 不是有效的省级代码。"),
            code="province",
            params={"prefix": value[:2]},
        )
    if value[4:] == "00":
        raise ValidationError(
            _("区划代码末两位为 00 表示地市本级，请填写区（县、旗）的代码。"), code="county"
        )


def validate_street_code(value: str) -> None:
    if not re.fullmatch(r"\d{9}", value or ""):
        raise ValidationError(
            _("街道代码应为 9 位数字（区划代码 6 位加乡级 3 位）。"), code="format"
        )
    validate_district_code(value[:6])
    if value[6:] == "000":
        raise ValidationError(_("街道代码后三位不能为 000。"), code="street")


def validate_community_code(value: str) -> None:
    if not re.fullmatch(r"\d{12}", value or ""):
        raise ValidationError(_("社区统计用区划代码应为 12 位数字。"), code="format")
    validate_street_code(value[:9])
    # 001–199 are residents' committees, 200–399 village committees (统计用区划代码编制规则).
    if not 1 <= int(value[9:]) <= 399:
        raise ValidationError(_("社区代码后三位应在 001 至 399 之间。"), code="community")


def normalize_mainland_mobile(value: str) -> str:
    """Strip separators and a +86 / 0086 prefix, as numbers are often pasted with them."""
    digits = _MOBILE_SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def validate_mainland_mobile(value: str) -> None:
    if not _MOBILE.fullmatch(value or ""):
        raise ValidationError(_("请输入 11 位中国大陆手机号码，例如 13812345678。"), code="mobile")


_BUILDING_SUFFIX = re.compile(r"(\d+)\s*(号楼|号|栋|幢)")
_DIGIT_RUN = re.compile(r"\d+")


def not_in_future(value: datetime.date | None) -> None:
    """Dates of things that happened (a birth, a visit, a move) cannot be later than today in
    the offices' own time zone, whatever the server's clock zone."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(
            _("日期不能晚于今天（%(today)s）。"),
            code="future",
            params={"today": f"{timezone.localdate():%Y-%m-%d}"},
        )


def normalize_building_number(value: str) -> str:
    """`1号楼`, `１号`, `1栋` and `1` are one building: full-width characters become ASCII and a
    号楼/号/栋/幢 suffix goes when the rest is a number (the label adds 号楼 back for display)."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if match := _BUILDING_SUFFIX.fullmatch(text):
        return str(int(match.group(1)))
    if text.isdigit():
        return str(int(text))
    return text


def natural_sort_key(value: str, width: int = 8) -> str:
    """Digit runs zero-padded, so 2 sorts before 10 in the database's plain text order."""
    return _DIGIT_RUN.sub(lambda match: match.group().rjust(width, "0"), value or "")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's check, with the Chinese message its zh-hans catalogue lacks for this wording."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
