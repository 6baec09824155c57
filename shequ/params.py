"""Query parameters, parsed in one place. A query string is typed, pasted and bookmarked by
people, so junk in it is never an error page: it is "no filter"."""

from __future__ import annotations

import datetime
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from shequ.metrics import Quarter
from shequ.models import District
from shequ.text import strip_control

# Primary keys are 64-bit; a longer run of digits is junk, not a row, and int() of a huge string
# costs time of its own.
MAX_ID = 2**63 - 1
_MAX_DIGITS = len(str(MAX_ID))

M = TypeVar("M", bound=Model)


def parse_id(value: object) -> int | None:
    """A positive 64-bit integer written in ASCII digits, or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def query_int(request: HttpRequest, name: str) -> int | None:
    """The parameter as an id, or None when it is absent or junk."""
    return parse_id(request.GET.get(name))


def query_row(request: HttpRequest, name: str, queryset: QuerySet[M]) -> M | None:
    """The row of `queryset` the parameter names, or None when it names none (junk, a row out
    of scope, a row that does not exist): callers treat that as "no filter". Pass a scoped
    queryset, so a guessed id never reaches a row the user may not see."""
    pk = query_int(request, name)
    return None if pk is None else queryset.filter(pk=pk).first()


def query_text(request: HttpRequest, name: str, max_length: int) -> str:
    """Typed or pasted search text: without control characters (a NUL is an error in
    PostgreSQL), runs of spaces as one, at most `max_length` characters."""
    return " ".join(strip_control(request.GET.get(name, "")).split())[:max_length]


def query_month(request: HttpRequest, name: str) -> datetime.date | None:
    """`2026-11` as the first day of that month, or None for anything else (junk, month 13,
    a year before 1900 or after 2999)."""
    text = request.GET.get(name, "").strip()
    digits = text[:4] + text[5:]
    if len(text) != 7 or text[4] != "-" or not (digits.isascii() and digits.isdigit()):
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (1900 <= year <= 2999 and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)


def _year(text: str) -> int | None:
    if len(text) != 4 or not (text.isascii() and text.isdigit()):
        return None
    year = int(text)
    return year if 1900 <= year <= 2999 else None


def query_year(request: HttpRequest, name: str) -> int | None:
    """`2026` as that year, or None for anything else (junk, a year before 1900 or after
    2999)."""
    return _year(request.GET.get(name, "").strip())


def query_quarter(request: HttpRequest, name: str) -> tuple[int, int] | None:
    """`2026-4` as (2026, 4), the year and its fourth quarter, or None for anything else
    (junk, quarter 5, a year out of range)."""
    year, dash, quarter = request.GET.get(name, "").strip().partition("-")
    if not dash or quarter not in ("1", "2", "3", "4") or (number := _year(year)) is None:
        return None
    return number, int(quarter)


def query_date(request: HttpRequest, name: str) -> datetime.date | None:
    """`2026-11-24` as that day, or None for anything else (junk, 30 February, another
    spelling, a year before 1900 or after 2999)."""
    text = request.GET.get(name, "").strip()
    if len(text) != 10 or _year(text[:4]) is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def asked_quarter(request: HttpRequest, name: str = "quarter") -> Quarter:
    """The quarter asked for (`2026-4`), else the current one."""
    asked = query_quarter(request, name)
    return Quarter(*asked) if asked else Quarter.current()


def asked_district(request: HttpRequest) -> tuple[QuerySet, District]:
    """The districts the user reaches and the one asked for (`?district=`), else the first; a
    user who reaches none gets a 404."""
    districts = District.objects.visible_to(request.user).order_by("code")
    district = query_row(request, "district", districts) or districts.first()
    if district is None:
        raise Http404
    return districts, district
