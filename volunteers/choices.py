from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    ACTIVE = "active", _("在册")
    LEFT = "left", _("已注销")


class TeamKind(models.TextChoices):
    SERVICE = "service", _("志愿服务队")
    ASSOCIATION = "association", _("协会/兴趣社团")


class TeamRole(models.TextChoices):
    LEADER = "leader", _("队长/会长")
    DEPUTY = "deputy", _("副队长/副会长")
    MEMBER = "member", _("队员/会员")


class SignUpStatus(models.TextChoices):
    """A place is held while CONFIRMED or OFFERED; a waiting person holds their turn."""

    CONFIRMED = "confirmed", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    OFFERED = "offered", _("递补待确认")
    CANCELLED = "cancelled", _("已取消")
    LAPSED = "lapsed", _("递补超时")


HOLDING = (SignUpStatus.CONFIRMED, SignUpStatus.OFFERED)
ACTIVE_SIGN_UPS = (*HOLDING, SignUpStatus.WAITLISTED)


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已认定")
    DECLINED = "declined", _("不予认定")
