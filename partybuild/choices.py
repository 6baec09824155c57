from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


# The kinds each kind may sit under (None: the top of the community's tree). A community's
# top is a committee where it has one, otherwise a general branch or a single branch.
PARENT_KINDS: dict[str, tuple[str | None, ...]] = {
    OrganizationKind.COMMITTEE: (None,),
    OrganizationKind.GENERAL_BRANCH: (None, OrganizationKind.COMMITTEE),
    OrganizationKind.BRANCH: (
        None, OrganizationKind.COMMITTEE, OrganizationKind.GENERAL_BRANCH,
    ),
    OrganizationKind.GROUP: (OrganizationKind.BRANCH,),
}  # fmt: skip
# Members are kept in branches and their groups; committees and general branches lead them.
MEMBER_KINDS = frozenset({OrganizationKind.BRANCH, OrganizationKind.GROUP})


class Post(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY = "deputy", _("副书记")
    ORGANIZATION = "organization", _("组织委员")
    PROPAGANDA = "propaganda", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    COMMITTEE_MEMBER = "member", _("委员")
    GROUP_LEADER = "group_leader", _("党小组组长")


class Category(models.TextChoices):
    RESIDENT = "resident", _("居民党员")
    RETIRED = "retired", _("离退休党员")
    FLOATING = "floating", _("流动党员")
    IN_SERVICE = "in_service", _("在职党员")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    TRANSFERRED_OUT = "transferred_out", _("已转出")
    SUSPENDED = "suspended", _("停止党籍")
    DECEASED = "deceased", _("已去世")


class EventKind(models.TextChoices):
    """What happens to a party file; each is a row of its history that is never changed."""

    REGISTERED = "registered", _("建档")
    TRANSFERRED_IN = "transferred_in", _("组织关系转入")
    TRANSFERRED_OUT = "transferred_out", _("组织关系转出")
    RECEIPT = "receipt", _("转出回执已收到")
    CONFIRMED = "confirmed", _("预备党员转正")
    MOVED = "moved", _("调整所在组织")
    SUSPENDED = "suspended", _("停止党籍")
    REINSTATED = "reinstated", _("恢复党籍")
    DECEASED = "deceased", _("去世")


class MeetingKind(models.TextChoices):
    """三会一课 and the theme day."""

    GENERAL = "general", _("支部党员大会")
    COMMITTEE = "committee", _("支委会")
    GROUP = "group", _("党小组会")
    LECTURE = "lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")


# A lecture is often given at a general meeting or on the theme day; the record then counts
# for both (offices write "支部党员大会暨党课").
LECTURE_HOSTS = frozenset({MeetingKind.GENERAL, MeetingKind.THEME_DAY})


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    HELD = "held", _("已召开")


class Presence(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("每月一次")
    QUARTERLY = "quarterly", _("每季度一次")
    NONE = "none", _("不作要求")


class PairingKind(models.TextChoices):
    """五包: the households a member may be paired with."""

    POOR_MEMBER = "poor_member", _("困难党员")
    RELEASED_PRISONER = "released_prisoner", _("刑释解教人员")
    ELDERLY_ALONE = "elderly_alone", _("孤寡老人")
    LAID_OFF = "laid_off", _("下岗失业人员")
    DISABLED = "disabled", _("残疾人")


# As the registry's 刑释解教 tag: only community staff see that a household is paired for it.
SENSITIVE_PAIRING_KINDS = frozenset({PairingKind.RELEASED_PRISONER})


class VisitEvery(models.IntegerChoices):
    """How often a pair should be visited, in days, as the registry's must-visit periods are."""

    WEEK = 7, _("每周")
    HALF_MONTH = 15, _("每半月")
    MONTH = 30, _("每月")
    QUARTER = 90, _("每季度")


class FourOnesItem(models.TextChoices):
    """四个一: what each member does for the community in a year."""

    GOOD_DEED = "good_deed", _("一件好事")
    LABOUR = "labour", _("一次义务劳动")
    INFORMATION = "information", _("一条信息")
    SUGGESTION = "suggestion", _("一条建议")


# Items the grievance desk registers as a case, so the community answers them.
FILED_ITEMS = frozenset({FourOnesItem.INFORMATION, FourOnesItem.SUGGESTION})


class NeedKind(models.TextChoices):
    POST = "post", _("认领岗位")
    WISH = "wish", _("微心愿")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    CLAIMED = "claimed", _("已认领")
    DONE = "done", _("已完成")
