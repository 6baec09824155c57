"""What each role sees of a resident's birth and origin: the page side of the masking policy
in shequ.personal_data.

An ID number spells the place of registration (digits 1–6) and the birth date (7–14). Whoever
may reveal a resident's numbers (the community's staff) sees the whole birth date, the exact
age and the whole 户籍地; everyone else sees the birth year, the age counted from it and the
province of the 户籍地 — a city would narrow the region digits to a few county codes, leaving
some 3,300 candidates instead of over 300,000.
"""

from __future__ import annotations

import datetime
import re

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from residents.choices import AGE_BOUNDS
from residents.models import Resident
from residents.models.people import REVEAL, age_group_q
from shequ.access import Access
from shequ.models.scoping import scope_of

_PROVINCE = re.compile(
    r"(北京市|天津市|上海市|重庆市|香港|澳门|台湾|[^省市区县\s]{2,3}省|[^省市区县\s]{2,7}?自治区)"
)


def revealing_communities(access: Access) -> frozenset[int] | None:
    """Ids of the communities whose residents' numbers (and birth dates) the user may see;
    None for administrators, who may see every community's."""
    if access.is_admin:
        return None
    roles = Resident.scope_roles[REVEAL]
    return scope_of(access.user).ids(roles, "community")


def sees_birth_date(access: Access, resident: Resident) -> bool:
    communities = revealing_communities(access)
    return communities is None or resident.community_id in communities


def age_by_year(birth_date: datetime.date, today: datetime.date | None = None) -> int:
    """This year minus the birth year: the same all year, so it never dates the birthday."""
    return (today or timezone.localdate()).year - birth_date.year


def shown_age(access: Access, resident: Resident) -> int:
    if sees_birth_date(access, resident):
        return resident.age()
    return age_by_year(resident.birth_date)


def shown_birth(access: Access, resident: Resident, birth_date: datetime.date | None = None) -> str:
    birth_date = birth_date or resident.birth_date
    if sees_birth_date(access, resident):
        return f"{birth_date:%Y-%m-%d}"
    return _("%(year)s 年生") % {"year": birth_date.year}


def province_of(address: str) -> str:
    """山东省淄博市张店区 → 山东省; an address that names no province is not shown at all."""
    if not address:
        return ""
    match = _PROVINCE.match(address.strip())
    return match.group(1) if match else _("（已隐藏）")


def shown_registered_address(access: Access, resident: Resident) -> str:
    if sees_birth_date(access, resident):
        return resident.registered_address
    return province_of(resident.registered_address)


def age_group_by_year_q(group: str, today: datetime.date | None = None) -> Q:
    """An age group by birth year, for those who may not see the whole birth date: a filter on
    exact ages would tell, for a resident at a group's edge, whether the birthday has passed."""
    year = (today or timezone.localdate()).year
    youngest, oldest = AGE_BOUNDS[group]
    q = Q()
    if youngest is not None:  # the youngest group has no lower bound (see AGE_BOUNDS)
        q &= Q(birth_date__lte=datetime.date(year - youngest, 12, 31))
    if oldest is not None:
        q &= Q(birth_date__gte=datetime.date(year - oldest, 1, 1))
    return q


def age_group_q_for(access: Access, group: str) -> Q:
    communities = revealing_communities(access)
    if communities is None:
        return age_group_q(group)
    if not communities:
        return age_group_by_year_q(group)
    mine = Q(community__in=communities)
    return (mine & age_group_q(group)) | (~mine & age_group_by_year_q(group))


def redact_history(rows: list, access: Access, resident: Resident) -> list:
    """History lines show a changed birth date or 户籍地 as the page does to this user."""
    if sees_birth_date(access, resident):
        return rows
    shown = {
        Resident._meta.get_field("birth_date").verbose_name: _year,
        Resident._meta.get_field("registered_address").verbose_name: _province_value,
    }
    for row in rows:
        for change in row.changes:
            if redact := shown.get(change.label):
                change.old, change.new = redact(change.old), redact(change.new)
    return rows


def _year(value: object) -> object:
    if isinstance(value, datetime.date):
        return _("%(year)s 年") % {"year": value.year}
    return value


def _province_value(value: object) -> object:
    return province_of(value) if isinstance(value, str) else value
