from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from partybuild.choices import PARENT_KINDS, OrganizationKind, Post
from shequ.models import Community, GridUnit, Role, ScopedModel
from shequ.models.scoping import CHANGE, VIEW

# Member files never leave the community: officials read compliance and counts instead.
PARTY_KEEPERS = frozenset({Role.COMMUNITY_STAFF, Role.PARTY_WORKER})
PARTY_ROLES = {VIEW: PARTY_KEEPERS, CHANGE: PARTY_KEEPERS}
# A branch committee serves three years, a committee or general branch five (党章, 2018 条例).
TERM_YEARS = {
    OrganizationKind.COMMITTEE: 5,
    OrganizationKind.GENERAL_BRANCH: 5,
    OrganizationKind.BRANCH: 3,
    OrganizationKind.GROUP: 3,
}


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class PartyOrganization(ScopedModel):
    """党组织: one node of a community's tree (党委 → 党总支 → 党支部 → 党小组). Branches and groups
    are built on grid units (支部建在网格上)."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="party_organizations",
        verbose_name=_("社区"),
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("上级党组织"),
    )  # fmt: skip
    kind = models.CharField(_("类型"), max_length=20, choices=OrganizationKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    grid_units = models.ManyToManyField(
        GridUnit, blank=True, related_name="party_organizations", verbose_name=_("所在网格"),
        help_text=_("党支部、党小组建在哪些网格上。"),
    )  # fmt: skip
    founded_on = models.DateField(_("成立日期"), default=timezone.localdate)
    elected_on = models.DateField(
        _("本届选举日期"), null=True, blank=True, help_text=_("本届委员会（或组长）产生的日期。")
    )
    term_ends_on = models.DateField(
        _("届满日期"), null=True, blank=True,
        help_text=_("不填则按党委、党总支 5 年，党支部 3 年计算。"),
    )  # fmt: skip
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    history = HistoricalRecords(m2m_fields=["grid_units"])

    scope_roles = PARTY_ROLES

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["community_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="party_organization_name_unique_in_community",
                violation_error_message=_("本社区已有同名的党组织。"),
            ),
            models.UniqueConstraint(
                fields=["community"],
                condition=Q(parent__isnull=True, dissolved_on__isnull=True),
                name="party_organization_one_top_per_community",
                violation_error_message=_("本社区已有最上级的党组织，请选择上级党组织。"),
            ),
            models.CheckConstraint(
                condition=~Q(kind=OrganizationKind.GROUP) | Q(parent__isnull=False),
                name="party_organization_group_has_branch",
                violation_error_message=_("党小组须设在党支部之下。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partybuild:organization_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.parent_id and self.kind:
            if self.parent.community_id != self.community_id:
                errors["parent"] = _("上级党组织须在本社区。")
            elif self.parent.kind not in PARENT_KINDS[self.kind]:
                errors["parent"] = _("%(kind)s不能设在%(parent)s之下。") % {
                    "kind": self.get_kind_display(),
                    "parent": self.parent.get_kind_display(),
                }
            elif self.pk and self.pk in self.parent.ancestor_ids(include_self=True):
                errors["parent"] = _("上级党组织不能是它自己或它的下级。")
        if self.elected_on and self.term_ends_on and self.term_ends_on <= self.elected_on:
            errors["term_ends_on"] = _("届满日期须晚于选举日期。")
        if self.dissolved_on and self.founded_on and self.dissolved_on < self.founded_on:
            errors["dissolved_on"] = _("撤销日期不能早于成立日期。")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:
        if self.elected_on and not self.term_ends_on:
            self.term_ends_on = years_after(self.elected_on, TERM_YEARS[self.kind])
        super().save(*args, **kwargs)

    def ancestor_ids(self, include_self: bool = False) -> list[int]:
        """The ids up the tree, read one parent at a time: a tree is four levels at most."""
        ids, node = ([self.pk] if include_self else []), self
        while node.parent_id:
            ids.append(node.parent_id)
            node = node.parent
        return ids

    @property
    def term_expired(self) -> bool:
        return bool(self.term_ends_on and self.term_ends_on < timezone.localdate())

    @property
    def holds_members(self) -> bool:
        return self.kind in (OrganizationKind.BRANCH, OrganizationKind.GROUP)


class OrganizationPost(ScopedModel):
    """班子成员: a member's post in an organisation's committee (or as a group's leader), from the
    day they took it until the day they left it."""

    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="posts",
        verbose_name=_("党组织"),
    )  # fmt: skip
    member = models.ForeignKey(
        "partybuild.PartyMember", on_delete=models.PROTECT, related_name="posts",
        verbose_name=_("党员"),
    )  # fmt: skip
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)
    started_on = models.DateField(_("任职日期"), default=timezone.localdate)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    history = HistoricalRecords()

    scope_community = "organization__community"
    scope_roles = PARTY_ROLES

    class Meta:
        verbose_name = _("班子成员")
        verbose_name_plural = _("班子成员")
        ordering = ["organization_id", "ended_on", "post", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(post=Post.SECRETARY, ended_on__isnull=True),
                name="party_post_one_secretary",
                violation_error_message=_("这个党组织已有在任书记，请先登记原书记离任。"),
            ),
            models.UniqueConstraint(
                fields=["organization", "member"],
                condition=Q(ended_on__isnull=True),
                name="party_post_one_current_post_per_member",
                violation_error_message=_("这位党员在这个党组织已有在任职务。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_post_display()}"

    def clean(self) -> None:
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("离任日期不能早于任职日期。")})
