"""What party building adds to the home page. Those who keep the files: the members and what
waits on them (confirmations due, receipts not back, terms run out, pairings overdue, needs
unclaimed). A member signed in as a resident: their 四个一 and the needs open to claim."""

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.choices import EventKind, FourOnesItem, MemberStatus, NeedStatus
from partybuild.models import (
    CommunityNeed,
    FourOnesRecord,
    MemberEvent,
    Pairing,
    PartyMember,
    PartyOrganization,
)
from partybuild.models.organization import PARTY_KEEPERS, years_after
from shequ.models import Role


def cards(request) -> list[tuple[str, int, str]]:
    keeper = request.access.is_admin or request.access.roles & PARTY_KEEPERS
    return (file_cards(request) if keeper else []) + fieldwork_cards(request)


def file_cards(request) -> list[tuple[str, int, str]]:
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


def fieldwork_cards(request) -> list[tuple[str, int, str]]:
    """Keepers: the pairings overdue for a visit and the needs no one has claimed. A member
    signed in as a resident: their 四个一 of the year and the needs open to claim."""
    access, user, today = request.access, request.user, timezone.localdate()
    needs = CommunityNeed.objects.visible_to(user).filter(status=NeedStatus.OPEN)
    board = reverse("partybuild:need_list")
    if access.is_admin or access.roles & PARTY_KEEPERS:
        overdue = Pairing.objects.visible_to(user).overdue(today).count()
        return [
            (_("逾期未走访的结对"), overdue, f"{reverse('partybuild:pairing_list')}?overdue=on"),
            (_("待认领的需求"), needs.count(), f"{board}?status=open"),
        ]
    if Role.RESIDENT not in access.roles:
        return []
    own = PartyMember.objects.visible_to(user).filter(status=MemberStatus.ACTIVE)
    if not own.exists():
        return []
    items = (
        FourOnesRecord.objects.visible_to(user)
        .filter(done_on__year=today.year)
        .values("item")
        .distinct()
        .count()
    )
    return [
        (
            _("我的四个一（%(year)s 年，共 %(all)s 项）")
            % {"year": today.year, "all": len(FourOnesItem)},
            items,
            reverse("partybuild:fouronesrecord_list"),
        ),
        (_("可认领的岗位和微心愿"), needs.count(), f"{board}?status=open"),
    ]
