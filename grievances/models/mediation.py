"""调解: a dispute mediated by the community's people's mediation committee (人民调解委员会): the
parties, the sessions, and the agreement printed in the 人民调解协议书 layout."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shequ import personal_data
from shequ.models import Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW
from shequ.validators import normalize_mainland_mobile, not_in_future

MEDIATION_ROLES = {
    VIEW: frozenset({Role.COMMUNITY_STAFF, Role.OFFICIAL}),
    CHANGE: frozenset({Role.COMMUNITY_STAFF}),
}


class Outcome(models.TextChoices):
    AGREED = "agreed", _("调解成功")
    FAILED = "failed", _("调解不成")
    WITHDRAWN = "withdrawn", _("当事人撤回")


class Side(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class Mediation(ScopedModel):
    scope_community = "grievance__community"
    scope_roles = MEDIATION_ROLES

    grievance = models.OneToOneField(
        "grievances.Grievance", on_delete=models.PROTECT, related_name="mediation",
        verbose_name=_("诉求"),
    )  # fmt: skip
    mediator = models.ForeignKey(
        "shequ.User", on_delete=models.PROTECT, related_name="mediations",
        verbose_name=_("调解员"),
    )  # fmt: skip
    facts = models.TextField(_("纠纷主要事实、争议事项"))
    opened_on = models.DateField(_("受理调解日期"), validators=[not_in_future])
    outcome = models.CharField(_("调解结果"), max_length=20, choices=Outcome.choices, blank=True)
    agreement = models.TextField(_("协议内容"), blank=True)
    performance = models.CharField(_("履行方式、时限"), max_length=200, blank=True)
    concluded_on = models.DateField(
        _("结案日期"), null=True, blank=True, validators=[not_in_future]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调解")
        verbose_name_plural = _("调解")

    def __str__(self) -> str:
        return f"{self.grievance.register_number} {_('调解')}"

    def get_absolute_url(self) -> str:
        return reverse("grievances:mediation", args=[self.grievance_id])


class Party(ScopedModel):
    scope_community = "mediation__grievance__community"
    scope_roles = MEDIATION_ROLES

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("身份"), max_length=20, choices=Side.choices)
    name = models.CharField(_("姓名或名称"), max_length=50)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    phone_ciphertext = models.TextField(editable=False, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, editable=False, blank=True)
    history = HistoricalRecords(excluded_fields=["phone_ciphertext"])

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["side", "pk"]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.name}"

    def set_phone(self, phone: str) -> None:
        phone = normalize_mainland_mobile(phone) or phone.strip()
        self.phone_ciphertext = personal_data.encrypt(phone) if phone else ""
        self.phone_masked = personal_data.mask_mobile(phone) if phone else ""


class MediationSession(ScopedModel):
    scope_community = "mediation__grievance__community"
    scope_roles = MEDIATION_ROLES

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("调解日期"), validators=[not_in_future])
    place = models.CharField(_("地点"), max_length=100, blank=True)
    notes = models.TextField(_("调解经过"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.place}"
