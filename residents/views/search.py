"""Search-as-you-type for the household pickers (`shequ.widgets.SearchSelect`)."""

import re

from django.db.models import Exists, OuterRef, Q
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import View

from residents.choices import Status
from residents.models import Household, Resident
from shequ import personal_data
from shequ.chinese import simplified
from shequ.params import query_text
from shequ.views.generic import ScopedMixin

MATCHES = 20
# "3-301", "3号楼301", "3栋 2单元 301": a building, an optional unit, a room.
_DWELLING = re.compile(r"^(\d+)\s*(?:号楼|号|栋|幢|#|-|\s)\s*(?:(\d+)\s*单元\s*)?-?\s*(\w+)$")


def household_matches(households, text: str):
    """Households whose 户号 or room contains the text, whose building and room it begins, or
    with a living member of that name (simplified or traditional) or pinyin initials."""
    condition = Q(number__icontains=text) | Q(room__icontains=text)
    if dwelling := _DWELLING.match(text):
        building, unit, room = dwelling.groups()
        # The room as far as typed: "3-30" already offers 301 and 302.
        here = Q(building__number__regex=rf"^{building}(号楼|号|栋|幢)?$", room__istartswith=room)
        condition |= here & Q(unit=unit) if unit else here
    name = simplified(text).replace(" ", "")
    members = Resident.objects.filter(household=OuterRef("pk"), status=Status.LIVING)
    by_name = Q(name_simplified__contains=name)
    if name.isascii() and name.isalpha():
        by_name |= Q(name_initials__startswith=name.lower())
    return households.filter(condition | Exists(members.filter(by_name)))


class HouseholdSearchView(ScopedMixin, View):
    """At most 20 households the user may see, as JSON `{"results": [{"value", "label"}]}`."""

    queryset = Household.objects.all()

    def get(self, request):
        # Longer than 30 characters is no 户号, room or name anyone types.
        text = query_text(request, "q", 30)
        if not text:
            return JsonResponse({"results": []})
        households = household_matches(
            self.get_queryset().select_related("building", "head"), text
        )[:MATCHES]
        return JsonResponse({"results": [household_result(h) for h in households]})


def household_result(household: Household) -> dict:
    """The dwelling, the 户号 and the head, which is how people tell two flats apart."""
    label = f"{household} · {household.number}"
    if household.head:
        label += " · " + _("户主 %(name)s") % {"name": household.head}
    return {"value": household.pk, "label": label}


class ResidentSearchView(ScopedMixin, View):
    """At most 20 living residents the user may see, by name (simplified or traditional) or
    pinyin initials, as JSON for the pickers of other apps (the grievance desk's 反映人)."""

    queryset = Resident.objects.all()

    def get(self, request):
        text = query_text(request, "q", 30)
        # A whole ID or mobile number is looked up by POST (ResidentLookupView), never by GET.
        if not text or personal_data.is_number_query(text):
            return JsonResponse({"results": []})
        residents = (
            self.get_queryset()
            .filter(status=Status.LIVING)
            .search(text)
            .select_related("household__building")
            .order_by("name", "pk")[:MATCHES]
        )
        return JsonResponse(
            {"results": [{"value": r.pk, "label": f"{r.name} · {r.household}"} for r in residents]}
        )
