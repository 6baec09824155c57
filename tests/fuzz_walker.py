"""What a fuzzer needs to know about every page, found rather than listed.

The URL patterns come from the URL configuration (`routes()` of the scope walker), the query
parameters a view reads from recording what one clean request read, and the fields it accepts
from the forms the pages render (and the view's `form_class`). A view or app added later is
fuzzed without anyone remembering to add it here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urlencode, urljoin, urlsplit

from django.core.handlers.wsgi import WSGIRequest, get_bytes_from_wsgi
from django.http import QueryDict
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.functional import cached_property

from shequ.models import ScopedModel, User
from tests.scope_walker import Route, placeholder, routes

# Pages a fuzzer must not post to: signing out would end the walk, and the admin site is
# Django's own (and closed to the staff who walk).
SKIPPED = ("account_logout",)
SKIPPED_PREFIXES = ("admin/", "static")

# Present in the clean request so that views which treat an empty query string as "unbound"
# (django-filter's FilterView) read their parameters all the same.
PROBE = "__fuzz_probe__"


# Recording the query parameters a view reads -------------------------------------------------

_reads: set[str] | None = None


class RecordingQueryDict(QueryDict):
    """A QueryDict that notes every key looked up, copies included."""

    def _note(self, key: object) -> None:
        # Templates look `request.GET.urlencode` up as a key before the method: not a parameter.
        if _reads is not None and isinstance(key, str) and not hasattr(QueryDict, key):
            _reads.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self._note(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self._note(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


def _recording_get(self: WSGIRequest) -> QueryDict:
    raw = get_bytes_from_wsgi(self.environ, "QUERY_STRING", "")
    return RecordingQueryDict(raw, encoding=self._encoding)


@contextlib.contextmanager
def recording_query_reads() -> Iterator[set[str]]:
    """Within the block, `request.GET` records the keys views look up into the set yielded."""
    global _reads
    recording = cached_property(_recording_get)
    recording.__set_name__(WSGIRequest, "GET")
    _reads = set()
    try:
        with mock.patch.object(WSGIRequest, "GET", recording):
            yield _reads
    finally:
        _reads = None


# Forms a page renders --------------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # text, select, checkbox, radio, file, hidden, textarea, …
    options: list[str] = field(default_factory=list)  # values offered by a select or radios
    defaults: list[str] = field(default_factory=list)  # what the browser would submit as is


@dataclass
class PageForm:
    method: str
    action: str  # path, without query string
    fields: dict[str, FormField] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[PageForm] = []
        self.links: list[str] = []
        self._form: PageForm | None = None
        self._select: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.page_url, a["href"]))
        for attribute in ("hx-get", "hx-post"):
            if a.get(attribute) and tag != "form":
                self.links.append(urljoin(self.page_url, a[attribute]))
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or a.get("hx-post") or self.page_url)
            self._form = PageForm((a.get("method") or "get").lower(), action)
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            known = self._form.fields.setdefault(name, FormField(name, kind))
            if kind in ("radio", "checkbox", "hidden", "submit") and "value" in a:
                known.options.append(a["value"])
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    known.defaults.append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                known.defaults.append(a.get("value", ""))
        elif tag == "textarea":
            self._form.fields.setdefault(name, FormField(name, "textarea"))
        elif tag == "select":
            self._select = self._form.fields.setdefault(name, FormField(name, "select"))
        elif tag == "button" and a.get("value"):
            self._form.fields.setdefault(name, FormField(name, "submit")).options.append(a["value"])

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass


def _option_values(html: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Each select's option values and selected values, by the select's name."""
    values: dict[str, list[str]] = {}
    selected: dict[str, list[str]] = {}

    class Options(HTMLParser):
        current: str | None = None

        def handle_starttag(self, tag, attrs):
            a = {key: value or "" for key, value in attrs}
            if tag == "select":
                self.current = a.get("name")
            elif tag == "option" and self.current:
                values.setdefault(self.current, []).append(a.get("value", ""))
                if "selected" in a:
                    selected.setdefault(self.current, []).append(a.get("value", ""))

        def handle_endtag(self, tag):
            if tag == "select":
                self.current = None

    Options().feed(html)
    return values, selected


