"""The registry of metrics: figures per community and month that each app computes from its own
rows, for whatever scores communities (the monthly assessment) to read without knowing the app.

An app adds a metric with one decorated function in its own `metrics.py`:

    @metric("grievance_on_time", _("诉求按时办结率"), numerator=_("按时办结"),
            denominator=_("办结"), records=resolved_cases)
    def on_time(period: Period) -> Figures:
        return {community_id: (on_time, resolved), ...}

The function answers for every community at once, in one aggregate query: a month of the whole
city is one query per metric, not one per community. `records(period)` gives the rows behind the
figures, for a score to show what it was computed from; the caller narrows them to one community
and to what the viewer may see.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

Figures = dict[int, tuple[int | Decimal, int | Decimal]]  # community id -> (numerator, denominator)


@dataclass(frozen=True)
class Period:
    """A month: its first and last day, and the instants that bound it in local time."""

    first: datetime.date

    @classmethod
    def of(cls, day: datetime.date) -> Period:
        return cls(day.replace(day=1))

    @property
    def last(self) -> datetime.date:
        return self.following.first - datetime.timedelta(days=1)

    @property
    def following(self) -> Period:
        return Period((self.first + datetime.timedelta(days=32)).replace(day=1))

    @property
    def previous(self) -> Period:
        return Period((self.first - datetime.timedelta(days=1)).replace(day=1))

    @property
    def start(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first, datetime.time(), ZoneInfo(settings.TIME_ZONE))

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the month."""
        return self.following.start

    def __str__(self) -> str:
        return f"{self.first:%Y-%m}"


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a year: the four-no records and the party branches' meetings are kept by
    quarter."""

    year: int
    number: int

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def current(cls) -> Quarter:
        return cls.of(timezone.localdate())

    @classmethod
    def recordable(cls) -> list[Quarter]:
        """The quarters a record may be entered for, newest first: this year's so far and all
        of last year's, which the awards of last year are decided on."""
        current = cls.current()
        return [cls(year, n) for year in (current.year, current.year - 1) for n in (4, 3, 2, 1)
                if cls(year, n) <= current]  # fmt: skip

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last(self) -> datetime.date:
        return self.following.first - datetime.timedelta(days=1)

    @property
    def following(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    @property
    def start(self) -> datetime.datetime:
        return Period(self.first).start

    @property
    def end(self) -> datetime.datetime:
        """The first instant after the quarter."""
        return Period(self.following.first).start

    @property
    def label(self) -> str:
        return _("%(year)s 年第 %(number)s 季度") % {"year": self.year, "number": self.number}

    def __str__(self) -> str:
        return f"{self.year}-{self.number}"


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    numerator: str
    denominator: str
    compute: Callable[[Period], Figures]
    # What the ratio is scaled by: 100 for a share in per cent, 1000 for a rate per thousand
    # (volunteers per 1,000 residents), 1 for a plain rate (entries per grid worker).
    per: int = 100
    records: Callable[[Period], QuerySet] | None = None
    # The community of a record, as a lookup path ("community", "grievance__community").
    community_path: str = "community"

    @property
    def unit(self) -> str:
        return {100: "%", 1000: "‰"}.get(self.per, "")


_registry: dict[str, Metric] = {}


def metric(
    code: str, name: str, *, numerator: str, denominator: str, per: int = 100,
    records: Callable[[Period], QuerySet] | None = None, community_path: str = "community",
) -> Callable[[Callable[[Period], Figures]], Callable[[Period], Figures]]:  # fmt: skip
    def register(compute: Callable[[Period], Figures]) -> Callable[[Period], Figures]:
        _registry[code] = Metric(
            code, name, numerator, denominator, compute, per, records, community_path
        )
        return compute

    return register


def metrics() -> dict[str, Metric]:
    """Every app's metrics, by code: each installed app's `metrics` module is imported once."""
    autodiscover_modules("metrics")
    return dict(_registry)


def value(metric: Metric, numerator, denominator) -> Decimal | None:
    """The figure a rule scores: a share in per cent, or a rate; None without a denominator."""
    if not denominator:
        return None
    ratio = Decimal(numerator) / Decimal(denominator)
    return (ratio * metric.per).quantize(Decimal("0.01"))
