"""Links that sort a list by one of its view's declared keys (`ObjectListView.sortable`)."""

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def _link(context, key: str, label: str, target: str) -> tuple[str, SafeString]:
    """The sort state of `key` and a link to sort by it, ascending first and reversed on the
    second click. The link keeps the filters, starts again at page 1 and, with htmx, swaps only
    the list."""
    current = context.get("sort", "")
    state = "ascending" if current == key else "descending" if current == f"-{key}" else ""
    query: QueryDict = context["request"].GET.copy()
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


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, css: str = "", target: str = "object-table"):
    """A table's `<th>`; the sorted column carries `aria-sort` for screen readers."""
    state, link = _link(context, key, label, target)
    aria = format_html(' aria-sort="{}"', state) if state else ""
    return format_html('<th class="{}"{}>{}</th>', f"sortable {css}".strip(), aria, link)


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label: str, target: str = "object-table"):
    """The same link for lists that are not tables (the field log's cards)."""
    state, link = _link(context, key, label, target)
    if not state:
        return link
    return format_html('<span class="sorted" aria-current="true">{}</span>', link)
