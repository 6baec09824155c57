"""Chinese text: keys for search (simplified characters, pinyin initials), and the script of the
language a page is shown in."""

from functools import cache

import opencc
from django.utils import translation
from pypinyin import Style, pinyin

TRADITIONAL = "zh-hant"


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def in_page_script(text: str) -> str:
    """Names the office keeps in simplified characters (categories, communities, the questions
    a category asks), in traditional ones on a page shown in traditional Chinese. What people
    wrote themselves (a case's text, a reply) stays as written: a conversion can pick the wrong
    character (干 is 乾, 幹 or 干), and a record must say what was said."""
    if translation.get_language() != TRADITIONAL:
        return text
    return _s2t().convert(str(text or ""))


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
