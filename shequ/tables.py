"""The tables of list pages, and their sort headers and page links, built in Python.

Through the template engine a list page spent most of its time on its rows: 0.6 ms a row of the
resident list, 15 of its 47 ms, with the page links another 1.4. Built here a row costs tens of
microseconds. Each app declares its tables in `tables.py`, as NetBox does: the columns in order,
the key of the view's `sortable` that each header sorts by, and a `render_<column>` method for
any cell that is more than an attribute of the row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from django.core.paginator import Page
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.access import Access
from shequ.models.scoping import scope_of

TARGET = "object-table"
EMPTY = "—"
_PLACEHOLDER = "987654321"


def sort_link(
    request: HttpRequest, sort: str, key: str, label: str, target: str = TARGET
) -> tuple[str, SafeString]:
    """The sort state of `key` ("ascending", "descending" or "") and a link to sort by it,
    ascending first and reversed on the second click. The link keeps the filters, starts again
    at page 1 and, with htmx, swaps only the list."""
    state = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    query["sort"] = f"-{key}" if state == "ascending" else key
    href = f"?{query.urlencode()}"
    arrow = {"ascending": "▲", "descending": "▼"}.get(state, "")
    link = format_html(
        '<a class="sort-link" href="{}" hx-get="{}" hx-target="#{}" hx-push-url="true" '
        'title="{}">{}<span class="sort-arrow" aria-hidden="true">{}</span></a>',
        href,
        href,
        target,
        _("按%(column)s排序") % {"column": label},
        label,
        arrow,
    )
    return state, link


def sort_header(
    request: HttpRequest, sort: str, key: str, label: str, css: str = "", target: str = TARGET
) -> SafeString:
    """A table's `<th>` that sorts; the sorted column carries `aria-sort` for screen readers."""
    state, link = sort_link(request, sort, key, label, target)
    aria = format_html(' aria-sort="{}"', state) if state else ""
    return format_html('<th class="{}"{}>{}</th>', f"sortable {css}".strip(), aria, link)


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    sort: str = ""  # a key of the view's `sortable`; "" when the column does not sort
    css: str = ""  # on the header and the cells: responsive hiding, alignment
    cell_css: str = ""  # on the cells only
    # Shown only to users who reach more than one community: which community a row is in.
    several_communities: bool = False


class Rows:
    """A page of rows as HTML; `{{ table }}` in a template shows it."""

    empty_text: str = ""

    def __init__(self, rows: Iterable, *, request: HttpRequest, sort: str = "") -> None:
        self.rows = rows
        self.request = request
        self.sort = sort
        self.access: Access = request.access
        self._urls: dict[tuple[str, bool], tuple[str, str, str]] = {}
        self._labels: dict[tuple[type, str], dict] = {}

    def __html__(self) -> SafeString:
        return self.render()

    def __str__(self) -> str:
        return self.render()

    def prepare(self, rows: list) -> None:
        """Load what the rows show beyond their own columns, for the whole page at once."""

    def render(self) -> SafeString:
        self.rows = list(self.rows)
        self.prepare(self.rows)
        return mark_safe(self.render_rows(self.rows))  # escaped where each piece is made

    def render_rows(self, rows: list) -> str:
        raise NotImplementedError

    def url(self, name: str, pk: int | None = None) -> str:
        """`reverse(name)`, or `reverse(name, args=[pk])`, reversed once a page, not once a row."""
        key = (name, pk is None)
        if key not in self._urls:
            if pk is None:
                self._urls[key] = (reverse(name), "", "")
            else:
                self._urls[key] = reverse(name, args=[_PLACEHOLDER]).rpartition(_PLACEHOLDER)
        before, _placeholder, after = self._urls[key]
        return before if pk is None else f"{before}{pk}{after}"

    def label(self, row, name: str) -> str:
        """`row.get_<name>_display()`, with the labels translated once a page, not once a row."""
        key = (type(row), name)
        if key not in self._labels:
            field = row._meta.get_field(name)
            self._labels[key] = {value: str(label) for value, label in field.flatchoices}
        value = getattr(row, name)
        return self._labels[key].get(value, value)


