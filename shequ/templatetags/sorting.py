"""Sort links and page links for lists a template lays out itself (the field log's cards, the
due visits); tables get theirs from `shequ.tables`."""

from django import template
from django.utils.html import format_html

from shequ import tables

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label: str, target: str = tables.TARGET):
    state, link = tables.sort_link(context["request"], context.get("sort", ""), key, label, target)
    if not state:
        return link
    return format_html('<span class="sorted" aria-current="true">{}</span>', link)


@register.simple_tag(takes_context=True)
def pagination(context, target: str = tables.TARGET):
    return tables.pagination(
        context.get("page_obj"),
        context["request"],
        sort=context.get("sort", ""),
        partial=context.get("partial", False),
        target=target,
    )
