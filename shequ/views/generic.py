"""Base views for domain pages. They fetch rows only through `visible_to`, so a row outside the
user's scope is a 404 whatever the view does afterwards."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import DetailView
from django_filters.views import FilterView

from shequ.models.scoping import VIEW, ScopedQuerySet


class ScopedMixin(LoginRequiredMixin):
    queryset: ScopedQuerySet
    action = VIEW

    def get_queryset(self) -> ScopedQuerySet:
        return self.queryset.all().visible_to(self.request.user, self.action)


class ObjectListView(ScopedMixin, FilterView):
    """A filtered, paginated list; htmx requests get just the table so filters apply in place."""

    paginate_by = 25
    table_template_name: str

    def get_template_names(self) -> list[str]:
        if self.request.headers.get("HX-Request") and not self.request.headers.get("HX-Boosted"):
            return [self.table_template_name]
        return super().get_template_names()


class ObjectDetailView(ScopedMixin, DetailView):
    pass
