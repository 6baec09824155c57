from django import template

from residents.presenters import visible_tags

register = template.Library()


@register.filter
def tags_for(tags, access):
    return visible_tags(tags, access)
