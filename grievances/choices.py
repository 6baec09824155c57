from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INQUIRY = "inquiry", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    SUGGESTION = "suggestion", _("建议")
    DISPUTE = "dispute", _("纠纷")
    PRAISE = "praise", _("表扬")


class Channel(models.TextChoices):
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")
    HOTLINE = "hotline", _("热线")
    ONLINE = "online", _("网上")
    GRID = "grid", _("网格上报")
    JOINT = "joint", _("联合接访")


class Priority(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class State(models.TextChoices):
    """The closed loop of a 12345-style desk. A case escalated up the line keeps its state
    (in progress) and changes its `level`; the answer comes back down to the community."""

    RECEIVED = "received", _("已登记")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")


OPEN_STATES = frozenset({State.RECEIVED, State.ACCEPTED, State.IN_PROGRESS})
# A case whose time limit no longer runs: answered, ended or folded into another.
STOPPED_STATES = frozenset({State.REPLIED, State.CLOSED, State.REJECTED, State.MERGED})


class Level(models.TextChoices):
    """Who holds the case now."""

    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")
    DISTRICT = "district", _("区")
    DEPARTMENT = "department", _("职能部门")


class EventKind(models.TextChoices):
    RECEIVED = "received", _("登记")
    ACCEPTED = "accepted", _("受理")
    ASSIGNED = "assigned", _("指派")
    STARTED = "started", _("开始办理")
    REPLIED = "replied", _("答复")
    CLOSED = "closed", _("办结")
    REJECTED = "rejected", _("不予受理")
    RETURNED = "returned", _("退回")
    REASSIGNED = "reassigned", _("改派")
    ESCALATED = "escalated", _("上报")
    ANSWERED = "answered", _("上级答复")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("批准延期")
    EXTENSION_REFUSED = "extension_refused", _("不批准延期")
    MERGED = "merged", _("合并")
    REOPENED = "reopened", _("重新办理")
    RATED = "rated", _("评价")
    HIDDEN = "hidden", _("屏蔽")
    MEDIATION_OPENED = "mediation_opened", _("开始调解")
    MEDIATION_CONCLUDED = "mediation_concluded", _("调解结束")
    WARNED = "warned", _("临近时限")
    OVERDUE = "overdue", _("超期")
    FOLLOWED_UP = "followed_up", _("回访询问")
    NOTE = "note", _("备注")


class Rating(models.IntegerChoices):
    VERY_BAD = 1, _("很不满意")
    BAD = 2, _("不满意")
    FAIR = 3, _("基本满意")
    GOOD = 4, _("满意")
    VERY_GOOD = 5, _("非常满意")
