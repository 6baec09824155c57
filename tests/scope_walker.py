"""Walk every URL pattern of the project as pairs of strangers, and report what one could see or
change of the other's rows.

Views are found from the URL configuration, not from a list, so a view added later is walked
without anyone remembering to add it. A party is a user and the strings only rows of their scope
carry (their secrets). For each pair of strangers (another community's staff; a grid worker of
another grid unit of the same community; later a department handler) each party:

- requests every page as itself, with its own rows in the `pk` / `<model>_pk` parameters, and
  must see none of the other party's secrets there (related rows, pickers, exported xlsx files);
- is refused (404) every page of the other party's rows, by GET and by POST;
- sends the query parameters each view reads (found in the view's source and its FilterSet) with
  the other party's ids and with junk: no secret of the other party, no 5xx;
- posts every create and edit form as it would (the rendered form's values, required fields
  filled), then with each scoped choice swapped for a row of the other party: nothing may be
  written outside its scope, nor linked to a row outside it.

Public pages (a view with `public = True`: the grievance desk's form and tracking pages) show the
same to everyone, so no party's page there is "theirs": they are requested signed out, at the URL
`walk_kwargs(party.user)` builds for each party's rows, and must show no personal data of anyone
(residents' and contacts' names and numbers, staff names).

A `pk` parameter the walker cannot resolve to a scoped model, or that no party has a row for, is
a problem (a test failure), never filled with a made-up id.
"""

from __future__ import annotations

import datetime
import inspect
import io
import itertools
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from shequ.models import ScopedModel, User
from shequ.models.scoping import VIEW

# Framework URLs with no name (admin's redirects and catch-all, static files) route nowhere new.
UNNAMED_ALLOWED = ("admin:", "static")
# What a careless link or a fuzzer puts in a query parameter that should hold an id.
JUNK = ("abc", "9" * 20)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Detail pages are walked with up to this many of the owner's rows: the row with related rows
# in another scope need not be the first.
ROWS_PER_ROUTE = 2
# Rounds of filling fields the form complained about before the walker gives up on a form.
FILL_ROUNDS = 3


@dataclass
class Route:
    name: str | None
    regex: str
    callback: object
    kwargs: list[str] = field(default_factory=list)
    positional: int = 0

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)


@dataclass
class Probe:
    url: str
    route: Route
    rows: dict[str, models.Model] = field(default_factory=dict)

    @property
    def owners_row(self) -> bool:
        return bool(self.rows)


@dataclass(frozen=True)
class Party:
    """A user, and strings that only rows of their scope carry."""

    user: User
    secrets: tuple[str, ...]

    def __str__(self) -> str:
        return self.user.username


@dataclass
class Walk:
    findings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Route names requested with a row of the party that owns it, and routes that need one.
    walked_with_row: set[str] = field(default_factory=set)
    row_routes: set[str] = field(default_factory=set)
    forms_posted: set[str] = field(default_factory=set)
    public_walked: set[str] = field(default_factory=set)
    requests: int = 0

    @property
    def unwalked(self) -> set[str]:
        return self.row_routes - self.walked_with_row


def routes(urlconf=None) -> list[Route]:
    found: list[Route] = []

    def visit(patterns, prefix: str, namespace: str | None) -> None:
        for p in patterns:
            regex = prefix + p.pattern.regex.pattern.lstrip("^").rstrip("$").replace(r"\Z", "")
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) or None
                visit(p.url_patterns, regex, ns)
            elif isinstance(p, URLPattern):
                compiled = re.compile(regex)
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                found.append(
                    Route(
                        name=name,
                        regex=regex,
                        callback=p.callback,
                        kwargs=list(compiled.groupindex),
                        positional=compiled.groups - len(compiled.groupindex),
                    )
                )

    visit(get_resolver(urlconf).url_patterns, "", None)
    return found


def _is_row_param(param: str) -> bool:
    return param == "pk" or param.endswith("_pk")


def _model_named(name: str) -> type[models.Model] | None:
    wanted = name.replace("_", "")
    return next((m for m in apps.get_models() if m._meta.model_name == wanted), None)


def _scoped_model_for(param: str, route: Route) -> type[ScopedModel] | None:
    if param == "pk":
        view = route.view_class
        model = getattr(getattr(view, "queryset", None), "model", None) or getattr(
            view, "model", None
        )
    else:
        model = _model_named(param.removesuffix("_pk"))
    return model if model and issubclass(model, ScopedModel) else None


