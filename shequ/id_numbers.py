"""公民身份号码 (GB 11643-1999): check digit, birth date and sex, and how Excel mangles them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"


def check_digit(first17: str) -> str:
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, *, today: datetime.date | None = None) -> IdNumber:
    """Normalise and validate an ID number, or raise ValidationError with a Chinese reason.

    A lowercase x becomes X; a 15-digit number of the 1984 standard is converted to 18 digits
    (century 19 inserted, check digit appended).
    """
    value = re.sub(r"\s", "", str(raw or "")).upper()
    if re.fullmatch(r"\d(\.\d+)?E\+\d+", value):
        raise ValidationError(
            _("身份证号码被 Excel 显示成了科学计数法（%(value)s），请把该列设为“文本”后重新填写。")
            % {"value": value},
            code="scientific",
        )
    if re.fullmatch(r"\d{15}", value):
        value = value[:6] + "19" + value[6:]
        value += check_digit(value)
    elif not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(
            _("身份证号码应为 18 位（最后一位可以是 X），或旧式 15 位数字。"), code="format"
        )
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("身份证号码中的出生日期 %(date)s 不存在。") % {"date": value[6:14]}, code="birth_date"
        ) from None
    today = today or datetime.date.today()
    if birth > today or birth.year < 1800:
        raise ValidationError(
            _("身份证号码中的出生日期 %(date)s 不合理。") % {"date": value[6:14]}, code="birth_date"
        )
    if value[17] != check_digit(value[:17]):
        if value.endswith("000"):
            raise ValidationError(
                _("身份证号码校验位不对，末几位像是被 Excel 改成了 0，请核对原件。"), code="zeroed"
            )
        raise ValidationError(
            _("身份证号码校验位不对（应为 %(expected)s），请核对是否有输错的数字。")
            % {"expected": check_digit(value[:17])},
            code="check_digit",
        )
    return IdNumber(number=value, birth_date=birth, sex="M" if int(value[16]) % 2 else "F")
