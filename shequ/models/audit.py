from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shequ.net import client_ip


class AccessLog(models.Model):
    """A sensitive read: who saw what personal data of whom, and when (PIPL)."""

    # Actions (the `action` column). A whole-number search confirms or refutes a guess of the
    # number, so it is a use of it: one row per resident found, or one against the searcher's
    # community when nobody is (never the number itself).
    VIEW_PERSONAL_NUMBERS = "view_personal_numbers"
    EXPORT_PERSONAL_NUMBERS = "export_personal_numbers"
    SEARCH_BY_NUMBER = "search_by_number"
    SEARCH_BY_NUMBER_NOT_FOUND = "search_by_number_not_found"
    CALL = "call"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("查看人"),
    )
    community = models.ForeignKey(
        "shequ.Community", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    action = models.CharField(_("操作"), max_length=50)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("对象类型")
    )
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=200)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("敏感信息查看记录")
        verbose_name_plural = _("敏感信息查看记录")
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_repr}"

    @classmethod
    def record(cls, request: HttpRequest, obj: models.Model, action: str) -> AccessLog:
        community = obj if obj._meta.model_name == "community" else obj.community
        return cls.objects.create(
            user=request.user,
            community=community,
            action=action,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            ip_address=client_ip(request),
        )


class TaskRun(models.Model):
    """What a background task did, fed by Celery's signals, so staff can see it ran."""

    class Status(models.TextChoices):
        STARTED = "started", _("运行中")
        SUCCESS = "success", _("成功")
        FAILURE = "failure", _("失败")

    task_id = models.CharField(_("任务编号"), max_length=64, unique=True)
    name = models.CharField(_("任务"), max_length=200, db_index=True)
    args = models.JSONField(_("参数"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.TextField(_("结果"), blank=True)

    class Meta:
        verbose_name = _("后台任务记录")
        verbose_name_plural = _("后台任务记录")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.name} {self.get_status_display()}"