class Table(Rows):
    """Rows as a table of declared columns."""

    columns: tuple[Column, ...] = ()

    def __init__(self, rows: Iterable, *, request: HttpRequest, sort: str = "") -> None:
        super().__init__(rows, request=request, sort=sort)
        if not (self.access.is_admin or scope_of(request.user).several_communities):
            self.columns = tuple(c for c in self.columns if not c.several_communities)

    def render_rows(self, rows: list) -> str:
        cells = [self._cell(column) for column in self.columns]
        body = "".join(
            f"<tr>{''.join(cell(row) for cell in cells)}</tr>" for row in rows
        ) or format_html(
            '<tr><td colspan="{}" class="text-body-secondary py-4 text-center">{}</td></tr>',
            len(self.columns),
            self.empty_text,
        )
        return (
            '<div class="table-responsive rounded border mb-2">'
            '<table class="table table-hover mb-0 align-middle">'
            f'<thead class="table-light"><tr>{self._headers()}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )

    def _headers(self) -> str:
        return "".join(
            sort_header(self.request, self.sort, column.sort, column.header, column.css)
            if column.sort
            else f"<th{_class(column.css)}>{as_html(column.header)}</th>"
            for column in self.columns
        )

    def _cell(self, column: Column) -> Callable[[object], str]:
        render = getattr(self, f"render_{column.name}", None) or (
            lambda row: getattr(row, column.name)
        )
        opening = f"<td{_class(f'{column.css} {column.cell_css}')}>"

        def cell(row) -> str:
            return f"{opening}{as_html(render(row))}</td>"

        return cell


class ListGroup(Rows):
    """Rows as a Bootstrap list group, for lists read on a phone: one item per row."""

    def render_rows(self, rows: list) -> str:
        items = "".join(self.render_row(row) for row in rows) or format_html(
            '<div class="list-group-item text-body-secondary text-center py-4">{}</div>',
            self.empty_text,
        )
        return f'<div class="list-group mb-2">{items}</div>'

    def render_row(self, row) -> str:
        raise NotImplementedError


def as_html(value: object) -> str:
    """A cell's text escaped (html.escape, as Django's escape() without its lazy wrapper, a
    third of a row's time), HTML made by format_html or link() as it is, "—" for nothing."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, SafeData):
        return str(value)
    return escape(str(value))


def link(url: str, text: object, css: str = "") -> SafeString:
    return mark_safe(f'<a{_class(css)} href="{escape(url)}">{as_html(text)}</a>')


def _class(css: str) -> str:
    css = " ".join(css.split())
    return f' class="{escape(css)}"' if css else ""


def pagination(
    page: Page | None, request: HttpRequest, *, sort: str = "", partial: bool = False,
    target: str = TARGET,
) -> SafeString:  # fmt: skip
    """The page links under a list and its total ("共 N 条"). A list swapped in by htmx (a header
    sorted it) also tells the filter form its sort, so a filter changed next keeps it."""
    html = []
    if partial:
        html.append(
            format_html(
                '<input type="hidden" name="sort" value="{}" id="list-sort" hx-swap-oob="true"{}>',
                sort,
                "" if sort else mark_safe(" disabled"),
            )
        )
    if page is None:
        return mark_safe("".join(html))
    total = format_html(
        '<span class="text-body-secondary small">{}</span>',
        _("共 %(total)s 条") % {"total": page.paginator.count},
    )
    if page.paginator.num_pages <= 1:
        return mark_safe("".join([*html, total]))
    query = request.GET.copy()

    def item(number: int | None, text: str, current: bool = False) -> str:
        if current:
            return format_html(
                '<li class="page-item active" aria-current="page"><span class="page-link">{}</span>'
                "</li>",
                text,
            )
        if number is None:
            return format_html(
                '<li class="page-item disabled"><span class="page-link">{}</span></li>', text
            )
        query["page"] = number
        href = f"?{query.urlencode()}"
        swap = format_html(' hx-get="{}" hx-target="#{}" hx-push-url="true"', href, target)
        return format_html(
            '<li class="page-item"><a class="page-link" href="{}"{}>{}</a></li>',
            href,
            swap if target else "",
            text,
        )

    links = [item(page.previous_page_number() if page.has_previous() else None, _("上一页"))]
    for number in page.paginator.get_elided_page_range(page.number):
        if number == page.paginator.ELLIPSIS:
            links.append(item(None, "…"))
        else:
            links.append(item(number, str(number), current=number == page.number))
    links.append(item(page.next_page_number() if page.has_next() else None, _("下一页")))
    html.append(
        format_html(
            '<nav aria-label="{}" class="d-flex flex-wrap align-items-center gap-2">'
            '<ul class="pagination pagination-sm mb-0">{}</ul>{}</nav>',
            _("分页"),
            mark_safe("".join(links)),
            total,
        )
    )
    return mark_safe("".join(html))


class CommunityTable(Table):
    columns = (
        Column("name", gettext_lazy("社区"), sort="name"),
        Column("street", gettext_lazy("街道"), sort="street"),
        Column("district", gettext_lazy("区"), sort="district", css="d-none d-md-table-cell"),
        Column("code", gettext_lazy("统计用区划代码"), sort="code", css="d-none d-sm-table-cell",
               cell_css="font-monospace"),
        Column("grid_unit_count", gettext_lazy("网格"), sort="grid_units", css="text-end"),
    )  # fmt: skip
    empty_text = gettext_lazy("没有符合条件的社区。")

    def render_name(self, community):
        return link(self.url("community_detail", community.pk), community.name)

    def render_street(self, community):
        return community.street.name

    def render_district(self, community):
        return community.street.district.name
