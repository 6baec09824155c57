from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from shequ.filters import CommunityFilterSet
from shequ.models import Community, GridUnit, Role, RoleAssignment
from shequ.queries import count_related
from shequ.tables import CommunityTable
from shequ.views.generic import ObjectDetailView, ObjectListView


class CommunityListView(ObjectListView):
    queryset = Community.objects.select_related("street__district")
    filterset_class = CommunityFilterSet
    title = _("社区")
    sortable = {
        "name": "name",
        "street": ("street__code", "street__name"),
        "district": "street__district__code",
        "code": "code",
        "grid_units": "grid_unit_count",
    }
    table_class = CommunityTable

    def get_queryset(self):
        return super().get_queryset().annotate(grid_unit_count=count_related(GridUnit.objects))


class CommunityDetailView(ObjectDetailView):
    queryset = Community.objects.select_related("street__district")
    template_name = "shequ/community_detail.html"

    def get_context_data(self, **kwargs):
        workers = RoleAssignment.objects.filter(role=Role.GRID_WORKER).select_related("user")
        grid_units = (
            GridUnit.objects.visible_to(self.request.user)
            .filter(community=self.object)
            .prefetch_related(Prefetch("role_assignments", queryset=workers, to_attr="workers"))
        )
        staff = (
            self.object.role_assignments.exclude(role=Role.RESIDENT)
            .select_related("user")
            .order_by("role", "user__name")
        )
        return super().get_context_data(grid_units=grid_units, staff=staff, **kwargs)