@dataclass
class Page:
    url: str
    links: list[str]
    forms: list[PageForm]

    def targets(self) -> list[str]:
        """Every same-site place the page leads to: links, and forms' actions (a GET form
        submitted with the values it shows)."""
        found = []
        for link in self.links:
            if path := same_site_path(link):
                query = urlsplit(link).query
                found.append(f"{path}?{query}" if query else path)
        for form in self.forms:
            path = same_site_path(form.action)
            if path is None:
                continue
            if form.method == "get":
                query = urlencode(
                    [(name, value) for name, each in form.fields.items() for value in each.defaults]
                )
                found.append(f"{path}?{query}" if query else path)
            else:
                found.append(path)
        return found


def parse_page(url: str, html: str) -> Page:
    parser = _FormParser(url)
    parser.feed(html)
    options, selected = _option_values(html)
    for form in parser.forms:
        for name, each in form.fields.items():
            if each.kind == "select":
                each.options = options.get(name, [])
                each.defaults = selected.get(name, each.options[:1])
    return Page(url, parser.links, parser.forms)


def same_site_path(url: str) -> str | None:
    """The path of a link to this site, or None for another site, an anchor or a script."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("testserver", ""):
        return None
    return parts.path


# The walk's targets ----------------------------------------------------------------------------


@dataclass
class Target:
    route: Route
    url: str
    status: int = 0
    params: set[str] = field(default_factory=set)  # query parameters the view reads
    param_options: dict[str, list[str]] = field(default_factory=dict)  # from its GET forms
    fields: dict[str, FormField] = field(default_factory=dict)  # what a POST may carry
    accepts_post: bool = False


def _url_for(route: Route, owner: User) -> str | None:
    kwargs = {}
    # Public pages name their rows by a public code (a community's, a case's tracking code).
    walk_kwargs = getattr(route.view_class, "walk_kwargs", None)
    if walk_kwargs is not None:
        kwargs = walk_kwargs(owner)
        if kwargs is None:
            return None
    for param in route.kwargs:
        if param in kwargs:
            continue
        model = getattr(getattr(route.view_class, "queryset", None), "model", None)
        if param == "pk" and model is not None and issubclass(model, ScopedModel):
            row = model.objects.visible_to(owner).order_by("pk").first()
            if row is None:
                return None
            kwargs[param] = str(row.pk)
        else:
            kwargs[param] = placeholder(route.regex, param)
    try:
        return reverse(route.name, kwargs=kwargs or None, args=["1"] * route.positional or None)
    except NoReverseMatch:
        return None


def fuzz_targets(client: Client, owner: User) -> tuple[list[Target], list[str]]:
    """Every named route's URL (with the owner's rows), the query parameters its view read on
    one clean GET, and the fields of every form any page posts to it. Also the routes that
    could not be built, which the caller should treat as a failure."""
    targets: dict[str, Target] = {}
    problems: list[str] = []
    for route in routes():
        if route.name is None or route.name in SKIPPED or route.regex.startswith(SKIPPED_PREFIXES):
            continue
        url = _url_for(route, owner)
        if url is None:
            problems.append(f"{route.name}: no URL could be built for the fuzz walk")
            continue
        view_class = route.view_class
        target = Target(route, url, accepts_post=callable(getattr(view_class, "post", None)))
        form_class = getattr(view_class, "form_class", None)
        for name in getattr(form_class, "base_fields", {}):
            target.fields[name] = FormField(name, "text")
        targets[url] = target
    by_route = {target.route.name: target for target in targets.values()}
    pages: list[Page] = []
    for target in targets.values():
        with recording_query_reads() as reads:
            response = client.get(target.url, {PROBE: "1"})
        target.status = response.status_code
        target.params = reads - {PROBE}
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            pages.append(parse_page(target.url, response.content.decode()))
    for page in pages:
        for form in page.forms:
            path = same_site_path(form.action)
            if form.method == "get" and path == page.url and path in targets:
                for name, each in form.fields.items():
                    targets[path].param_options.setdefault(name, []).extend(each.options)
            if form.method != "post" or path is None:
                continue
            # A form for another row of a walked route (拨打电话 on each line of a list) is that
            # route's form: its fields are fuzzed on the row the walk took.
            target = targets.get(path) or by_route.get(_view_name(path))
            if target is None:
                with contextlib.suppress(Resolver404):
                    if resolve(path).url_name not in SKIPPED:
                        problems.append(f"{page.url}: a form posts to {path}, not walked")
                continue
            for name, each in form.fields.items():
                if name == "csrfmiddlewaretoken":
                    continue
                known = target.fields.get(name)
                if known is None or known.kind == "text":
                    target.fields[name] = each
                else:
                    known.options.extend(o for o in each.options if o not in known.options)
    return list(targets.values()), problems


def _view_name(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None
