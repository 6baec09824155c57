"""What the assessment adds to a home page: the appeals waiting for a decision (the district's
officials) or for an answer (a community's staff)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.choices import AppealState
from assessments.models import Appeal
from shequ.models.scoping import VIEW


def cards(request) -> list[tuple[str, int, str]]:
    if not (request.access.roles & Appeal.scope_roles[VIEW]):
        return []
    waiting = Appeal.objects.visible_to(request.user).filter(state=AppealState.PENDING).count()
    if not waiting:
        return []
    label = _("待处理申诉") if request.access.is_official else _("申诉待答复")
    return [(label, waiting, f"{reverse('assessments:appeal_list')}?state=pending")]
