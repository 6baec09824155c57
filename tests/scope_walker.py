"""Walk every URL pattern of the project as a user of another community.

Views are found from the URL configuration, not from a list, so a view added later is walked
without anyone remembering to add it. A URL parameter named `pk` (or `<model>_pk`) of a view
over a scoped model is filled with the primary key of a row the owner can see; every other
parameter gets a placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from shequ.models import ScopedModel, User

# Framework URLs with no name (admin's redirects and catch-all, static files) route nowhere new.
UNNAMED_ALLOWED = ("admin:", "static")


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
    owners_row: bool


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


def _scoped_model_for(param: str, route: Route):
    if param == "pk":
        queryset = getattr(route.view_class, "queryset", None)
        model = getattr(queryset, "model", None)
    else:
        model_name = param.removesuffix("_pk")
        model = next(
            (m for m in apps.get_models() if m._meta.model_name == model_name.replace("_", "")),
            None,
        )
    return model if model and issubclass(model, ScopedModel) else None


def probes(owner: User, urlconf=None) -> tuple[list[Probe], list[str]]:
    """Concrete URLs to request, and the routes that could not be built (a test failure)."""
    built, problems = [], []
    for route in routes(urlconf):
        if route.name is None:
            if not route.regex.startswith(UNNAMED_ALLOWED) and not _is_admin(route):
                problems.append(f"unnamed URL pattern {route.regex!r}: name it so it can be walked")
            continue
        kwargs, owners_row = {}, False
        for param in route.kwargs:
            model = _scoped_model_for(param, route)
            if model is None:
                kwargs[param] = _placeholder(route.regex, param)
                continue
            row = model.objects.visible_to(owner).order_by("pk").first()
            if row is None:
                problems.append(f"{route.name}: the walk's fixture has no {model.__name__} row")
                break
            kwargs[param] = str(row.pk)
            owners_row = True
        else:
            args = ["1"] * route.positional
            url = reverse(route.name, urlconf=urlconf, kwargs=kwargs or None, args=args or None)
            built.append(Probe(url, route, owners_row))
    return built, problems


def _placeholder(regex: str, param: str) -> str:
    """ "1" fits most parameters; a group of fixed alternatives takes its first one."""
    group = re.search(rf"\(\?P<{param}>([^)]*)\)", regex)
    if group and re.fullmatch(r"\w+(\|\w+)+", group.group(1)):
        return group.group(1).split("|")[0]
    return "1"


def _is_admin(route: Route) -> bool:
    return getattr(route.callback, "admin_site", None) is not None or route.regex.startswith(
        "admin/"
    )


def find_leaks(owner: User, stranger: User, secret: str, urlconf=None) -> list[str]:
    """Everything the stranger could see or change of the owner's rows, as readable lines."""
    built, leaks = probes(owner, urlconf)
    owner_client, stranger_client = Client(), Client()
    for probe in built:
        owner_client.force_login(owner)
        response = owner_client.get(probe.url)
        if response.status_code == 405 and probe.owners_row:  # a POST-only action on a row
            response = owner_client.post(probe.url)
        if response.status_code >= 500:
            leaks.append(f"{probe.url}: the owner gets {response.status_code}")
        if probe.owners_row and response.status_code not in (200, 302):
            leaks.append(f"{probe.url}: the owner gets {response.status_code}, not their own row")
        for method in ("get", "post"):
            stranger_client.force_login(stranger)
            response = getattr(stranger_client, method)(probe.url)
            body = response.content.decode(errors="replace")
            if probe.owners_row and response.status_code not in (404, 405):
                leaks.append(f"{method.upper()} {probe.url}: {response.status_code}, expected 404")
            elif secret in body:
                leaks.append(f"{method.upper()} {probe.url}: shows the other community's data")
    return leaks
