"""Reference data of the desk, kept by administrators: the categories with their time limits and
extra questions, and the working-day calendar the time limits are counted in."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The data types of an extra question, as Open311's service definitions name them.
QUESTION_TYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def validate_questions(value) -> None:
    """[{"code": "floor", "label": "楼层", "datatype": "number", "required": false,
    "values": [{"key": "1", "name": "一楼"}]}, ...]"""
    if not isinstance(value, list):
        raise ValidationError(_("附加问题须是一个列表。"))
    codes = set()
    for question in value:
        if not isinstance(question, dict) or not question.get("code") or not question.get("label"):
            raise ValidationError(_("每个附加问题须有 code 和 label。"))
        if question.get("datatype", "string") not in QUESTION_TYPES:
            raise ValidationError(
                _("附加问题“%(label)s”的类型须是 %(types)s 之一。")
                % {"label": question["label"], "types": "、".join(QUESTION_TYPES)}
            )
        if question["code"] in codes:
            raise ValidationError(_("附加问题的 code 不能重复：%(code)s") % question)
        codes.add(question["code"])


class Category(models.Model):
    """类别: a tree (物业与维修 › 电梯故障), each with its time limit in working days."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("上级类别"),
    )  # fmt: skip
    code = models.SlugField(
        _("代码"), max_length=40, unique=True, help_text=_("Open311 的 service_code。")
    )
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"), default=5,
        help_text=_("从登记之日起算的工作日数；节假日和调休按工作日历。"),
    )  # fmt: skip
    questions = models.JSONField(
        _("附加问题"), default=list, blank=True, validators=[validate_questions]
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("在用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit_days__gte=1, time_limit_days__lte=60),
                name="category_time_limit_range",
                violation_error_message=_("办理时限须在 1 到 60 个工作日之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("上级类别不能是它自己或它的下级。")})
            ancestor = ancestor.parent


class CalendarDay(models.Model):
    """A day that is not what its weekday says: an official holiday on a weekday (休) or a
    make-up working day on a weekend (班). Seeded from `chinese-calendar`; an administrator's
    local change is kept when the package is synced again."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("上班"))
    name = models.CharField(_("说明"), max_length=50, blank=True)
    local = models.BooleanField(
        _("本地调整"), default=False, help_text=_("管理员改过的日子，同步节假日时不覆盖。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("上班") if self.is_working_day else _("放假")
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".strip()
