"""Grid units, buildings, households and residents: the community's registry."""

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from residents.choices import Status
from residents.filters import (
    BuildingFilterSet,
    GridUnitFilterSet,
    HouseholdFilterSet,
    ResidentFilterSet,
)
from residents.forms import BuildingForm, HouseholdForm, MoveOutForm, ResidentForm
from residents.models import Building, FieldLogEntry, Household, Resident
from residents.presenters import building_grid, history_rows, visible_tags
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
    table_template_name = "residents/_gridunit_table.html"


class BuildingListView(ObjectListView):
    queryset = Building.objects.select_related("grid_unit").annotate(
        household_count=count_related(Household.objects, "building")
    )
    filterset_class = BuildingFilterSet
    title = _("楼栋")
    add_url_name = "residents:building_add"
    table_template_name = "residents/_building_table.html"


class BuildingDetailView(ObjectDetailView):
    queryset = Building.objects.select_related("grid_unit", "community", "chief")
    template_name = "residents/building_detail.html"

    def get_context_data(self, **kwargs):
        households = self.object.households.prefetch_related(
            Prefetch("members", queryset=Resident.objects.filter(LIVING), to_attr="living")
        ).select_related("head")
        rows, unplaced = building_grid(self.object, list(households))
        return super().get_context_data(
            rows=rows, unplaced=unplaced, history=history_rows(self.object), **kwargs
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
    add_url_name = "residents:household_add"
    table_template_name = "residents/_household_table.html"


class HouseholdDetailView(ObjectDetailView):
    queryset = Household.objects.select_related("building__grid_unit", "community", "head")
    template_name = "residents/household_detail.html"

    def get_context_data(self, **kwargs):
        household = self.object
        members = list(household.members.prefetch_related("tags").order_by("status", "pk"))
        former_ids = (
            Resident.history.filter(household_id=household.pk)
            .exclude(id__in=[m.pk for m in members])
            .values("id")
        )
        return super().get_context_data(
            members=[m for m in members if m.status == Status.LIVING],
            left=[m for m in members if m.status != Status.LIVING],
            moved_to_other=Resident.objects.visible_to(self.request.user).filter(pk__in=former_ids),
            visits=household.visits.select_related("visitor").prefetch_related("residents")[:20],
            field_log=FieldLogEntry.objects.visible_to(self.request.user)
            .filter(residents__household=household)
            .select_related("author", "grid_unit")
            .distinct()[:20],
            history=history_rows(household),
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
    queryset = Resident.objects.select_related("household__building").prefetch_related("tags")
    filterset_class = ResidentFilterSet
    title = _("居民")
    add_url_name = "residents:resident_add"
    template_name = "residents/resident_list.html"
    table_template_name = "residents/_resident_table.html"

    def get_context_data(self, **kwargs):
        access = self.request.access
        return super().get_context_data(
            may_import=access.is_admin or bool(Resident.scope_roles[CHANGE] & access.roles),
            may_reveal=access.is_admin or bool(Resident.scope_roles["reveal"] & access.roles),
            **kwargs,
        )


class ResidentDetailView(ObjectDetailView):
    queryset = Resident.objects.select_related("household__building__grid_unit", "community")
    template_name = "residents/resident_detail.html"

    def get_context_data(self, **kwargs):
        resident = self.object
        return super().get_context_data(
            tags=visible_tags(resident.tags.all(), self.request.access),
            housemates=resident.household.members.filter(LIVING).exclude(pk=resident.pk),
            visits=resident.visits.select_related("visitor")[:20],
            field_log=resident.field_log.select_related("author", "grid_unit")[:20],
            history=history_rows(resident),
            may_reveal=Resident.objects.visible_to(self.request.user, "reveal")
            .filter(pk=resident.pk)
            .exists(),
            **kwargs,
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
