import importlib
import importlib.util
from functools import cache

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.views.generic import TemplateView

from shequ.models import Community, District, GridUnit, Role, RoleAssignment, Street, User
from shequ.queries import count_related


@cache
def _home_modules() -> list[str]:
    """Apps add cards to the home page through `<app>/home.py: cards(request)`."""
    names = [f"{app.name}.home" for app in apps.get_app_configs()]
    return [name for name in names if importlib.util.find_spec(name)]


class HomeView(LoginRequiredMixin, TemplateView):
    """One page per role: where the user works, what is there, and where to go next."""

    template_name = "shequ/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        communities = Community.objects.visible_to(user)
        context = {
            "counts": {
                "districts": District.objects.visible_to(user).count(),
                "streets": Street.objects.visible_to(user).count(),
                "communities": communities.count(),
                "grid_units": GridUnit.objects.visible_to(user).count(),
            },
        }
        access = self.request.access
        if access.is_admin:
            context["counts"]["users"] = User.objects.filter(is_active=True).count()
            per_role = dict(
                RoleAssignment.objects.values_list("role").annotate(n=Count("pk")).order_by()
            )
            context["roles_in_use"] = [(role.label, per_role.get(role, 0)) for role in Role]
        if access.is_official or access.is_admin:
            context["communities"] = (
                communities.select_related("street")
                .annotate(grid_unit_count=count_related(GridUnit.objects))
                .order_by("street__name", "code")[:50]
            )
        context["app_cards"] = [
            card
            for module in _home_modules()
            for card in importlib.import_module(module).cards(self.request)
        ]
        if access.is_resident:
            context["home_communities"] = [
                a.community for a in access.assignments if a.community_id
            ]
        return super().get_context_data(**context, **kwargs)
