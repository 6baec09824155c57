"""党费: the month's sheet of an organisation, its year's summary and workbook, the arrears, and
a member's dues. Names are for the community's party workers and staff; a member signed in as
a resident reads their own months; officials read only the assessment's figure."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import messages
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, FormView, TemplateView, View

from partybuild.choices import MemberStatus
from partybuild.dues.excel import dues_workbook
from partybuild.dues.filters import DuesArrearsFilterSet
from partybuild.dues.forms import DuesBasisForm, DuesMonthForm, DuesPaymentForm
from partybuild.dues.services import dues_basis_set, dues_generate, dues_pay
from partybuild.dues.tables import DuesArrearsTable
from partybuild.models import DuesBasis, DuesMonth, PartyMember, PartyOrganization
from partybuild.models.dues import first_of_month, month_after
from partybuild.models.organization import PARTY_KEEPERS
from partybuild.views.organizations import tree_rows
from shequ.access import Access
from shequ.excel import xlsx_response
from shequ.models.scoping import CHANGE
from shequ.params import parse_id, query_month, query_year
from shequ.views.generic import ObjectListView, ObjectUpdateView, ScopedMixin

UNPAID = Q(paid_on__isnull=True)
# Paid within the month or ahead of it: the month a payment fell in is not after the month owed.
ON_TIME = Q(paid_on__isnull=False, paid_month__lte=F("month"))


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


# Members owing, due, paid, outstanding and paid on time of a set of dues rows (annotated with
# their `paid_month`).
FIGURES = {
    "members": Count("pk"),
    "due": Sum("amount_due"),
    "paid": Sum("amount_paid"),
    "outstanding": Sum("amount_due", filter=UNPAID),
    "on_time": Count("pk", filter=ON_TIME),
}


def figures_of(rows, by: str) -> dict:
    """FIGURES of `rows` for each value of the field `by`, in one GROUP BY. The month a row was
    paid in is annotated before grouping, or it would split each group in paid and unpaid."""
    rows = rows.annotate(paid_month=TruncMonth("paid_on")).values(by)
    return {row[by]: row for row in rows.annotate(**FIGURES).order_by()}


def with_rate(row: dict) -> dict:
    members = row.get("members") or 0
    row["rate"] = (
        (Decimal(row["on_time"]) * 100 / members).quantize(Decimal("0.1")) if members else None
    )
    return row


class OrganizationDuesMixin(ScopedMixin):
    """A page about one organisation's dues, its groups' (and branches') members included."""

    queryset = PartyOrganization.objects.select_related("community")

    def setup(self, request, *args, **kwargs) -> None:
        super().setup(request, *args, **kwargs)
        self.node: PartyOrganization | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.allows(request.access):
            self.node = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def organization_ids(self) -> list[int]:
        """The organisation and every one below it, from one query of its community's tree."""
        links = PartyOrganization.objects.filter(community=self.node.community_id).values_list(
            "pk", "parent_id"
        )
        children: dict[int, list[int]] = {}
        for pk, parent in links:
            children.setdefault(parent, []).append(pk)
        ids, queue = [], [self.node.pk]
        while queue:
            pk = queue.pop()
            ids.append(pk)
            queue.extend(children.get(pk, []))
        return ids

    def rows(self, action: str = "view"):
        return DuesMonth.objects.visible_to(self.request.user, action).filter(
            organization__in=self.organization_ids()
        )


class DuesIndexView(ScopedMixin, TemplateView):
    """党费: every organisation's month, rolled up the tree, in three queries."""

    queryset = PartyOrganization.objects.all()
    template_name = "partybuild/dues_index.html"

    def get_context_data(self, **kwargs):
        month = min(query_month(self.request, "month") or this_month(), this_month())
        nodes = list(
            self.get_queryset()
            .filter(dissolved_on__isnull=True)
            .select_related("community")
            .order_by("community__code", "order", "pk")
        )
        rows = DuesMonth.objects.visible_to(self.request.user).filter(month=month)
        own = figures_of(rows, "organization")
        rows = tree_rows(nodes)
        known = {node.pk for node in nodes}
        totals = {}
        # Children come after their parent in tree order: walking it backwards adds each
        # node's total to its parent's before the parent is read.
        for _depth, node in reversed(rows):
            mine = own.get(node.pk, {})
            total = totals.setdefault(node.pk, dict.fromkeys(FIGURES, 0))
            for key in total:
                total[key] += mine.get(key) or 0
            if node.parent_id in known:
                parent = totals.setdefault(node.parent_id, dict.fromkeys(FIGURES, 0))
                for key in parent:
                    parent[key] += total[key]
        return super().get_context_data(
            title=_("党费"),
            month=month,
            rows=[(depth, node, with_rate(totals[node.pk])) for depth, node in rows],
            several=len({node.community_id for node in nodes}) > 1,
            **kwargs,
        )


class DuesSheetView(OrganizationDuesMixin, FormView):
    """A month's sheet: who owes, what, and a tick for what was paid. Opening it makes the
    month's rows that are missing, so the first visit of a month needs no task to have run."""

    template_name = "partybuild/dues_sheet.html"
    form_class = DuesPaymentForm

    def get_month(self) -> datetime.date:
        return min(query_month(self.request, "month") or this_month(), this_month())

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "rows": self.rows(CHANGE).filter(month=self.get_month()),
            "month": self.get_month(),
        }

    def get(self, request, *args, **kwargs):
        dues_generate(self.get_month(), communities=[self.node.community_id])
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        month = self.get_month()
        chosen = form.fields["rows"].queryset if form.cleaned_data["everything"] else None
        rows = chosen if chosen is not None else form.cleaned_data["rows"]
        recorded = dues_pay(
            DuesMonth.objects.filter(pk__in=rows.values("pk")),
            paid_on=form.cleaned_data["paid_on"],
            by=self.request.user,
        )
        if recorded:
            messages.success(
                self.request,
                _("已登记 %(n)s 名党员 %(month)s 的党费。")
                % {"n": recorded, "month": f"{month:%Y-%m}"},
            )
        else:
            messages.info(self.request, _("勾选的党员本月党费都已登记，没有改动。"))
        return HttpResponseRedirect(f"{self.request.path}?month={month:%Y-%m}")

    def get_context_data(self, **kwargs):
        month = self.get_month()
        ids = self.organization_ids()
        rows = (
            self.rows()
            .filter(month=month)
            .select_related("member__resident", "organization", "recorded_by")
            .order_by("organization__order", "organization_id", "member__joined_on", "pk")
        )
        bases = DuesBasis.objects.filter(member=OuterRef("pk"))
        unset = (
            PartyMember.objects.visible_to(self.request.user)
            .filter(organization__in=ids, status=MemberStatus.ACTIVE)
            .exclude(Exists(bases))
            .select_related("resident")
            .order_by("joined_on", "pk")
        )
        rows = list(rows)
        form = kwargs.pop("form", None) or self.get_form()
        ticked = {parse_id(value) for value in form["rows"].value() or []} if form.is_bound else ()
        return super().get_context_data(
            form=form,
            ticked=ticked,
            title=_("%(organization)s %(month)s 党费")
            % {
                "organization": self.node.name,
                "month": f"{month:%Y-%m}",
            },
            node=self.node,
            month=month,
            previous=first_of_month(month - datetime.timedelta(days=1)),
            following=month_after(month) if month < this_month() else None,
            dues_rows=rows,
            unpaid=sum(1 for row in rows if not row.paid),
            unset=unset,
            **kwargs,
        )


