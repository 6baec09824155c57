"""What volunteering adds to the home page: for a volunteer signed in as a resident, a place
offered from the waitlist that waits for their confirmation."""

from django.urls import reverse
from django.utils.translation import gettext as _

from shequ.models import Role
from volunteers.choices import SignUpStatus
from volunteers.models import SignUp


def cards(request) -> list[tuple[str, int, str]]:
    if Role.RESIDENT not in request.access.roles:
        return []
    user = request.user
    offered = (
        SignUp.objects.visible_to(user)
        .filter(volunteer__account=user, status=SignUpStatus.OFFERED)
        .count()
    )
    if not offered:
        return []
    return [(_("递补名额待确认"), offered, reverse("volunteers:signup_mine"))]
