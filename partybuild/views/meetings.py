"""Organisational life (三会一课): the meetings, recording one with its roll, a meeting's
printable record and its files, members' attendance, the quarter's compliance of a
community's branches, and officials' counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from partybuild.choices import MeetingKind, Presence
from partybuild.compliance import HELD, MISSING, branch_quarters, refresh_compliance
from partybuild.filters import AttendanceFilterSet, OrganizationalLifeFilterSet
from partybuild.forms.meetings import ComplianceExemptionForm, MeetingForm
from partybuild.models import (
    Attendance,
    ComplianceExemption,
    ComplianceQuarter,
    MeetingAttachment,
    OrganizationalLife,
    PartyOrganization,
)
from partybuild.models.organization import PARTY_KEEPERS
from partybuild.models.stats import FIGURES
from partybuild.tables import AttendanceTable, ComplianceOverviewTable, OrganizationalLifeTable
from residents.presenters import history_rows
from shequ.images import photo_response
from shequ.metrics import Quarter
from shequ.models import Community, Role
from shequ.models.scoping import scope_of
from shequ.params import asked_district, asked_quarter, query_date, query_row
from shequ.views.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    ScopedMixin,
)

PRESENT = Q(attendances__presence=Presence.PRESENT)


class MeetingListView(ObjectListView):
    queryset = (
        OrganizationalLife.objects.select_related("organization__community")
        .annotate(on_roll=Count("attendances"), present=Count("attendances", filter=PRESENT))
        .only("organization__name", "organization__community__name", "kind", "also_lecture",
              "status", "date", "topic")
        .order_by("-date", "-pk")  # Meta.ordering is not applied to a GROUP BY
    )  # fmt: skip
    filterset_class = OrganizationalLifeFilterSet
    title = _("组织生活")
    sortable = {
        "date": "date",
        "kind": "kind",
        "organization": ("organization__order", "organization__name"),
        "status": "status",
    }
    add_url_name = "partybuild:meeting_add"
    table_class = OrganizationalLifeTable


class MeetingEditMixin:
    form_class = MeetingForm
    template_name = "partybuild/meeting_form.html"
    success_message = _("已保存：%(object)s")


class MeetingCreateView(MeetingEditMixin, ObjectCreateView):
    queryset = OrganizationalLife.objects.all()
    title = _("登记组织生活")

    def get_initial(self):
        """The branch and kind a link asked for (the compliance table's missing cell) and the
        day, so the roll is shown at once; htmx asks again as they change."""
        request, initial = self.request, {"date": timezone.localdate()}
        organizations = PartyOrganization.objects.visible_to(request.user).filter(
            dissolved_on__isnull=True
        )
        organization = query_row(request, "organization", organizations)
        if organization:
            initial["organization"] = organization
        if request.GET.get("kind") in MeetingKind.values:
            initial["kind"] = request.GET["kind"]
        initial["date"] = query_date(request, "date") or initial["date"]
        return initial


class MeetingUpdateView(MeetingEditMixin, ObjectUpdateView):
    queryset = OrganizationalLife.objects.select_related("organization")
    title = _("修改组织生活记录")


class MeetingDetailView(ObjectDetailView):
    queryset = OrganizationalLife.objects.select_related(
        "organization__community", "speaker_member__resident", "recorded_by"
    )
    template_name = "partybuild/meeting_detail.html"

    def get_context_data(self, **kwargs):
        user, meeting = self.request.user, self.object
        attendances = list(
            Attendance.objects.visible_to(user)
            .filter(meeting=meeting)
            .select_related("member__resident", "member__organization")
            .order_by("member__organization__order", "member__organization_id", "pk")
        )
        tally = {value: 0 for value in Presence.values}
        for row in attendances:
            tally[row.presence] += 1
        return super().get_context_data(
            meeting=meeting,
            attendances=attendances,
            tally=[(label, tally[value]) for value, label in Presence.choices],
            attachments=MeetingAttachment.objects.visible_to(user).filter(meeting=meeting),
            history=history_rows(meeting, self.request.access),
            **kwargs,
        )


class MeetingAttachmentView(ScopedMixin, View):
    """A meeting's file, to those who keep the community's party records: a picture shown, a
    document downloaded under its own name."""

    queryset = MeetingAttachment.objects.all()

    def get(self, request, pk: int):
        attachment = get_object_or_404(self.get_queryset(), pk=pk)
        if attachment.is_image:
            return photo_response(attachment.file)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as missing:
            raise Http404 from missing
        response = FileResponse(handle, as_attachment=True, filename=attachment.name)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AttendanceListView(ObjectListView):
    """出勤记录: a member signed in as a resident sees the meetings they were on the roll of
    and how they attended, nothing else; the community's keepers, everyone's."""

    queryset = Attendance.objects.select_related("meeting", "member__resident").order_by(
        "-meeting__date", "meeting_id", "pk"
    )
    filterset_class = AttendanceFilterSet
    title = _("组织生活出勤")
    sortable = {"date": "meeting__date"}
    table_class = AttendanceTable


# -- compliance ------------------------------------------------------------------------------


def may_read_compliance(access) -> bool:
    return access.is_admin or bool(access.roles & (PARTY_KEEPERS | {Role.OFFICIAL}))


class ComplianceView(ScopedMixin, TemplateView):
    """三会一课落实情况: a community's branches in a quarter against the rules, each required
    meeting held, missing (red), not yet due or excused; printable on A4."""

    queryset = Community.objects.all()
    template_name = "partybuild/compliance.html"

    @classmethod
    def allows(cls, access) -> bool:
        return may_read_compliance(access)

    def get_context_data(self, **kwargs):
        request = self.request
        communities = self.get_queryset().select_related("street").order_by("code")
        community = query_row(request, "community", communities) or communities.first()
        if community is None:
            raise Http404
        quarter = asked_quarter(request)
        today = timezone.localdate()
        rows = branch_quarters([community.pk], quarter, today)
        columns = [cell.column for cell in rows[0].cells] if rows else []
        keeper = bool(request.access.roles & PARTY_KEEPERS) or request.access.is_admin
        exemptions = (
            ComplianceExemption.objects.visible_to(request.user)
            .filter(organization__community=community)
            .filter(starts_on__lte=quarter.last, ends_on__gte=quarter.first)
            .select_related("organization")
        )
        held = sum(row.counted[0] for row in rows)
        required = sum(row.counted[1] for row in rows)
        return super().get_context_data(
            communities=communities if communities.count() > 1 else None,
            community=community, quarter=quarter, rows=rows, headers=headers(columns),
            columns=columns, held=held, required=required,
            missing=sum(row.missing for row in rows), keeper=keeper,
            exemptions=exemptions if keeper else (), HELD=HELD, MISSING=MISSING,
            previous=quarter.previous, following=quarter.following,
            **kwargs,
        )  # fmt: skip


def headers(columns) -> list[tuple[str, int]]:
    """The kinds over their columns: (label, how many columns)."""
    spans: list[tuple[str, int]] = []
    for column in columns:
        label = MeetingKind(column.kind).label
        if spans and spans[-1][0] == label:
            spans[-1] = (label, spans[-1][1] + 1)
        else:
            spans.append((label, 1))
    return spans


@dataclass
class CommunityCompliance:
    community: Community | None
    branches: int = 0
    held: int = 0
    required: int = 0
    missing: int = 0
    # False for a quarter not begun: nothing is counted for it, and the row shows dashes.
    counted: bool = True


class ComplianceOverviewView(ScopedMixin, TemplateView):
    """三会一课汇总: for officials, each community of the district (or the street they read) in
    counts only, read from the stored figures (`ComplianceQuarter`) in a fixed number of
    queries however many communities."""

    queryset = Community.objects.all()
    template_name = "partybuild/compliance_overview.html"

    @classmethod
    def allows(cls, access) -> bool:
        return access.is_admin or access.is_official

    def get_context_data(self, **kwargs):
        request = self.request
        districts, district = asked_district(request)
        quarter = asked_quarter(request)
        communities = list(
            self.get_queryset().filter(street__district=district).select_related("street")
            .only("name", "code", "street__name", "street__code")
            .order_by("street__code", "code")
        )  # fmt: skip
        # By the district, as the communities are: a thousand literal ids cost about three times
        # as much to plan (docs/architecture.md, Scoping).
        stored = {
            row.community_id: row
            for row in ComplianceQuarter.objects.visible_to(request.user)
            .filter(quarter=quarter.first, community__street__district=district)
            .only("community", *FIGURES, "computed_at")
        }
        missing = [c.pk for c in communities if c.pk not in stored]
        future = quarter > Quarter.current()
        # Never counted (a new community, a past quarter nobody asked for, or no worker has run
        # yet): count them now, once. A quarter not begun has nothing to count.
        if missing and not future:
            stored.update((row.community_id, row) for row in refresh_compliance(missing, [quarter]))
        rows, total = [], CommunityCompliance(None, counted=bool(stored))
        for community in communities:
            figures = stored.get(community.pk)
            if figures is None:
                rows.append(CommunityCompliance(community, counted=False))
                continue
            counts = {name: getattr(figures, name) for name in FIGURES}
            row = CommunityCompliance(community, **counts)
            rows.append(row)
            total.held += row.held
            total.required += row.required
            total.branches += row.branches
            total.missing += row.missing
        # A street's official reads their street, not the district the figures are kept by.
        whole = request.user.is_superuser or district.pk in scope_of(request.user).ids(
            frozenset({Role.OFFICIAL}), "district"
        )
        streets = dict.fromkeys(community.street.name for community in communities)
        return super().get_context_data(
            districts=districts if districts.count() > 1 else None, district=district,
            area=district.name if whole else "、".join(streets) or district.name,
            quarter=quarter, previous=quarter.previous, following=quarter.following, future=future,
            # The figures are at least as fresh as the oldest row.
            computed_at=min((row.computed_at for row in stored.values()), default=None),
            table=ComplianceOverviewTable([*rows, total] if rows else [], request=request,
                                          quarter=quarter),
            **kwargs,
        )  # fmt: skip


class ExemptionEditMixin:
    form_class = ComplianceExemptionForm
    success_message = _("已保存：%(object)s")

    def get_success_url(self) -> str:
        community = self.object.organization.community_id
        quarter = Quarter.of(self.object.starts_on)
        return f"{reverse('partybuild:compliance')}?community={community}&quarter={quarter}"


class ExemptionCreateView(ExemptionEditMixin, ObjectCreateView):
    queryset = ComplianceExemption.objects.all()
    title = _("登记免于考核")


class ExemptionUpdateView(ExemptionEditMixin, ObjectUpdateView):
    queryset = ComplianceExemption.objects.select_related("organization")
    title = _("修改免于考核")
