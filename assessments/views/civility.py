"""四无 and 文明评选 pages: a community's quarter building by building, entering a building's
record beside the grievances and field-log entries of its quarter, the year's candidates with
staff's decisions, the list of awards to print or export, and officials' counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from assessments.excel import awards_workbook
from assessments.forms import CivilityAwardForm, FourNoRecordForm
from assessments.models import CivilityAward, FourNoRecord
from assessments.models.civility import (
    ITEMS,
    PASSED,
    Decision,
    Item,
    Quarter,
    award_year,
    households_of,
    undecided,
)
from assessments.services import awards_confirm
from assessments.tables import (
    CandidateBuildingTable,
    CandidateHouseholdTable,
    FourNoOverviewTable,
    FourNoQuarterTable,
)
from grievances.choices import Kind as GrievanceKind
from grievances.models import Grievance
from residents.models import Building, FieldLogEntry, Household
from residents.presenters import history_rows
from shequ.excel import xlsx_response
from shequ.models import Community
from shequ.models.scoping import CHANGE
from shequ.params import asked_district, asked_quarter, query_row, query_year
from shequ.views.generic import ObjectCreateView, ObjectUpdateView, ScopedMixin


def community_of(request) -> tuple[QuerySet | None, Community]:
    """The communities the user reaches (None when only one, so no choice is offered) and the
    one asked for, else the first: junk is no choice, not an error."""
    communities = Community.objects.visible_to(request.user).select_related("street")
    community = query_row(request, "community", communities) or communities.first()
    if community is None:
        raise Http404
    return (communities if communities.count() > 1 else None), community


# -- a community's quarter -------------------------------------------------------------------


@dataclass
class BuildingQuarter:
    building: Building
    record: FourNoRecord | None
    locked: bool


class FourNoRecordListView(ScopedMixin, TemplateView):
    """四无记录: each building of the community the user may see, with its quarter's record, or
    a red mark where it is missing."""

    queryset = FourNoRecord.objects.all()
    template_name = "assessments/fournorecord_list.html"

    def get_context_data(self, **kwargs):
        request, user = self.request, self.request.user
        communities, community = community_of(request)
        quarter = asked_quarter(request)
        buildings = (
            Building.objects.visible_to(user)
            .filter(community=community)
            .select_related("grid_unit")
            .order_by("grid_unit__number", "sort_key", "number")
        )
        records = {
            record.building_id: record
            for record in self.get_queryset()
            .filter(community=community, year=quarter.year, quarter=quarter.number)
            .select_related("entered_by")
        }
        decided = set(
            CivilityAward.objects.visible_to(user)
            .filter(community=community, year=quarter.year)
            .values_list("building", flat=True)
        )
        rows = [BuildingQuarter(b, records.get(b.pk), b.pk in decided) for b in buildings]
        entered = [row.record for row in rows if row.record]
        may_enter = FourNoRecordCreateView.allows(request.access)
        return super().get_context_data(
            communities=communities, community=community, quarter=quarter,
            table=FourNoQuarterTable(rows, request=request, quarter=quarter, may_enter=may_enter),
            buildings=len(rows), entered=len(entered),
            passed=sum(1 for record in entered if record.passed),
            missing=len(rows) - len(entered),
            **kwargs,
        )  # fmt: skip


# -- entering a record -----------------------------------------------------------------------


@dataclass
class Fact:
    """A grievance or a field-log entry of the building's quarter, and the items it
    suggests."""

    kind: str
    day: object
    text: str
    url: str
    items: set[str] = field(default_factory=set)


def _suggests(item: Item, text: str, categories: tuple[str, ...] = ()) -> bool:
    return any(code in item.categories for code in categories) or any(
        word in text for word in item.words
    )


def quarter_facts(user, building: Building, quarter: Quarter) -> list[Fact]:
    """The quarter's grievances and field-log entries about the building that the user may
    see, oldest first, each with the items its category or its words suggest."""
    facts = []
    grievances = (
        Grievance.objects.visible_to(user)
        .filter(building=building, hidden=False)
        .filter(received_at__gte=quarter.start, received_at__lt=quarter.end)
        .select_related("category__parent")
        .order_by("received_at", "pk")
    )
    for case in grievances:
        category = case.category
        codes = (category.code, category.parent.code if category.parent else "")
        fact = Fact(
            _("诉求"), timezone.localdate(case.received_at),
            f"{case.register_number} {category.name}：{case.title}", case.get_absolute_url(),
        )  # fmt: skip
        text = f"{case.title} {case.description}"
        fact.items = {item.field for item in ITEMS if _suggests(item, text, codes)}
        if case.kind == GrievanceKind.DISPUTE:
            fact.items.add("no_fights")
        facts.append(fact)
    entries = (
        FieldLogEntry.objects.visible_to(user)
        .filter(building=building, date__gte=quarter.first, date__lte=quarter.last)
        .order_by("date", "pk")
    )
    for entry in entries:
        text = f"{entry.seen} {entry.done}"
        fact = Fact(_("民情日志"), entry.date, entry.seen, entry.get_absolute_url())
        fact.items = {item.field for item in ITEMS if _suggests(item, text)}
        facts.append(fact)
    return sorted(facts, key=lambda fact: fact.day)


class FourNoRecordFormMixin:
    """The form beside the facts: each item with what suggests it, and what suggests nothing
    in particular after the four."""

    form_class = FourNoRecordForm
    template_name = "assessments/fournorecord_form.html"

    def facts(self, building: Building, quarter: Quarter) -> list[Fact]:
        """The building's quarter's facts, read once a request (the initial values use them)."""
        if not hasattr(self, "_facts"):
            self._facts = {}
        key = (building.pk, quarter)
        if key not in self._facts:
            self._facts[key] = quarter_facts(self.request.user, building, quarter)
        return self._facts[key]

    def chosen(self, form) -> tuple[Building | None, Quarter | None]:
        if form.instance.pk:
            return form.instance.building, form.instance.period
        offered = {str(quarter): quarter for quarter in Quarter.recordable()}
        return form.chosen_row("building"), offered.get(form["quarter"].value())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        building, quarter = self.chosen(form)
        facts = self.facts(building, quarter) if building and quarter else []
        by_item = defaultdict(list)
        for fact in facts:
            for name in fact.items or {""}:
                by_item[name].append(fact)
        context.update(
            building=building, quarter=quarter, facts=facts, other_facts=by_item[""],
            items=[(item, form[item.field], form[item.note], by_item[item.field])
                   for item in ITEMS],
        )  # fmt: skip
        return context

    def form_valid(self, form):
        form.instance.entered_by = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        record = self.object
        return (
            f"{reverse('assessments:fournorecord_list')}?community={record.community_id}"
            f"&quarter={record.period}"
        )


class FourNoRecordCreateView(FourNoRecordFormMixin, ObjectCreateView):
    queryset = FourNoRecord.objects.all()
    title = gettext_lazy("录入四无记录")
    success_message = gettext_lazy("已保存四无记录：%(object)s。")

    def recorded(self, building: Building, quarter: Quarter) -> FourNoRecord | None:
        records = self.get_queryset().filter(
            building=building, year=quarter.year, quarter=quarter.number
        )
        return records.select_related("entered_by").first()

    def get_initial(self):
        request = self.request
        building = query_row(request, "building", Building.objects.visible_to(request.user))
        quarter = asked_quarter(request)
        if quarter not in Quarter.recordable():
            quarter = Quarter.current()
        initial = {"building": building, "quarter": str(quarter)}
        if building is None:
            return initial
        record = self.recorded(building, quarter)
        if record is not None:
            # The quarter has a record already: what it says, to correct.
            for item in ITEMS:
                initial[item.field] = getattr(record, item.field)
                initial[item.note] = getattr(record, item.note)
            return initial
        suggested = set().union(*(fact.items for fact in self.facts(building, quarter)))
        # What nothing suggests has passed, to save the worker a tap; what something suggests
        # the worker decides.
        initial.update({item.field: True for item in ITEMS if item.field not in suggested})
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        building, quarter = context["building"], context["quarter"]
        context["existing"] = self.recorded(building, quarter) if building and quarter else None
        return context


class FourNoRecordUpdateView(FourNoRecordFormMixin, ObjectUpdateView):
    # A record stands once its building's award of the year has been decided on it.
    queryset = undecided(FourNoRecord.objects.select_related("building__grid_unit"))
    title = gettext_lazy("修改四无记录")
    success_message = FourNoRecordCreateView.success_message

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            history=history_rows(self.object, self.request.access), **kwargs
        )


# -- candidates and decisions ----------------------------------------------------------------


def asked_year(request, default: int) -> int:
    return query_year(request, "year") or default


@dataclass
class BuildingYear:
    building: Building
    quarters: list[tuple[int, FourNoRecord | None]]
    award: CivilityAward | None

    @property
    def candidate(self) -> bool:
        return all(record and record.passed for _n, record in self.quarters)

    @property
    def failed(self) -> bool:
        return any(record and not record.passed for _n, record in self.quarters)

    @property
    def missing(self) -> list[int]:
        return [n for n, record in self.quarters if record is None]


@dataclass
class HouseholdYear:
    household: Household
    mentions: int
    award: CivilityAward | None


class CommunityYearMixin:
    def community_and_year(self, default_year: int) -> dict:
        communities, community = community_of(self.request)
        year = asked_year(self.request, default_year)
        return {"communities": communities, "community": community, "year": year,
                "previous": year - 1, "following": year + 1}  # fmt: skip


class CandidateListView(CommunityYearMixin, ScopedMixin, TemplateView):
    """文明评选: every building with its four quarters (a candidate when all four passed, and
    what is still missing otherwise), the living households of the candidates, and staff's
    decision on each."""

    queryset = CivilityAward.objects.all()
    template_name = "assessments/candidates.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = self.community_and_year(award_year())
        community, year = context["community"], context["year"]
        awards = list(self.get_queryset().filter(community=community, year=year))
        by_building = {a.building_id: a for a in awards if a.household_id is None}
        by_household = {a.household_id: a for a in awards if a.household_id}
        records = defaultdict(dict)
        for record in FourNoRecord.objects.visible_to(user).filter(community=community, year=year):
            records[record.building_id][record.quarter] = record
        buildings = [
            BuildingYear(b, [(n, records[b.pk].get(n)) for n in (1, 2, 3, 4)],
                         by_building.get(b.pk))
            for b in Building.objects.visible_to(user).filter(community=community)
            .select_related("grid_unit").order_by("grid_unit__number", "sort_key", "number")
        ]  # fmt: skip
        candidates = [row.building.pk for row in buildings if row.candidate]
        households = list(
            households_of(candidates, year)
            .filter(pk__in=Household.objects.visible_to(user).values("pk"))
            .select_related("building", "head")
            .order_by("building__sort_key", "unit", "room")
        )
        mentions = dict(
            FieldLogEntry.objects.visible_to(user)
            .filter(date__year=year, residents__household__in=[h.pk for h in households])
            .values_list("residents__household")
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
        rows = [HouseholdYear(h, mentions.get(h.pk, 0), by_household.get(h.pk)) for h in households]
        request = self.request
        may_decide = CivilityAwardCreateView.allows(request.access)
        undecided_count = sum(1 for row in buildings if row.candidate and not row.award) + sum(
            1 for row in rows if not row.household.in_dispute and not row.award
        )
        decisions = {"request": request, "year": year, "may_decide": may_decide}
        return super().get_context_data(
            **context, candidates=len(candidates), undecided=undecided_count,
            may_decide=may_decide, building_table=CandidateBuildingTable(buildings, **decisions),
            household_table=CandidateHouseholdTable(rows, **decisions), **kwargs,
        )  # fmt: skip


def candidates_url(community_id: int, year: int) -> str:
    return f"{reverse('assessments:candidate_list')}?community={community_id}&year={year}"


class CivilityAwardCreateView(ObjectCreateView):
    """评定: confirm or decline one candidate, from the candidate list (or this page's form)."""

    queryset = CivilityAward.objects.all()
    form_class = CivilityAwardForm
    title = gettext_lazy("文明评选评定")
    success_message = gettext_lazy("已评定：%(object)s。")

    def get_initial(self):
        request = self.request
        household = query_row(request, "household", Household.objects.visible_to(request.user))
        building = household.building if household else None
        return {
            "year": asked_year(request, award_year()),
            "building": building
            or query_row(request, "building", Building.objects.visible_to(request.user)),
            "household": household,
            "decision": Decision.CONFIRMED,
        }

    def form_valid(self, form):
        form.instance.decided_by = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return candidates_url(self.object.community_id, self.object.year)


class CivilityAwardConfirmView(ScopedMixin, View):
    """全部确认: every candidate of the community's year not decided yet, confirmed at once,
    after the few to decline have been declined."""

    queryset = CivilityAward.objects.all()
    action = CHANGE
    http_method_names = ["post"]

    def post(self, request):
        communities = Community.objects.visible_to(request.user, CHANGE)
        community = query_row(request, "community", communities)
        year = query_year(request, "year")
        if community is None or year is None:
            raise Http404
        confirmed = awards_confirm(
            community=community, year=year, by=request.user,
            buildings=Building.objects.visible_to(request.user, CHANGE),
            households=Household.objects.visible_to(request.user, CHANGE),
        )  # fmt: skip
        messages.success(request, _("已确认 %(n)s 项文明评选。") % {"n": confirmed})
        return HttpResponseRedirect(candidates_url(community.pk, year))


# -- the list of awards ----------------------------------------------------------------------


class CivilityAwardListView(CommunityYearMixin, ScopedMixin, TemplateView):
    """文明楼院、文明户名单: the year's confirmed awards of a community, laid out to print on
    A4 and post."""

    queryset = CivilityAward.objects.filter(decision=Decision.CONFIRMED)
    template_name = "assessments/civilityaward_list.html"

    def confirmed(self, community, year) -> tuple[list, list]:
        awards = (
            self.get_queryset()
            .filter(community=community, year=year)
            .select_related("building__grid_unit", "building__chief", "household__head")
            .order_by("building__sort_key", "building__number", "household__unit",
                      "household__room")
        )  # fmt: skip
        buildings = [a for a in awards if a.household_id is None]
        return buildings, [a for a in awards if a.household_id]

    def get_context_data(self, **kwargs):
        context = self.community_and_year(award_year())
        buildings, households = self.confirmed(context["community"], context["year"])
        return super().get_context_data(
            **context, buildings=buildings, households=households, **kwargs
        )


class CivilityAwardExportView(CivilityAwardListView):
    """The same list as an Excel workbook."""

    def get(self, request, *args, **kwargs):
        context = self.community_and_year(award_year())
        community, year = context["community"], context["year"]
        buildings, households = self.confirmed(community, year)
        content = awards_workbook(community, year, buildings, households)
        return xlsx_response(content, f"{community.name}{year}年文明楼院文明户名单.xlsx")


# -- officials' counts -----------------------------------------------------------------------


@dataclass
class CommunityCounts:
    community: Community | None  # None: the district's total
    buildings: int = 0
    quarters: dict[int, tuple[int, int]] = field(default_factory=dict)  # entered, passed
    awarded_buildings: int = 0
    awarded_households: int = 0


class FourNoOverviewView(ScopedMixin, TemplateView):
    """四无汇总: for officials, each community of the district in counts only (buildings,
    records entered and passed each quarter, awards confirmed), never a building's name."""

    queryset = Community.objects.all()
    template_name = "assessments/fourno_overview.html"

    @classmethod
    def allows(cls, access) -> bool:
        return access.is_admin or access.is_official

    def get_context_data(self, **kwargs):
        request = self.request
        districts, district = asked_district(request)
        year = asked_year(request, timezone.localdate().year)
        communities = (
            self.get_queryset().filter(street__district=district).select_related("street")
            .order_by("street__code", "code")
        )  # fmt: skip
        ids = communities.values("pk")
        counts = {c.pk: CommunityCounts(c) for c in communities}
        for pk, n in (
            Building.objects.filter(community__in=ids).values_list("community").annotate(
                n=Count("pk")
            ).order_by()
        ):  # fmt: skip
            counts[pk].buildings = n
        for pk, quarter, entered, passed in (
            FourNoRecord.objects.filter(community__in=ids, year=year)
            .values_list("community", "quarter")
            .annotate(entered=Count("pk"), passed=Count("pk", filter=PASSED))
            .order_by()
        ):
            counts[pk].quarters[quarter] = (entered, passed)
        for pk, awarded_buildings, awarded_households in (
            CivilityAward.objects.filter(community__in=ids, year=year, decision=Decision.CONFIRMED)
            .values_list("community")
            .annotate(
                b=Count("pk", filter=Q(household__isnull=True)),
                h=Count("pk", filter=Q(household__isnull=False)),
            )
            .order_by()
        ):
            counts[pk].awarded_buildings = awarded_buildings
            counts[pk].awarded_households = awarded_households
        rows = list(counts.values())
        total = CommunityCounts(None, buildings=sum(r.buildings for r in rows))
        for n in (1, 2, 3, 4):
            entered = sum(r.quarters.get(n, (0, 0))[0] for r in rows)
            total.quarters[n] = (entered, sum(r.quarters.get(n, (0, 0))[1] for r in rows))
        total.awarded_buildings = sum(r.awarded_buildings for r in rows)
        total.awarded_households = sum(r.awarded_households for r in rows)
        return super().get_context_data(
            districts=districts if districts.count() > 1 else None, district=district,
            year=year, previous=year - 1, following=year + 1,
            table=FourNoOverviewTable([*rows, total] if rows else [], request=request, year=year),
            **kwargs,
        )  # fmt: skip
