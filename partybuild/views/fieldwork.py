"""The party's field work: pairing (结对帮扶) and its visits, the members' 三必访, 四个一, and
in-service members reporting to the community (双报到): the needs board and their hours."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView, View

from grievances.models import Grievance
from partybuild import services
from partybuild.choices import (
    SENSITIVE_PAIRING_KINDS,
    FourOnesItem,
    MemberStatus,
    OrganizationKind,
)
from partybuild.filters import CommunityNeedFilterSet, FourOnesRecordFilterSet, PairingFilterSet
from partybuild.forms.fieldwork import (
    CommunityNeedForm,
    FourOnesRecordForm,
    NeedClaimForm,
    PairingEndForm,
    PairingForm,
    PairingVisitForm,
    ServiceHoursForm,
    may_see_sensitive,
)
from partybuild.models import (
    CommunityNeed,
    FourOnesRecord,
    Pairing,
    PartyMember,
    PartyOrganization,
    ServiceHours,
)
from partybuild.models.organization import PARTY_KEEPERS
from partybuild.tables import (
    CommunityNeedTable,
    FourOnesRecordTable,
    PairingTable,
    pairing_kind_label,
)
from residents.models import Resident, Visit
from residents.presenters import history_rows
from residents.tables import DueVisitList
from residents.views.fieldwork import due_visits
from shequ.access import Access
from shequ.models.scoping import CHANGE
from shequ.params import query_row, query_year
from shequ.views.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    ScopedMixin,
    allowed_url,
)


class PartyKeepersOnly:
    """A page for the party's keepers over rows others may also read (residents, members'
    own rows): the others never see its link and get a 404."""

    @classmethod
    def allows(cls, access: Access) -> bool:
        return access.is_admin or bool(PARTY_KEEPERS & access.roles)


# Rows of a member sort by the member's name as the roster does: pinyin initials first.
BY_MEMBER_NAME = ("member__resident__name_initials", "member__resident__name_simplified")


# 结对帮扶


class PairingListView(ObjectListView):
    queryset = Pairing.objects.select_related(
        "member__resident", "household__building", "community"
    ).with_last_visit()
    filterset_class = PairingFilterSet
    title = _("结对帮扶")
    sortable = {
        "member": BY_MEMBER_NAME,
        "kind": "kind",
        "started_on": "started_on",
        "last_visit": "last_visit",
    }
    add_url_name = "partybuild:pairing_add"
    table_class = PairingTable


class PairingCreateView(ObjectCreateView):
    queryset = Pairing.objects.all()
    form_class = PairingForm
    title = _("登记结对帮扶")
    success_message = _("已登记结对：%(object)s。")

    def get_initial(self):
        members = PartyMember.objects.visible_to(self.request.user)
        return {"member": query_row(self.request, "member", members)}

    def get_success_url(self):
        return self.object.get_absolute_url()


class PairingDetailView(ObjectDetailView):
    queryset = Pairing.objects.select_related("member__resident", "household__building")
    template_name = "partybuild/pairing_detail.html"

    def get_context_data(self, **kwargs):
        user, pairing = self.request.user, self.object
        visits = list(
            Visit.objects.visible_to(user)
            .filter(pairing_visit__pairing=pairing)
            .select_related("visitor")
        )
        today = timezone.localdate()
        last = max((visit.visited_on for visit in visits), default=None)
        sensitive = may_see_sensitive(user)
        kind = pairing_kind_label(pairing, sensitive, pairing.get_kind_display())
        # The history names the kind: withheld where the kind is.
        shown = sensitive or pairing.kind not in SENSITIVE_PAIRING_KINDS
        return super().get_context_data(
            pairing=pairing,
            kind=kind,
            member_url=allowed_url(
                self.request.access, "partybuild:member_detail", pairing.member_id
            ),
            visits=visits,
            overdue=pairing.overdue(last, today),
            history=history_rows(pairing, self.request.access) if shown else [],
            **kwargs,
        )


class PairingEndView(ObjectUpdateView):
    """解除结对: the pair stays on record with the day and the reason."""

    queryset = Pairing.objects.filter(ended_on__isnull=True)
    form_class = PairingEndForm
    title = _("解除结对")
    success_message = _("已解除结对：%(object)s。")

    def get_initial(self):
        return {"ended_on": timezone.localdate()}

    def form_valid(self, form):
        form.instance._change_reason = _("解除结对")
        return super().form_valid(form)


class PairingVisitCreateView(ScopedMixin, FormView):
    """A pair's visit, recorded on a phone from the pairing's page."""

    queryset = Pairing.objects.select_related("household__building", "member__resident")
    action = CHANGE
    form_class = PairingVisitForm
    template_name = "object_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.pairing = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "pairing": self.pairing}

    def get_initial(self):
        # A visit to an ended pair is one recorded late: no later than the end.
        return {"visited_on": min(timezone.localdate(), self.pairing.ended_on or datetime.date.max)}

    def get_context_data(self, **kwargs):
        title = _("记录结对走访：%(pairing)s") % {"pairing": self.pairing}
        return super().get_context_data(title=title, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.pairing_visit(
                self.pairing, self.request.user, visited_on=data["visited_on"],
                notes=data["notes"], follow_up=data.get("follow_up", ""),
                residents=data.get("residents") or [],
            )  # fmt: skip
        except ValidationError as refused:
            form.add_error(None, refused.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("已记录走访。"))
        return redirect(self.pairing)


# 三必访


class MustVisitListView(PartyKeepersOnly, ScopedMixin, ListView):
    """三必访: residents of party members' households who are due a visit, by the registry's own
    must-visit rules (a member transferred in, in difficulty, ill; a deceased member's family)."""

    queryset = Resident.objects.all()
    template_name = "partybuild/visit_due.html"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        households = PartyMember.objects.visible_to(user).values("resident__household")
        residents = super().get_queryset().filter(household__in=households)
        return due_visits(residents, timezone.localdate()).select_related(
            "household__building__grid_unit"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["table"] = DueVisitList(context["object_list"], request=self.request)
        return context


# 四个一


def year_end(year: int) -> datetime.date:
    """The day a year's table is read on: today for this year, 31 December for a past one."""
    return min(datetime.date(year, 12, 31), timezone.localdate())


class FourOnesTableView(PartyKeepersOnly, ScopedMixin, TemplateView):
    """A branch's 四个一 for a year: each member who belonged to it then × the four items."""

    queryset = PartyOrganization.objects.all()
    template_name = "partybuild/four_ones_table.html"

    def get_context_data(self, **kwargs):
        branches = list(
            self.get_queryset()
            .filter(kind=OrganizationKind.BRANCH, dissolved_on__isnull=True)
            .select_related("community")
            .order_by("community__code", "order", "pk")
        )
        branch = query_row(self.request, "organization", self.get_queryset())
        if branch is None or branch.kind != OrganizationKind.BRANCH:
            branch = branches[0] if branches else None
        year = query_year(self.request, "year") or timezone.localdate().year
        rows = self.rows(branch, year) if branch else []
        return super().get_context_data(
            title=_("四个一"),
            branches=branches,
            branch=branch,
            year=year,
            years=range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            items=FourOnesItem.choices,
            rows=rows,
            complete=sum(1 for _member, done in rows if all(done)),
            records_url=allowed_url(self.request.access, "partybuild:fouronesrecord_list"),
            **kwargs,
        )

    def rows(self, branch: PartyOrganization, year: int) -> list[tuple[PartyMember, list]]:
        user = self.request.user
        groups = PartyOrganization.objects.visible_to(user).filter(parent=branch)
        organizations = [branch.pk, *groups.values_list("pk", flat=True)]
        members = list(
            PartyMember.objects.visible_to(user)
            .in_organization_on(organizations, year_end(year))
            .select_related("resident")
            .order_by("resident__name_initials", "pk")
        )
        done: dict[int, dict[str, int]] = {}
        records = (
            FourOnesRecord.objects.visible_to(user)
            .filter(member__in=[m.pk for m in members], done_on__year=year)
            .order_by("done_on", "pk")
            .values_list("member", "item", "pk")
        )
        for member, item, pk in records if members else []:
            done.setdefault(member, {})[item] = pk
        return [
            (member, [done.get(member.pk, {}).get(item) for item, _label in FourOnesItem.choices])
            for member in members
        ]


class FourOnesRecordListView(ObjectListView):
    queryset = FourOnesRecord.objects.select_related("member__resident", "grievance", "community")
    filterset_class = FourOnesRecordFilterSet
    title = _("四个一记录")
    sortable = {
        "done_on": "done_on",
        "member": BY_MEMBER_NAME,
        "item": "item",
    }
    add_url_name = "partybuild:fouronesrecord_add"
    table_class = FourOnesRecordTable


class FourOnesRecordCreateView(ScopedMixin, FormView):
    """四个一 recorded by a party worker, or by the member on their phone."""

    queryset = FourOnesRecord.objects.all()
    action = CHANGE
    form_class = FourOnesRecordForm
    template_name = "object_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        members = PartyMember.objects.visible_to(self.request.user)
        return {
            "member": query_row(self.request, "member", members),
            "done_on": timezone.localdate(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("登记四个一"), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            record = services.four_ones_record(
                member=data["member"], item=data["item"], done_on=data["done_on"],
                description=data["description"], category=data.get("category"),
                by=self.request.user,
            )  # fmt: skip
        except ValidationError as refused:
            form.add_error(None, refused.messages)
            return self.form_invalid(form)
        if record.grievance:
            messages.success(
                self.request,
                _("已登记，并转到诉求受理：登记编号 %(number)s。")
                % {"number": record.grievance.register_number},
            )
        else:
            messages.success(self.request, _("已登记：%(record)s。") % {"record": record})
        return redirect(record)


class FourOnesRecordDetailView(ObjectDetailView):
    queryset = FourOnesRecord.objects.select_related("member__resident", "grievance", "recorded_by")
    template_name = "partybuild/fouronesrecord_detail.html"

    def get_context_data(self, **kwargs):
        record, user = self.object, self.request.user
        # The case's number and state are this record's outcome, shown to whoever reads it (the
        # member follows their own suggestion); the case itself opens only for the desk's roles.
        case = record.grievance
        case_url = (
            case.get_absolute_url()
            if case and Grievance.objects.visible_to(user).filter(pk=case.pk).exists()
            else None
        )
        return super().get_context_data(
            record=record,
            case=case,
            case_url=case_url,
            member_url=allowed_url(
                self.request.access, "partybuild:member_detail", record.member_id
            ),
            history=history_rows(record, self.request.access),
            **kwargs,
        )


# 双报到


class CommunityNeedListView(ObjectListView):
    """The needs board: posts to take on (认领岗位) and small wishes (微心愿)."""

    queryset = CommunityNeed.objects.select_related("claimed_by__resident", "community")
    filterset_class = CommunityNeedFilterSet
    title = _("认领岗位与微心愿")
    sortable = {"title": "title", "kind": "kind", "posted_on": "posted_on", "status": "status"}
    add_url_name = "partybuild:need_add"
    table_class = CommunityNeedTable


class CommunityNeedCreateView(ObjectCreateView):
    queryset = CommunityNeed.objects.all()
    form_class = CommunityNeedForm
    title = _("发布需求")
    success_message = _("已发布：%(object)s。")

    def get_success_url(self):
        return self.object.get_absolute_url()


class CommunityNeedDetailView(ObjectDetailView):
    queryset = CommunityNeed.objects.select_related("claimed_by__resident", "posted_by")
    template_name = "partybuild/need_detail.html"

    def get_context_data(self, **kwargs):
        need, user = self.object, self.request.user
        claimable = CommunityNeed.objects.visible_to(user, "claim").filter(pk=need.pk).exists()
        claimer = (
            PartyMember.objects.visible_to(user).filter(pk=need.claimed_by_id).first()
            if need.claimed_by_id
            else None
        )
        if "claim_form" not in kwargs and claimable and need.status == "open":
            kwargs["claim_form"] = NeedClaimForm(user=user, need=need)
        return super().get_context_data(
            need=need,
            claimer=claimer,
            history=history_rows(need, self.request.access),
            **kwargs,
        )


class CommunityNeedClaimView(ScopedMixin, View):
    queryset = CommunityNeed.objects.all()
    action = "claim"

    def post(self, request, pk):
        need = get_object_or_404(self.get_queryset(), pk=pk)
        form = NeedClaimForm(request.POST, user=request.user, need=need)
        if form.is_valid():
            try:
                services.need_claim(need, form.cleaned_data["member"], request.user)
            except ValidationError as refused:
                form.add_error(None, refused.messages)
        if form.errors:
            view = CommunityNeedDetailView(request=request, kwargs={"pk": pk})
            view.object = need
            context = view.get_context_data(claim_form=form)
            return view.render_to_response(context)
        messages.success(request, _("已认领：%(need)s。") % {"need": need})
        return redirect(need)


class CommunityNeedDoneView(ScopedMixin, View):
    queryset = CommunityNeed.objects.all()
    action = CHANGE

    def post(self, request, pk):
        need = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.need_done(need, request.user)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("已完成：%(need)s。") % {"need": need})
        return redirect(need)


class MemberServiceView(ObjectDetailView):
    """An in-service member's record (双报到): unit, the day they reported, the needs they
    claimed and the hours they served this year."""

    queryset = PartyMember.objects.select_related("resident", "community")
    template_name = "partybuild/member_service.html"

    def get_context_data(self, **kwargs):
        member, user = self.object, self.request.user
        year = timezone.localdate().year
        hours = list(
            ServiceHours.objects.visible_to(user)
            .filter(member=member, served_on__year=year)
            .select_related("need")
        )
        claims = CommunityNeed.objects.visible_to(user).filter(claimed_by=member)
        return super().get_context_data(
            member=member,
            year=year,
            hours=hours,
            total=sum((row.hours for row in hours), Decimal(0)),
            claims=claims.order_by("-claimed_on", "-pk"),
            hours_add_url=allowed_url(
                self.request.access, "partybuild:servicehours_add", member.pk
            ),
            **kwargs,
        )


class ServiceHoursCreateView(ObjectCreateView):
    queryset = ServiceHours.objects.all()
    form_class = ServiceHoursForm
    title = _("登记服务时长")
    success_message = _("已登记服务时长。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            changeable = PartyMember.objects.visible_to(request.user, CHANGE)
            self.member = get_object_or_404(
                changeable.filter(status=MemberStatus.ACTIVE).select_related("resident"),
                pk=kwargs["partymember_pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "member": self.member}

    def get_initial(self):
        return {"served_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        self.title = _("登记服务时长：%(member)s") % {"member": self.member}
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return reverse("partybuild:member_service", args=[self.member.pk])
