"""What the desk adds to a worker's home page: the open and overdue cases of their scope."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grievances.choices import OPEN_STATES
from grievances.models import Grievance
from shequ.models.scoping import VIEW


def cards(request) -> list[tuple[str, int, str]]:
    access = request.access
    # Officials' figures across a street or district come from the statistics' snapshots, never
    # from counting live cases here.
    if access.is_official or not (access.roles & Grievance.scope_roles[VIEW]):
        return []
    counts = (
        Grievance.objects.visible_to(request.user)
        .filter(hidden=False, state__in=OPEN_STATES)
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=timezone.localdate())))
    )
    url = reverse("grievances:grievance_list")
    return [
        (_("在办诉求"), counts["open"], f"{url}?state=open"),
        (_("超期诉求"), counts["overdue"], f"{url}?overdue=yes"),
    ]
