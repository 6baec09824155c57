from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPUTED = "computed", _("系统计算")
    INSPECTED = "inspected", _("检查评分")


class Rule(models.TextChoices):
    LINEAR = "linear", _("按比例（两个阈值之间线性给分）")
    TARGET = "target", _("达标得满分，否则不得分")


class NoData(models.TextChoices):
    FULL = "full", _("按满分计")
    ZERO = "zero", _("按零分计")


class MonthState(models.TextChoices):
    COMPUTED = "computed", _("已计算")
    REVIEWED = "reviewed", _("街道已审核")
    PUBLISHED = "published", _("已发布")


class Source(models.TextChoices):
    COMPUTED = "computed", _("系统计算")
    NO_DATA = "no_data", _("本月无数据")
    INSPECTED = "inspected", _("检查评分")
    NOT_INSPECTED = "not_inspected", _("未检查")
    APPEAL = "appeal", _("申诉调整")


class RunState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    SKIPPED = "skipped", _("已跳过（同一月份正在计算）")


class AppealState(models.TextChoices):
    PENDING = "pending", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("不予采纳")
