"""What the API says about categories and cases: Open311's fields from the desk's rows.

A case is public here, to anyone: so never who brought it (contact name, phone, the resident)
and never its text — grievances name neighbours, relatives and debtors, and the resident follows
their own case with the tracking code on the public page. What shows is where, what kind, who
handles it, its state and the desk's public notes.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances.choices import OPEN_STATES, EventKind, Level
from grievances.models import Category, Grievance, GrievanceEvent
from grievances.open311 import ids


def services() -> QuerySet[Category]:
    """The categories a case can be filed under: active ones without active subcategories (a
    parent such as 物业与维修 groups its children, as Open311's `group` does)."""
    children = Category.objects.filter(parent=OuterRef("pk"), active=True)
    return (
        Category.objects.filter(active=True)
        .exclude(parent__active=False)
        .exclude(Exists(children))
        .select_related("parent")
    )


def service(category: Category) -> dict:
    group = category.parent.name if category.parent_id else None
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": ", ".join(filter(None, [category.name, group])),
        "group": group,
    }


def questions(category: Category) -> list[dict]:
    return list(category.questions or [])


def definition(category: Category) -> dict:
    attributes = []
    for order, question in enumerate(questions(category), start=1):
        attributes.append(
            {
                "variable": True,
                "code": question["code"],
                "datatype": question.get("datatype", "string"),
                "required": bool(question.get("required")),
                "datatype_description": question.get("datatype_description") or None,
                "order": order,
                "description": question["label"],
                "values": [
                    {"key": value.get("key"), "name": value.get("name")}
                    for value in question.get("values") or []
                ],
            }
        )
    return {"service_code": category.code, "attributes": attributes}


def service_notice(category: Category) -> str:
    return _("本类诉求自登记之日起 %(days)s 个工作日内办结。") % {"days": category.time_limit_days}


# What the fields below read, and nothing else: a contact's ciphertext never leaves the database.
_FIELDS = (
    "pk", "state", "level", "address", "received_at", "due_on", "building__address",
    "building__number", "category__code", "category__name", "category__time_limit_days",
    "community__name", "community__street__name", "community__street__district__name",
    "department__name",
)  # fmt: skip


def cases() -> QuerySet[Grievance]:
    """Every case the API shows, with what its fields need, in one query: hidden cases are not
    there at all."""
    public = GrievanceEvent.objects.filter(grievance=OuterRef("pk"), public=True).order_by(
        "-at", "-pk"
    )
    # The first event's note is the register number, which counts the community's cases.
    noted = public.exclude(kind=EventKind.RECEIVED).exclude(note="")
    return (
        Grievance.objects.filter(hidden=False)
        .select_related("category", "community__street__district", "department", "building")
        .annotate(
            last_public_at=Subquery(public.values("at")[:1]),
            last_public_note=Subquery(noted.values("note")[:1]),
        )
        .only(*_FIELDS)
        .order_by("-received_at", "-pk")
    )


def status_filter(statuses: set[str]) -> Q:
    if statuses == {"open"}:
        return Q(state__in=OPEN_STATES)
    if statuses == {"closed"}:
        return ~Q(state__in=OPEN_STATES)
    return Q()


def w3c(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def end_of_day(day: datetime.date) -> str:
    """A due date is met until the day's end, in the desk's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone).isoformat()


def agency(case: Grievance) -> str:
    community = case.community
    return {
        Level.COMMUNITY: lambda: community.name,
        Level.STREET: lambda: community.street.name,
        Level.DISTRICT: lambda: community.street.district.name,
        Level.DEPARTMENT: lambda: case.department.name,
    }[case.level]()


def address(case: Grievance) -> str:
    if case.address:
        return case.address
    building = case.building
    if building is None:
        return ""
    return building.address or _("%(number)s号楼") % {"number": building.number}


def request(case: Grievance) -> dict:
    updated = case.last_public_at or case.received_at
    return {
        "service_request_id": ids.encode(case.pk),
        "status": "open" if case.state in OPEN_STATES else "closed",
        "status_notes": case.last_public_note or None,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": None,
        "agency_responsible": agency(case),
        "service_notice": service_notice(case.category),
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(max(updated, case.received_at)),
        "expected_datetime": end_of_day(case.due_on),
        "address": address(case),
    }