def _is_admin(route: Route) -> bool:
    return getattr(route.callback, "admin_site", None) is not None or route.regex.startswith(
        "admin/"
    )


def _is_project_view(route: Route) -> bool:
    view = route.view_class or route.callback
    try:
        path = Path(inspect.getsourcefile(view) or "").resolve()
    except TypeError:
        return False
    base = Path(settings.BASE_DIR).resolve()
    return path.is_relative_to(base) and "site-packages" not in path.parts


def _is_public(route: Route) -> bool:
    """A public page walked signed out (the desk's form and tracking pages). The Open311 API is
    public too but has no `walk_kwargs`: the parties walk it signed in, and it must show them
    what it shows anyone."""
    view = route.view_class
    return bool(getattr(view, "public", False)) and hasattr(view, "walk_kwargs")


def personal_data_shown_nowhere_public() -> set[str]:
    """Names and numbers of people: residents, the contacts of grievances, staff."""
    from grievances.models import Grievance
    from residents.models import Resident

    found: set[str] = set()
    for resident in Resident.objects.all():
        found |= {resident.name, resident.mobile, resident.id_number}
    for case in Grievance.objects.all():
        found |= {case.contact_name, case.contact_phone}
    for user in get_user_model().objects.all():
        found |= {user.name, user.phone or ""}
    return {value for value in found if value and len(value) >= 2}


def _action(route: Route) -> str:
    return getattr(route.view_class, "action", VIEW)


def probes(
    owner: User, urlconf=None, only: Callable[[Route], bool] | None = None
) -> tuple[list[Probe], list[str]]:
    """Concrete URLs to request with the owner's rows, and the routes that could not be built.

    A route whose row parameter has no row the owner may use is left out (another party may have
    one); `walk` checks that every such route was walked by someone."""
    built, problems = [], []
    for route in routes(urlconf):
        if route.name is None:
            if not route.regex.startswith(UNNAMED_ALLOWED) and not _is_admin(route):
                problems.append(f"unnamed URL pattern {route.regex!r}: name it so it can be walked")
            continue
        if only and not only(route):
            continue
        allows = getattr(route.view_class, "allows", None)
        if allows is not None and any(map(_is_row_param, route.kwargs)):
            from shequ.access import Access

            if not allows(Access(owner)):  # the role never reaches these pages: 404 by design
                continue
        candidates: dict[str, list] = {}
        fixed: dict[str, str] = {}
        for param in route.kwargs:
            if not _is_row_param(param):
                fixed[param] = placeholder(route.regex, param)
                continue
            model = _scoped_model_for(param, route)
            if model is None:
                problems.append(
                    f"{route.name}: cannot tell which scoped model {param!r} names; give the view "
                    "a queryset of a ScopedModel or name the parameter <model>_pk"
                )
                break
            # The view's own queryset says which rows its pages are for (the mediation pages
            # are for disputes only); the model's manager when the parameter names another model.
            view_rows = getattr(route.view_class, "queryset", None)
            own_rows = getattr(view_rows, "model", None) is model
            base = view_rows.all() if own_rows else model.objects
            # A row of another model is what the page adds to or acts on (the indicator score an
            # appeal disputes): the owner reads it, and the view decides what may be changed.
            action = _action(route) if own_rows else VIEW
            rows = list(base.visible_to(owner, action).order_by("pk"))
            candidates[param] = rows[:ROWS_PER_ROUTE]
        else:
            if candidates and not all(candidates.values()):
                continue
            count = max((len(rows) for rows in candidates.values()), default=1)
            for i in range(count):
                rows = {p: r[min(i, len(r) - 1)] for p, r in candidates.items()}
                kwargs = {**fixed, **{p: str(row.pk) for p, row in rows.items()}}
                args = ["1"] * route.positional
                url = reverse(route.name, urlconf=urlconf, kwargs=kwargs or None, args=args or None)
                built.append(Probe(url, route, rows))
    return built, problems


def placeholder(regex: str, param: str) -> str:
    """A group of fixed alternatives takes its first one; anything else (a token, a slug) "1"."""
    group = re.search(rf"\(\?P<{param}>([^)]*)\)", regex)
    if group and re.fullmatch(r"\w+(\|\w+)+", group.group(1)):
        return group.group(1).split("|")[0]
    return "1"


# -- what a response shows --------------------------------------------------------------------


