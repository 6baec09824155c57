"""Chinese text keys for search: simplified characters and pinyin initials."""

from functools import cache

import opencc
from pypinyin import Style, pinyin


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """社區 → 社区, so traditional and simplified spellings find each other."""
    return _t2s().convert(text or "")


def initials(name: str) -> str:
    """Pinyin initials of a name, every reading of a heteronym surname included: 单田芳 → "dtf stf".

    Surnames are where readings differ (单 shàn, 曾 zēng, 仇 qiú), and staff type the one
    they hear; the rest of the name takes its most common reading.
    """
    name = simplified(name).strip()
    if not name:
        return ""
    letters = pinyin(name, style=Style.FIRST_LETTER, heteronym=True, errors="ignore")
    if not letters:
        return ""
    rest = "".join(options[0] for options in letters[1:]).lower()
    variants = dict.fromkeys(f"{first}{rest}".lower() for first in letters[0])
    return " ".join(variants)
