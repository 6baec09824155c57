from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shequ.models.roles import ROLE_SCOPE_LEVELS, SCOPE_LEVELS, Role
from shequ.validators import normalize_mainland_mobile, validate_mainland_mobile


class User(AbstractUser):
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(
        _("手机号码"),
        max_length=11,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_mainland_mobile],
        help_text=_("可用于登录。"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name or self.username

    def clean(self) -> None:
        super().clean()
        self.phone = normalize_mainland_mobile(self.phone) or None


def _only(level: str) -> Q:
    """The scope columns: exactly `level` is set."""
    return Q(**{f"{other}__isnull": other != level for other in SCOPE_LEVELS})


class RoleAssignment(models.Model):
    """A user's role within one district, street, community or grid unit."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        "shequ.District",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("区"),
    )
    street = models.ForeignKey(
        "shequ.Street",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("街道"),
    )
    community = models.ForeignKey(
        "shequ.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("社区"),
    )
    grid_unit = models.ForeignKey(
        "shequ.GridUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("网格"),
    )
    department = models.ForeignKey(
        "shequ.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("职能部门"),
    )
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(role=role) & (_only(levels[0]) | _only(levels[-1]))
                        for role, levels in ROLE_SCOPE_LEVELS.items()
                    ],
                    _connector=Q.OR,
                ),
                name="role_assignment_scope_matches_role",
                violation_error_message=_("角色与授权范围不匹配。"),
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", "role", level],
                    condition=Q(**{f"{level}__isnull": False}),
                    name=f"role_assignment_unique_{level}",
                    violation_error_message=_("该用户在这一范围已有这个角色。"),
                )
                for level in SCOPE_LEVELS
            ],
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope}"

    @property
    def scope(self):
        return self.district or self.street or self.community or self.grid_unit or self.department

    @property
    def scope_level(self) -> str | None:
        return next((level for level in SCOPE_LEVELS if getattr(self, f"{level}_id")), None)

    def clean(self) -> None:
        allowed = ROLE_SCOPE_LEVELS.get(self.role, ())
        chosen = [level for level in SCOPE_LEVELS if getattr(self, f"{level}_id")]
        if len(chosen) != 1 or chosen[0] not in allowed:
            labels = "或".join(str(self._meta.get_field(level).verbose_name) for level in allowed)
            raise ValidationError(
                _("“%(role)s”须且只须指定一个%(levels)s。")
                % {"role": self.get_role_display(), "levels": labels}
            )
