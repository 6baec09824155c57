"""What the registry adds to a worker's home page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from residents.choices import Status
from residents.models import Household, Resident
from residents.views.fieldwork import due_visits
from shequ.models.scoping import VIEW


def cards(request) -> list[tuple[str, int, str]]:
    if not (request.access.roles & Resident.scope_roles[VIEW]):
        return []
    residents = Resident.objects.visible_to(request.user)
    return [
        (_("在住居民"), residents.filter(status=Status.LIVING).count(),
         reverse("residents:resident_list")),
        (_("住户"), Household.objects.visible_to(request.user).count(),
         reverse("residents:household_list")),
        (_("待走访"), due_visits(residents, timezone.localdate()).count(),
         reverse("residents:visit_due")),
    ]  # fmt: skip
