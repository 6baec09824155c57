"""What party building adds to the home page of those who keep the files: the members, and
what is waiting on them (confirmations due, receipts not back, terms run out)."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.choices import EventKind, MemberStatus
from partybuild.models import MemberEvent, PartyMember, PartyOrganization
from partybuild.models.organization import PARTY_KEEPERS, years_after


def cards(request) -> list[tuple[str, int, str]]:
    if not (request.access.is_admin or request.access.roles & PARTY_KEEPERS):
        return []
    user, today = request.user, timezone.localdate()
    members = reverse("partybuild:member_list")
    # A file is transferred out once: its one letter waits until a receipt follows it.
    receipt = MemberEvent.objects.filter(member=OuterRef("pk"), kind=EventKind.RECEIPT)
    counts = PartyMember.objects.visible_to(user).aggregate(
        active=Count("pk", filter=Q(status=MemberStatus.ACTIVE)),
        due=Count(
            "pk",
            filter=Q(
                status=MemberStatus.ACTIVE,
                full_on__isnull=True,
                joined_on__lt=years_after(today, -1),
            ),
        ),
        receipts=Count("pk", filter=Q(status=MemberStatus.TRANSFERRED_OUT) & ~Q(Exists(receipt))),
    )
    expired = (
        PartyOrganization.objects.visible_to(user)
        .filter(dissolved_on__isnull=True, term_ends_on__lt=today)
        .count()
    )
    cards = [(_("党员"), counts["active"], members)]
    if counts["due"]:
        cards.append((_("预备期满待转正"), counts["due"], f"{members}?standing=probationary"))
    if counts["receipts"]:
        cards.append(
            (_("转出介绍信待回执"), counts["receipts"], f"{members}?status=transferred_out")
        )
    if expired:
        cards.append((_("党组织届期已满"), expired, reverse("partybuild:organization_tree")))
    return cards
