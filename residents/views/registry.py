"""Grid units, buildings, households and residents: the community's registry."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from residents.choices import Relation, Status
from residents.filters import (
    BuildingFilterSet,
    GridUnitFilterSet,
    HouseholdFilterSet,
    ResidentFilterSet,
)
from residents.forms import BuildingForm, HouseholdForm, MoveOutForm, ResidentForm
from residents.models import Building, FieldLogEntry, Household, Resident, Visit
from residents.models.people import CALL, REVEAL
from residents.presenters import building_grid, history_rows, visible_tags
from residents.privacy import redact_history
from residents.tables import BuildingTable, GridUnitTable, HouseholdTable, ResidentTable
from shequ.models import GridUnit
from shequ.models.scoping import CHANGE
from shequ.params import query_int
from shequ.queries import count_related
from shequ.views.generic import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectListView,
    ObjectUpdateView,
    ScopedMixin,
)

LIVING = Q(status=Status.LIVING)


class GridUnitListView(ObjectListView):
    queryset = GridUnit.objects.select_related("community").annotate(
        building_count=count_related(Building.objects, "grid_unit"),
        resident_count=count_related(
            Resident.objects.filter(LIVING), "household__building__grid_unit"
        ),
    )
    filterset_class = GridUnitFilterSet
    title = _("网格")
    sortable = {
        "name": "name",
        "code": ("community__code", "number"),
        "community": "community__name",
        "buildings": "building_count",
        "residents": "resident_count",
    }
    table_class = GridUnitTable


class BuildingListView(ObjectListView):
    queryset = Building.objects.select_related("grid_unit").annotate(
        household_count=count_related(Household.objects, "building")
    )
    filterset_class = BuildingFilterSet
    title = _("楼栋")
    sortable = {
        "number": "number",
        "grid_unit": ("grid_unit__community__code", "grid_unit__number"),
        "kind": "kind",
        "floors": ("units", "floors"),
        "households": "household_count",
    }
    add_url_name = "residents:building_add"
    table_class = BuildingTable


class BuildingDetailView(ObjectDetailView):
    queryset = Building.objects.select_related("grid_unit", "community", "chief")
    template_name = "residents/building_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        households = (
            self.object.households.visible_to(user)
            .prefetch_related(
                Prefetch(
                    "members",
                    queryset=Resident.objects.visible_to(user).filter(LIVING),
                    to_attr="living",
                )
            )
            .select_related("head")
        )
        rows, unplaced = building_grid(self.object, list(households))
        return super().get_context_data(
            rows=rows,
            unplaced=unplaced,
            history=history_rows(self.object, self.request.access),
            **kwargs,
        )


class BuildingCreateView(ObjectCreateView):
    queryset = Building.objects.all()
    form_class = BuildingForm
    title = _("登记楼栋")
    success_message = _("已登记楼栋 %(object)s。")


class BuildingUpdateView(ObjectUpdateView):
    queryset = Building.objects.all()
    form_class = BuildingForm
    title = _("修改楼栋")
    success_message = _("已保存楼栋 %(object)s。")


class HouseholdListView(ObjectListView):
    queryset = Household.objects.select_related("building", "head").annotate(
        member_count=count_related(Resident.objects.filter(LIVING), "household")
    )
    filterset_class = HouseholdFilterSet
    title = _("住户")
    sortable = {
        "address": ("building__number", "unit", "room"),
        "number": "number",
        "head": ("head__name_initials", "head__name_simplified"),
        "kind": "kind",
        "members": "member_count",
    }
    add_url_name = "residents:household_add"
    table_class = HouseholdTable


class HouseholdDetailView(ObjectDetailView):
    queryset = Household.objects.select_related("building__grid_unit", "community", "head")
    template_name = "residents/household_detail.html"

    def get_context_data(self, **kwargs):
        household = self.object
        members = list(
            household.members.visible_to(self.request.user)
            .prefetch_related("tags")
            .order_by("status", "pk")
        )
        former_ids = (
            Resident.history.filter(household_id=household.pk)
            .exclude(id__in=[m.pk for m in members])
            .values("id")
        )
        return super().get_context_data(
            members=[m for m in members if m.status == Status.LIVING],
            left=[m for m in members if m.status != Status.LIVING],
            moved_to_other=Resident.objects.visible_to(self.request.user).filter(pk__in=former_ids),
            visits=household.visits.visible_to(self.request.user)
            .select_related("visitor")
            .prefetch_related(
                Prefetch("residents", queryset=Resident.objects.visible_to(self.request.user))
            )[:20],
            field_log=FieldLogEntry.objects.visible_to(self.request.user)
            .filter(residents__household=household)
            .select_related("author", "grid_unit")
            .distinct()[:20],
            history=history_rows(household, self.request.access),
            **kwargs,
        )


class HouseholdCreateView(ObjectCreateView):
    queryset = Household.objects.all()
    form_class = HouseholdForm
    title = _("登记住户")
    success_message = _("已登记 %(object)s，请继续登记这一户的成员。")

    def get_initial(self):
        return {"building": query_int(self.request, "building")}

    def get_success_url(self):
        return f"{reverse('residents:resident_add')}?household={self.object.pk}"


class HouseholdUpdateView(ObjectUpdateView):
    queryset = Household.objects.all()
    form_class = HouseholdForm
    title = _("修改住户")
    success_message = _("已保存 %(object)s。")


class ResidentListView(ObjectListView):
    # Only the columns the table shows: a resident row has some thirty.
    queryset = Resident.objects.select_related("household__building").only(
        "community", "name", "sex", "birth_date", "status", "id_number_masked", "mobile_masked",
        "household__building", "household__unit", "household__room", "household__building__number",
    )  # fmt: skip
    filterset_class = ResidentFilterSet
    title = _("居民")

    # Names sort by pinyin initials, as a printed roster does.
    @property
    def sortable(self) -> dict:
        # Those who see only birth years get ages ordered by year: an order by the whole date
        # would tell them which of two residents born in one year is older (residents/privacy.py).
        access = self.request.access
        by_date = access.is_admin or not (access.roles - Resident.scope_roles[REVEAL])
        return {
            "name": ("name_initials", "name_simplified"),
            "sex": "sex",
            "age": "-birth_date" if by_date else ExtractYear("birth_date") * -1,
            "address": ("household__building__number", "household__unit", "household__room"),
        }

    add_url_name = "residents:resident_add"
    template_name = "residents/resident_list.html"
    table_template_name = "residents/_resident_table.html"
    table_class = ResidentTable

    def get_context_data(self, **kwargs):
        access = self.request.access
        return super().get_context_data(
            may_import=access.is_admin or bool(Resident.scope_roles[CHANGE] & access.roles),
            may_reveal=access.is_admin or bool(Resident.scope_roles[REVEAL] & access.roles),
            **kwargs,
        )


def visits_of(resident: Resident, user) -> QuerySet[Visit]:
    """Visits to the resident's household (what the 待走访 list counts) and any visit that named
    them elsewhere, each marked `named` if it named them; only visits the user may see."""
    named = Visit.residents.through.objects.filter(visit=OuterRef("pk"), resident=resident.pk)
    return (
        Visit.objects.visible_to(user)
        .filter(Q(household=resident.household_id) | Exists(named))
        .annotate(named=Exists(named))
        .select_related("visitor")
    )


class ResidentDetailView(ObjectDetailView):
    queryset = Resident.objects.select_related("household__building__grid_unit", "community")
    template_name = "residents/resident_detail.html"

    def get_context_data(self, **kwargs):
        resident, user, access = self.object, self.request.user, self.request.access
        # Related rows go through visible_to like the page's own: a field-log entry of another
        # grid unit may mention this resident, and its text is not this user's to read.
        return super().get_context_data(
            tags=visible_tags(resident.tags.all(), access),
            housemates=resident.household.members.visible_to(user)
            .filter(LIVING)
            .exclude(pk=resident.pk),
            visits=visits_of(resident, user)[:20],
            field_log=resident.field_log.visible_to(user).select_related("author", "grid_unit")[
                :20
            ],
            history=redact_history(history_rows(resident, access), access, resident),
            may_reveal=self.may(resident, REVEAL),
            may_call=self.may(resident, CALL),
            **kwargs,
        )

    def may(self, resident: Resident, action: str) -> bool:
        return (
            Resident.objects.visible_to(self.request.user, action).filter(pk=resident.pk).exists()
        )


class ResidentCreateView(ObjectCreateView):
    queryset = Resident.objects.all()
    form_class = ResidentForm
    title = _("登记居民")
    success_message = _("已登记居民 %(object)s。")

    def get_initial(self):
        return {"household": query_int(self.request, "household")}

    def get_success_url(self):
        return self.object.household.get_absolute_url()


class ResidentUpdateView(ObjectUpdateView):
    queryset = Resident.objects.all()
    form_class = ResidentForm
    title = _("修改居民信息")
    success_message = _("已保存居民 %(object)s。")


class ResidentMoveOutView(ScopedMixin, FormView):
    """Record that a resident moved out or died; nobody is ever deleted."""

    queryset = Resident.objects.filter(LIVING)
    action = CHANGE
    form_class = MoveOutForm
    template_name = "residents/resident_move_out.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def form_valid(self, form):
        form.save()
        messages.success(
            self.request,
            _("已将 %(name)s 登记为“%(status)s”。")
            % {"name": self.object, "status": self.object.get_status_display()},
        )
        return redirect(self.object.household)


class ResidentRestoreView(ScopedMixin, TemplateView):
    """Undo a wrong 已迁出/已故: asked to confirm, then the resident is 在住 again, in history."""

    queryset = Resident.objects.select_related("household")
    action = CHANGE
    template_name = "residents/resident_restore.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            if self.object.status == Status.LIVING:  # restored already, perhaps in another tab
                messages.info(request, _("%(name)s 已是“在住”。") % {"name": self.object})
                return redirect(self.object)
        return super().dispatch(request, *args, **kwargs)

    def other_head(self) -> Resident | None:
        if self.object.relation_to_head != Relation.HEAD:
            return None
        return self.object.household.living_head_besides(self.object.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            resident=self.object, other_head=self.other_head(), **kwargs
        )

    def post(self, request, pk):
        if self.other_head():
            return self.get(request, pk=pk)
        with transaction.atomic():
            self.object.restore()
        messages.success(
            request, _("已将 %(name)s 恢复为“在住”，变更已记入变更记录。") % {"name": self.object}
        )
        return redirect(self.object)
