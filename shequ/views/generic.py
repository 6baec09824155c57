"""Base views for domain pages. They fetch rows only through `visible_to`, so a row outside the
user's scope is a 404 whatever the view does afterwards."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from shequ.models.scoping import CHANGE, VIEW, ScopedQuerySet


class ScopedMixin(LoginRequiredMixin):
    queryset: ScopedQuerySet
    action = VIEW

    def dispatch(self, request, *args, **kwargs):
        # A role that may never see this model (an official and the registry's names) gets a
        # 404, not an empty page whose filters would still list every grid unit of a district.
        access = request.access
        allowed = self.queryset.model.scope_roles[self.action]
        if request.user.is_authenticated and not (access.is_admin or allowed & access.roles):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> ScopedQuerySet:
        return self.queryset.all().visible_to(self.request.user, self.action)


class ObjectListView(ScopedMixin, FilterView):
    """A filtered, paginated list; htmx requests get just the table so filters apply in place."""

    paginate_by = 25
    template_name = "object_list.html"
    table_template_name: str
    title: str
    add_url_name: str | None = None

    def get_template_names(self) -> list[str]:
        if self.request.headers.get("HX-Request") and not self.request.headers.get("HX-Boosted"):
            return [self.table_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        access, add_url = self.request.access, None
        may_add = access.is_admin or self.queryset.model.scope_roles[CHANGE] & access.roles
        if self.add_url_name and may_add:
            add_url = reverse(self.add_url_name)
        return super().get_context_data(
            title=self.title,
            table_template_name=self.table_template_name,
            add_url=add_url,
            **kwargs,
        )


class ObjectDetailView(ScopedMixin, DetailView):
    def get_context_data(self, **kwargs):
        changeable = self.queryset.model.objects.visible_to(self.request.user, CHANGE)
        kwargs.setdefault("may_change", changeable.filter(pk=self.object.pk).exists())
        return super().get_context_data(**kwargs)


class ObjectEditMixin(ScopedMixin):
    """Create or change a row. Choices in the form are scoped; after saving, still inside the
    transaction, the row must be one the user may change, or nothing is saved (as NetBox does)."""

    action = CHANGE
    template_name = "object_form.html"
    title: str
    success_message: str = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        with transaction.atomic():
            self.object = form.save()
            allowed = self.queryset.model.objects.visible_to(self.request.user, CHANGE)
            if not allowed.filter(pk=self.object.pk).exists():
                transaction.set_rollback(True)
                raise Http404
        if self.success_message:
            messages.success(self.request, self.success_message % {"object": self.object})
        return HttpResponseRedirect(self.get_success_url())


class ObjectCreateView(ObjectEditMixin, CreateView):
    pass


class ObjectUpdateView(ObjectEditMixin, UpdateView):
    pass
