"""What party building adds to the home page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.choices import FourOnesItem, MemberStatus, NeedStatus
from partybuild.models import CommunityNeed, FourOnesRecord, Pairing, PartyMember
from partybuild.models.organization import PARTY_KEEPERS
from shequ.models import Role


def cards(request) -> list[tuple[str, int, str]]:
    return fieldwork_cards(request)


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