def shown(response: HttpResponse) -> str:
    """The text a user gets: the page, or every cell of an exported workbook."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith(XLSX):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode(errors="replace")


def _leaked(text: str, secrets: Iterable[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


# -- query parameters -------------------------------------------------------------------------

_GET_READ = re.compile(
    r"""(?:GET(?:\.get\(|\[)|query_(?:row|int|month|text)\(\s*(?:self\.)?request,)\s*["'](\w+)["']"""
)
_CALL = re.compile(r"\b(\w+)\(")
_FILTERSET_OF_GET = re.compile(r"(\w+FilterSet)\(\s*(?:self\.)?request\.GET")


def _project_classes(view) -> list[type]:
    """The view's own classes and its project bases (not Django's or a library's)."""
    base = Path(settings.BASE_DIR).resolve()
    own = []
    for klass in inspect.getmro(view):
        try:
            path = Path(inspect.getsourcefile(klass) or "").resolve()
        except TypeError:
            continue
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            own.append(klass)
    return own


def _project_function(candidate) -> bool:
    if not inspect.isfunction(candidate):
        return False
    path = Path(inspect.getsourcefile(candidate) or "").resolve()
    return path.is_relative_to(Path(settings.BASE_DIR).resolve()) and (
        "site-packages" not in path.parts and "tests" not in path.parts
    )


def params_read(route: Route) -> dict[str, type[models.Model] | None]:
    """Query parameters a view reads, with the model whose id each holds (None: not an id)."""
    view = route.view_class
    if view is None:
        return {}
    found: dict[str, type[models.Model] | None] = {}
    filtersets = [getattr(view, "filterset_class", None)]
    for klass in _project_classes(view):
        module = sys.modules[klass.__module__]
        source = inspect.getsource(klass)
        # The project's functions the view calls read parameters for it too (a district and
        # month shared by several pages): one level down.
        helpers = {getattr(module, name, None) for name in _CALL.findall(source)}
        source += "".join(inspect.getsource(f) for f in helpers if _project_function(f))
        for name in _GET_READ.findall(source):
            found[name] = _id_model(_model_named(name))
        filtersets += [getattr(module, name, None) for name in _FILTERSET_OF_GET.findall(source)]
    for filterset in filter(None, filtersets):
        model = filterset._meta.model
        for name, declared in filterset.base_filters.items():
            found.setdefault(name, _id_model(_model_of_lookup(model, declared.field_name)))
    return found


def _id_model(model: type[models.Model] | None) -> type[models.Model] | None:
    """Models whose ids belong to a scope: scoped rows, and users (an author, a visitor)."""
    if model and (issubclass(model, ScopedModel) or model is get_user_model()):
        return model
    return None


def _model_of_lookup(model: type[models.Model], path: str) -> type[models.Model] | None:
    for part in path.split(LOOKUP_SEP):
        try:
            model_field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        model = model_field.related_model
        if model is None:
            return None
    return model


def _foreign_row(model, party: Party, other: Party):
    """A row the other party sees and this one does not."""
    if model is get_user_model():
        return other.user if other.user.pk != party.user.pk else None
    mine = model.objects.visible_to(party.user).values("pk")
    return model.objects.visible_to(other.user).exclude(pk__in=mine).order_by("pk").first()


# -- writes -----------------------------------------------------------------------------------


def _is_scoped(model) -> bool:
    return isinstance(model, type) and issubclass(model, ScopedModel)


def _scoped_models() -> list[type[ScopedModel]]:
    return [m for m in apps.get_models() if issubclass(m, ScopedModel)]


@dataclass
class _Snapshot:
    outside: dict[type, int]
    history: dict[type, int]
    links: dict[type, int]


def _snapshot(user: User) -> _Snapshot:
    outside, history, links = {}, {}, {}
    for model in _scoped_models():
        outside[model] = model.objects.count() - model.objects.visible_to(user).count()
        if hasattr(model, "history"):
            history[model] = model.history.aggregate(m=models.Max("history_id"))["m"] or 0
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            links[through] = through.objects.aggregate(m=models.Max("pk"))["m"] or 0
    return _Snapshot(outside, history, links)


def _writes_outside(user: User, before: _Snapshot) -> list[str]:
    """Rows written outside the user's scope since `before`, or linking to rows outside it."""
    found = []
    for model in _scoped_models():
        outside = model.objects.count() - model.objects.visible_to(user).count()
        if outside != before.outside[model]:
            was = before.outside[model]
            found.append(f"{model.__name__} rows outside the scope {was}→{outside}")
        if model not in before.history:
            continue
        changed = model.history.filter(history_id__gt=before.history[model]).values_list(
            "id", flat=True
        )
        for row in model.objects.filter(pk__in=list(changed)):
            if not model.objects.visible_to(user).filter(pk=row.pk).exists():
                found.append(f"wrote {model.__name__} #{row.pk} outside the scope")
            found += _links_outside(user, row)
    for through, last in before.links.items():
        for link in through.objects.filter(pk__gt=last):
            found += _links_outside(user, link)
    return found


def _links_outside(user: User, row: models.Model) -> list[str]:
    found = []
    for model_field in row._meta.concrete_fields:
        target = model_field.related_model
        value = getattr(row, model_field.attname) if model_field.is_relation else None
        if value is None or not (target and issubclass(target, ScopedModel)):
            continue
        if not target.objects.visible_to(user).filter(pk=value).exists():
            found.append(
                f"{type(row).__name__} #{row.pk} links {target.__name__} #{value} outside the scope"
            )
    return found


def _form_of(response: HttpResponse):
    context = response.context
    form = context.get("form") if context is not None else None
    return form if isinstance(form, forms.BaseForm) else None


def _is_form_route(route: Route) -> bool:
    """Create and edit views of scoped rows: form views behind the scoping mechanism."""
    from shequ.views.generic import ScopedMixin

    view = route.view_class
    return bool(view and hasattr(view, "get_form") and issubclass(view, ScopedMixin))


_fill_counter = itertools.count(1)


def _fill(form_field: forms.Field, refused=None):
    """A sensible value for a field the form complained about, as a user would type it: a
    choice other than the refused one (a second 户主 becomes another relation), today for a
    date (never in the future, never before a birth date)."""

    def other(values):
        values = [v for v in values if v not in ("", None)]
        return next((v for v in values if str(v) != str(refused)), values[0] if values else "")

    if isinstance(form_field, forms.ModelMultipleChoiceField):
        first = form_field.queryset.order_by("pk").first()
        return [first.pk] if first else []
    if isinstance(form_field, forms.ModelChoiceField):
        return other(form_field.queryset.order_by("pk").values_list("pk", flat=True)[:2])
    if isinstance(form_field, forms.MultipleChoiceField):
        return [next(v for v, _ in form_field.choices if v)]
    if isinstance(form_field, forms.ChoiceField):
        return other(v for v, _ in form_field.choices)
    if isinstance(form_field, forms.DateField):
        return timezone.localdate().isoformat()
    if isinstance(form_field, forms.BooleanField):
        return "on"
    if isinstance(form_field, forms.IntegerField):
        return 1
    if isinstance(form_field, forms.EmailField):
        return f"walker{next(_fill_counter)}@example.com"
    return f"巡查{next(_fill_counter)}"


def _as_data(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, models.QuerySet)):
        return [_as_data(v) for v in value]
    return value


def _form_data(form) -> dict:
    data = {}
    for bound in form:
        value = _as_data(bound.value())
        if value in ("", [], None) and bound.field.required:
            value = _fill(bound.field)
        if value not in ("", []):
            data[bound.html_name] = value
    return data


# -- the walk ---------------------------------------------------------------------------------


class _Walker:
    def __init__(self, pairs: Sequence[tuple[Party, Party]], urlconf, only) -> None:
        self.urlconf, self.only = urlconf, only
        self.report = Walk()
        self.partners: dict[Party, list[Party]] = {}
        for a, b in pairs:
            self.partners.setdefault(a, []).append(b)
            self.partners.setdefault(b, []).append(a)
        self.clients: dict[Party, Client] = {}
        self.junk_sent: set[tuple[str, str]] = set()
        self.library_walked: set[str] = set()

    def request(self, party: Party, method: str, url: str, data=None) -> HttpResponse:
        client = self.clients.get(party)
        # One session per party, signed in again only when a page (a logout) ended it.
        if client is None or SESSION_KEY not in client.session:
            client = self.clients[party] = Client(raise_request_exception=False)
            client.force_login(party.user)
        self.report.requests += 1
        return getattr(client, method)(url, data or {})

    def note(self, line: str) -> None:
        self.report.findings.append(line)

    def others_secrets(self, party: Party) -> set[str]:
        return {s for other in self.partners[party] for s in other.secrets}

    def run(self) -> Walk:
        built = {}
        for party in self.partners:
            built[party], problems = probes(party.user, self.urlconf, self.only)
            built[party] = [probe for probe in built[party] if not _is_public(probe.route)]
            self.report.problems += [p for p in problems if p not in self.report.problems]
        self.walk_public_pages()
        for route in routes(self.urlconf):
            wanted = route.name and (not self.only or self.only(route))
            if wanted and any(map(_is_row_param, route.kwargs)):
                self.report.row_routes.add(route.name)
        for party, own in built.items():
            self.walk_own_pages(party, own)
            for other in self.partners[party]:
                self.walk_as_stranger(other, party, own)
                self.send_params(party, other, own)
                self.post_forms(party, other, own)
        for name in sorted(self.report.unwalked):
            self.report.problems.append(f"{name}: walked with no party's own row")
        return self.report

    def walk_public_pages(self) -> None:
        anonymous = Client(raise_request_exception=False)
        personal = personal_data_shown_nowhere_public()
        urls = set()
        for route in routes(self.urlconf):
            if not (route.name and _is_public(route)) or (self.only and not self.only(route)):
                continue
            for party in self.partners:
                kwargs = route.view_class.walk_kwargs(party.user)
                if kwargs is not None:
                    urls.add(reverse(route.name, urlconf=self.urlconf, kwargs=kwargs or None))
        for url in sorted(urls):
            self.report.requests += 1
            response = anonymous.get(url)
            if response.status_code >= 500:
                self.note(f"GET {url} signed out: {response.status_code}")
            elif leaked := _leaked(shown(response), personal):
                self.note(f"GET {url} signed out shows personal data {sorted(leaked)}")
            else:
                self.report.public_walked.add(url)

    def walk_own_pages(self, party: Party, own: list[Probe]) -> None:
        for probe in own:
            if not _is_project_view(probe.route):
                # Library pages (the admin, which turns away everyone not staff before any view
                # runs, and account pages) read no scoped row themselves: one party walks them,
                # for what the project's templates and context processors add.
                staff = party.user.is_staff
                key = "admin" if _is_admin(probe.route) and not staff else probe.route.name
                if key in self.library_walked:
                    continue
                self.library_walked.add(key)
            response = self.check_own(party, probe, "get")
            if response.status_code == 405 and probe.owners_row:  # a POST-only action on a row
                response = self.check_own(party, probe, "post")
            if probe.owners_row:
                if response.status_code in (200, 302):
                    self.report.walked_with_row.add(probe.route.name)
                else:
                    status = response.status_code
                    self.note(f"{probe.url}: {party} gets {status}, not their own row")

    def check_own(self, party: Party, probe: Probe, method: str) -> HttpResponse:
        response = self.request(party, method, probe.url)
        if response.status_code >= 500:
            self.note(f"{method.upper()} {probe.url} as {party}: {response.status_code}")
        elif getattr(probe.route.view_class, "public", False):
            # A public view (the Open311 API) shows every case of every community, to anyone:
            # another scope's names are expected there. What must hold is that it is the same
            # for everyone, so a signed-in party gets nothing of their scope an anonymous
            # visitor does not.
            anonymous = getattr(Client(raise_request_exception=False), method)(probe.url)
            if (anonymous.status_code, shown(anonymous)) != (response.status_code, shown(response)):
                self.note(f"{method.upper()} {probe.url} as {party} differs from anonymous")
        elif leaked := _leaked(shown(response), self.others_secrets(party)):
            self.note(f"{method.upper()} {probe.url} as {party} shows another scope's {leaked}")
        return response

    def walk_as_stranger(self, stranger: Party, owner: Party, own: list[Probe]) -> None:
        refused = set()
        for probe in own:
            # Pages without a row the stranger walks as their own; the 404 is the mechanism's,
            # the same for every row of a route, so one row a route will do.
            if not probe.owners_row or probe.route.name in refused:
                continue
            if all(
                type(row).objects.visible_to(stranger.user).filter(pk=row.pk).exists()
                for row in probe.rows.values()
            ):
                continue  # a row both may see, such as the community of two grid workers
            refused.add(probe.route.name)
            for method in ("get", "post"):
                response = self.request(stranger, method, probe.url)
                if response.status_code not in (404, 405):
                    self.note(
                        f"{method.upper()} {probe.url} as {stranger}: {response.status_code}, "
                        f"expected 404 for {owner}'s row"
                    )
                elif leaked := _leaked(shown(response), owner.secrets):
                    self.note(f"{method.upper()} {probe.url} as {stranger} shows {leaked}")

    def send_params(self, party: Party, other: Party, own: list[Probe]) -> None:
        sent = set()
        for probe in own:
            if _is_admin(probe.route) or probe.route.name in sent:
                continue
            sent.add(probe.route.name)
            for name, model in params_read(probe.route).items():
                if model is None:
                    continue  # a text or a choice: the fuzz walker's business
                # Junk is the same whoever sends it: once a route, by the first party.
                values = [] if (probe.route.name, name) in self.junk_sent else list(JUNK)
                self.junk_sent.add((probe.route.name, name))
                if model and (row := _foreign_row(model, party, other)):
                    values.insert(0, str(row.pk))
                for value in values:
                    url = f"{probe.url}?{name}={value}"
                    response = self.request(party, "get", url)
                    if response.status_code >= 500:
                        self.note(f"GET {url} as {party}: {response.status_code}")
                    elif leaked := _leaked(shown(response), other.secrets):
                        self.note(f"GET {url} as {party} shows {other}'s {leaked}")

    def post_forms(self, party: Party, other: Party, own: list[Probe]) -> None:
        seen_routes = set()
        for probe in own:
            if not _is_form_route(probe.route) or probe.route.name in seen_routes:
                continue
            seen_routes.add(probe.route.name)
            # Forms that read a query parameter (?household=, ?resident=) offer more fields
            # with it; the other party's id there is sent by send_params.
            variants = [probe.url]
            for name, model in params_read(probe.route).items():
                if model and (row := model.objects.visible_to(party.user).order_by("pk").first()):
                    variants.append(f"{probe.url}?{name}={row.pk}")
            for url in variants:
                self.post_form(party, other, url, probe)

    def post_form(self, party: Party, other: Party, url: str, probe: Probe) -> None:
        response = self.request(party, "get", url)
        form = _form_of(response) if response.status_code == 200 else None
        if form is None:
            return  # a role that may not use the form: its 404 is checked by the walk
        data = _form_data(form)
        for _ in range(FILL_ROUNDS):
            response = self.post_rolled_back(party, url, data, "as the owner would")
            if response.status_code != 200 or not (refused := _form_of(response)):
                break
            for name in refused.errors:
                if name in refused.fields:
                    key = refused.add_prefix(name)
                    data[key] = _as_data(_fill(refused.fields[name], data.get(key)))
        if response.status_code != 302:
            errors = dict(refused.errors) if response.status_code == 200 and refused else ""
            self.report.problems.append(
                f"POST {url} as {party}: the walker could not fill the form "
                f"({response.status_code} {errors})"
            )
            return
        self.report.forms_posted.add(probe.route.name)
        swaps = {}
        for bound in form:
            queryset = getattr(bound.field, "queryset", None)
            model = getattr(queryset, "model", None)
            row = _foreign_row(model, party, other) if _is_scoped(model) else None
            if row:
                multiple = isinstance(bound.field, forms.ModelMultipleChoiceField)
                swaps[bound.html_name] = [row.pk] if multiple else row.pk
        for name, value in swaps.items():
            self.post_rolled_back(party, url, {**data, name: value}, f"with {other}'s {name}")
        if len(swaps) > 1:
            self.post_rolled_back(party, url, {**data, **swaps}, f"with all of {other}'s rows")

    def post_rolled_back(self, party: Party, url: str, data: dict, how: str) -> HttpResponse:
        with transaction.atomic():
            before = _snapshot(party.user)
            response = self.request(party, "post", url, data)
            if response.status_code >= 500:
                self.note(f"POST {url} as {party} {how}: {response.status_code}")
            for line in _writes_outside(party.user, before):
                self.note(f"POST {url} as {party} {how}: {line}")
            transaction.set_rollback(True)
        return response


def walk(
    pairs: Sequence[tuple[Party, Party]],
    urlconf=None,
    only: Callable[[Route], bool] | None = None,
) -> Walk:
    """Walk every URL (or those `only` keeps) for each pair of strangers, both ways."""
    return _Walker(pairs, urlconf, only).run()


def find_leaks(owner: User, stranger: User, secret: str, urlconf=None) -> list[str]:
    """Everything the stranger could see or change of the owner's rows, as readable lines."""
    report = walk([(Party(owner, (secret,)), Party(stranger, ()))], urlconf)
    return report.findings + report.problems