class DuesSummaryView(OrganizationDuesMixin, TemplateView):
    """A year of an organisation's dues, month by month, in one aggregate query."""

    template_name = "partybuild/dues_summary.html"

    def get_context_data(self, **kwargs):
        year = query_year(self.request, "year") or timezone.localdate().year
        found = figures_of(self.rows().filter(month__year=year), "month")
        months = [datetime.date(year, number, 1) for number in range(1, 13)]
        months = [month for month in months if month <= this_month()]
        rows = [(month, with_rate(found.get(month, {"members": 0}))) for month in months]
        total = {key: sum((row.get(key) or 0) for _m, row in rows) for key in FIGURES}
        return super().get_context_data(
            title=_("%(organization)s %(year)s 年党费汇总")
            % {
                "organization": self.node.name,
                "year": year,
            },
            node=self.node,
            year=year,
            rows=rows,
            total=with_rate(total),
            **kwargs,
        )


class DuesExportView(OrganizationDuesMixin, View):
    """The year's workbook for the branch's treasurer (党费收缴台账)."""

    def get(self, request, *args, **kwargs):
        year = query_year(request, "year") or timezone.localdate().year
        rows = (
            self.rows()
            .filter(month__year=year)
            .select_related("member__resident", "organization", "recorded_by")
            .order_by("organization__order", "organization_id", "member_id", "month")
        )
        content = dues_workbook(self.node, year, list(rows))
        return xlsx_response(content, f"{self.node.name}-{year}-党费.xlsx")


