"""Base views for domain pages. They fetch rows only through `visible_to`, so a row outside the
user's scope is a 404 whatever the view does afterwards."""

import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Expression, F, Model, OrderBy, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from shequ.access import Access
from shequ.models.scoping import CHANGE, VIEW, ScopedQuerySet
from shequ.tables import Table

logger = logging.getLogger(__name__)


def integrity_message(error: IntegrityError, model: type[Model]) -> str:
    """The broken constraint's own message, found by its name; the database's text is never
    shown or logged, as it may quote the values typed (names, ID numbers)."""
    diag = getattr(error.__cause__, "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    related = [model, *(f.remote_field.through for f in model._meta.many_to_many)]
    for each in related:
        for constraint in each._meta.constraints:
            if constraint.name == name or (not name and constraint.name in str(error)):
                logger.warning("Save refused by constraint %s", constraint.name)
                return str(constraint.get_violation_error_message())
    logger.warning("Save of a %s refused by the database (%s)", model.__name__, name or "?")
    return _("保存失败：与已有记录冲突，请检查后再试。")


def allowed_url(access: Access, name: str, *args, **kwargs) -> str | None:
    """The URL of a page, or None when the user's roles may never use it: navigation, detail
    pages and list buttons show a link only when following it would not give a 404."""
    try:
        url = reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return None
    view_class = getattr(resolve(url).func, "view_class", None)
    allows = getattr(view_class, "allows", None)
    return url if allows is None or allows(access) else None


# A field name ("-birth_date" runs against the column's direction) or an expression, such as a
# natural-order key.
SortKey = str | Expression


class ScopedMixin(LoginRequiredMixin):
    queryset: ScopedQuerySet
    action = VIEW

    @classmethod
    def allows(cls, access: Access) -> bool:
        """Whether the user's roles may ever use this page. Links to it are shown only then."""
        allowed = cls.queryset.model.scope_roles[cls.action]
        return access.is_admin or bool(allowed & access.roles)

    def dispatch(self, request, *args, **kwargs):
        # A role that may never see this model (an official and the registry's names) gets a
        # 404, not an empty page whose filters would still list every grid unit of a district.
        if request.user.is_authenticated and not self.allows(request.access):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> ScopedQuerySet:
        return self.queryset.all().visible_to(self.request.user, self.action)


class ObjectListView(ScopedMixin, FilterView):
    """A filtered, paginated list; htmx requests get just the table so filters apply in place.

    `table_class` lays out the rows (shequ.tables); a list that is not a table names its own
    `table_template_name`. `sortable` maps the keys a column header may ask for (`?sort=name`,
    `?sort=-name`) to the fields or expressions that order the rows as the column shows them;
    a field written "-birth_date" runs against the key (age ascending is birth date descending).
    Unknown keys are ignored, and the primary key breaks ties so a page boundary never moves
    between two requests."""

    paginate_by = 25
    template_name = "object_list.html"
    table_template_name = "object_table.html"
    table_class: type[Table] | None = None
    title: str
    add_url_name: str | None = None
    sortable: dict[str, SortKey | tuple[SortKey, ...]] = {}

    def is_partial(self) -> bool:
        return bool(self.request.headers.get("HX-Request")) and not self.request.headers.get(
            "HX-Boosted"
        )

    def get_template_names(self) -> list[str]:
        return [self.table_template_name if self.is_partial() else self.template_name]

    def get_sort(self) -> str:
        """The requested sort if it names a declared key, else "" (the model's own order)."""
        sort = self.request.GET.get("sort", "").strip()
        return sort if sort.removeprefix("-") in self.sortable else ""

    def sort_queryset(self, queryset: QuerySet) -> QuerySet:
        sort = self.get_sort()
        if not sort:
            return queryset
        descending = sort.startswith("-")
        keys = self.sortable[sort.removeprefix("-")]
        ordering: list[OrderBy] = []
        for key in keys if isinstance(keys, tuple) else (keys,):
            against = isinstance(key, str) and key.startswith("-")
            expression = F(key.removeprefix("-")) if isinstance(key, str) else key
            # Empty values go last either way, on PostgreSQL and SQLite alike. A column that
            # cannot be empty is ordered plainly, so one index serves both directions.
            nulls_last = True if self._nullable(queryset, key) else None
            if against != descending:
                ordering.append(expression.desc(nulls_last=nulls_last))
            else:
                ordering.append(expression.asc(nulls_last=nulls_last))
        tie = F("pk").desc() if descending else F("pk").asc()
        return queryset.order_by(*ordering, tie)

    @staticmethod
    def _nullable(queryset: QuerySet, key: SortKey) -> bool:
        if not isinstance(key, str) or "__" in key:
            return True
        try:
            return queryset.model._meta.get_field(key.removeprefix("-")).null
        except FieldDoesNotExist:  # an annotation
            return True

    def get_filterset_kwargs(self, filterset_class):
        # Sorted here, after a subclass's get_queryset, so annotations it adds can be sort keys.
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["queryset"] = self.sort_queryset(kwargs["queryset"])
        return kwargs

    def active_filters(self) -> list[str]:
        """The filters the user set to something other than their default (a phone shows the
        folded filters open, with this count, when there are any)."""
        defaults = self.filterset_class.defaults
        return [
            name
            for name in self.filterset.form.fields
            if (value := self.request.GET.get(name)) and value != defaults.get(name)
        ]

    def get_context_data(self, **kwargs):
        add_url = self.add_url_name and allowed_url(self.request.access, self.add_url_name)
        context = super().get_context_data(
            title=self.title,
            table_template_name=self.table_template_name,
            add_url=add_url,
            sort=self.get_sort(),
            partial=self.is_partial(),
            active_filters=self.active_filters(),
            **kwargs,
        )
        if self.table_class:
            context["table"] = self.table_class(
                context["object_list"], request=self.request, sort=context["sort"]
            )
        return context


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
        adding = form.instance._state.adding
        try:
            with transaction.atomic():
                self.object = form.save()
                allowed = self.queryset.model.objects.visible_to(self.request.user, CHANGE)
                if not allowed.filter(pk=self.object.pk).exists():
                    transaction.set_rollback(True)
                    raise Http404
        except IntegrityError as error:
            # The form checks every constraint, but a row saved by someone else in between can
            # still break one: the office sees the reason in place and nothing is saved.
            if adding:
                form.instance.pk, form.instance._state.adding, self.object = None, True, None
            form.add_error(None, integrity_message(error, self.queryset.model))
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message % {"object": self.object})
        return HttpResponseRedirect(self.get_success_url())


class ObjectCreateView(ObjectEditMixin, CreateView):
    pass


class ObjectUpdateView(ObjectEditMixin, UpdateView):
    pass
