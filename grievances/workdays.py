"""Working days, for time limits (限时办结): Monday to Friday, except the official holidays, plus
the make-up working days on weekends (调休), as the `CalendarDay` rows say. `sync_holidays` fills
those rows from `chinese-calendar`, which knows the State Council's notices year by year."""

from __future__ import annotations

import datetime
import math

from django.db import transaction

from grievances.models import CalendarDay

ONE_DAY = datetime.timedelta(days=1)
# Long enough to cross the Spring Festival and National Day with any time limit up to 60 days.
_WINDOW = datetime.timedelta(days=130)


class Calendar:
    """The exceptions of a span of dates, read with one query."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        self.start, self.end = start, end
        self.exceptions = dict(
            CalendarDay.objects.filter(date__range=(start, end)).values_list(
                "date", "is_working_day"
            )
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5


def add_working_days(start: datetime.date, days: int, calendar: Calendar | None = None):
    """The date `days` working days after `start` (a case registered on a Friday with a limit of
    one working day is due on Monday, or later if Monday is a holiday)."""
    calendar = calendar or Calendar(start, start + _WINDOW + ONE_DAY * days)
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if calendar.is_working_day(day):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, calendar=None) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    if end <= start:
        return 0
    calendar = calendar or Calendar(start, end)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += calendar.is_working_day(day)
    return count


def warning_day(start: datetime.date, days: int, calendar: Calendar | None = None):
    """The day by which 70 % of the time limit has run, in whole working days (2 of 3, 3 of 5,
    7 of 10): from then the case shows yellow, early enough to act before it turns red."""
    return add_working_days(start, max(1, math.floor(days * 0.7)), calendar)


def sync_holidays() -> int:
    """Write the holidays on weekdays and the make-up working days that `chinese-calendar` knows,
    keeping the days an administrator changed. Returns how many rows it wrote."""
    return sync_holidays_into(CalendarDay)


def sync_holidays_into(model) -> int:
    """`sync_holidays` for a given model class (the migration passes its historical one)."""
    import chinese_calendar

    local = set(model.objects.filter(local=True).values_list("date", flat=True))
    days = [
        (day, False, _holiday_name(name))
        for day, name in chinese_calendar.constants.holidays.items()
        if day.weekday() < 5
    ] + [
        (day, True, _holiday_name(name) + "调休")
        for day, name in chinese_calendar.constants.workdays.items()
        if day.weekday() >= 5
    ]
    with transaction.atomic():
        for day, working, name in days:
            if day not in local:
                model.objects.update_or_create(
                    date=day, defaults={"is_working_day": working, "name": name}
                )
    return len([day for day, _working, _name in days if day not in local])


_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "抗战胜利纪念日",
}  # fmt: skip


def _holiday_name(holiday) -> str:
    name = getattr(holiday, "value", str(holiday))
    return _NAMES.get(name, name)