class DuesArrearsView(ObjectListView):
    """欠交党费: members with unpaid months, the longest owing first."""

    queryset = (
        PartyMember.objects.select_related("resident", "organization", "community")
        .annotate(
            arrears_months=Count("dues_months", filter=Q(dues_months__paid_on__isnull=True)),
            arrears_amount=Sum(
                "dues_months__amount_due", filter=Q(dues_months__paid_on__isnull=True)
            ),
            arrears_since=Min("dues_months__month", filter=Q(dues_months__paid_on__isnull=True)),
        )
        .filter(arrears_months__gt=0)
        .order_by("arrears_since", "pk")
    )
    filterset_class = DuesArrearsFilterSet
    table_class = DuesArrearsTable
    title = gettext_lazy("欠交党费")
    sortable = {
        "since": "arrears_since",
        "months": "-arrears_months",
        "amount": "-arrears_amount",
        "organization": ("organization__order", "organization__name"),
    }

    @classmethod
    def allows(cls, access: Access) -> bool:
        # A member reads their own months on their file, not a list of who owes.
        return access.is_admin or bool(PARTY_KEEPERS & access.roles)


class MemberDuesView(ScopedMixin, CreateView):
    """A member's dues: every month, the bases the branch set, and (for the party workers) a
    new basis. The member reads their own, signed in as a resident."""

    queryset = DuesBasis.objects.all()
    form_class = DuesBasisForm
    template_name = "partybuild/dues_member.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.allows(request.access):
            members = PartyMember.objects.visible_to(request.user).select_related("resident")
            self.member = get_object_or_404(members, pk=kwargs["partymember_pk"])
        return super().dispatch(request, *args, **kwargs)

    def may_change(self) -> bool:
        changeable = PartyMember.objects.visible_to(self.request.user, CHANGE)
        return changeable.filter(pk=self.member.pk).exists()

    def post(self, request, *args, **kwargs):
        if not self.may_change():
            return HttpResponseRedirect(request.path)
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        latest = self.member.dues_bases.order_by("-effective_from").first()
        initial = {"effective_from": this_month()}
        if latest:
            initial.update(category=latest.category, base=latest.base)
            if latest.overridden:
                initial.update(fixed_amount=latest.fixed_amount, note=latest.note)
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "member": self.member}

    def form_valid(self, form):
        basis = dues_basis_set(form.instance, self.request.user)
        messages.success(
            self.request,
            _("已核定：自 %(month)s 起每月 %(amount)s 元。")
            % {"month": f"{basis.effective_from:%Y-%m}", "amount": basis.amount},
        )
        return HttpResponseRedirect(self.request.path)

    def get_context_data(self, **kwargs):
        user, member = self.request.user, self.member
        may_change = self.may_change()
        if not may_change:
            kwargs["form"] = None
        return super().get_context_data(
            title=_("%(name)s 的党费") % {"name": member.name},
            member=member,
            may_change=may_change,
            bases=DuesBasis.objects.visible_to(user)
            .filter(member=member)
            .select_related("set_by")
            .order_by("-effective_from"),
            months=DuesMonth.objects.visible_to(user)
            .filter(member=member)
            .select_related("organization", "recorded_by")
            .order_by("-month"),
            **kwargs,
        )


class DuesMonthUpdateView(ObjectUpdateView):
    """Correcting a month already recorded: its history keeps what it was and why."""

    queryset = DuesMonth.objects.select_related("member__resident")
    form_class = DuesMonthForm
    title = gettext_lazy("更正党费记录")
    success_message = gettext_lazy("已更正 %(object)s 的党费记录。")

    def get_success_url(self) -> str:
        return reverse("partybuild:member_dues", args=[self.object.member_id])
