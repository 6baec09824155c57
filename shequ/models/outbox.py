from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequ import personal_data


class OutboxMessage(models.Model):
    """A notification written in the same transaction as the change it announces, so it exists
    exactly when the change does, and delivered afterwards by a worker (shequ.outbox).

    The recipient is a user (the backend picks their e-mail or phone), or addresses of someone
    without an account — a resident's phone, stored encrypted like residents' numbers."""

    kind = models.CharField(_("类型"), max_length=50, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
        related_name="+", verbose_name=_("收件用户"),
    )  # fmt: skip
    email = models.EmailField(_("邮箱"), blank=True)
    phone_ciphertext = models.TextField(editable=False, blank=True)
    phone_masked = models.CharField(_("手机号码"), max_length=20, editable=False, blank=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    payload = models.JSONField(_("附加数据"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)

    class Meta:
        verbose_name = _("待发通知")
        verbose_name_plural = _("待发通知")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The delivery run's only question: what is unsent and due, oldest first.
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at__isnull=True),
                name="outbox_unsent_due",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_display}"

    @property
    def phone(self) -> str:
        return personal_data.decrypt(self.phone_ciphertext) if self.phone_ciphertext else ""

    def set_phone(self, phone: str) -> None:
        self.phone_ciphertext = personal_data.encrypt(phone) if phone else ""
        self.phone_masked = personal_data.mask_mobile(phone) if phone else ""

    @property
    def recipient_display(self) -> str:
        """Who it goes to, without a whole phone number (it appears in logs and the admin)."""
        parts = [str(self.user) if self.user_id else "", self.email, self.phone_masked]
        return " ".join(p for p in parts if p) or "—"
