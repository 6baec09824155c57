from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.safestring import mark_safe

from residents.presenters import visible_tags
from residents.tables import call_button as _call_button

register = template.Library()


@register.filter
def tags_for(tags, access):
    return visible_tags(tags, access)


@register.simple_tag(takes_context=True)
def call_button(context, resident):
    url = reverse("residents:resident_call", args=[resident.pk])
    return mark_safe(_call_button(url, get_token(context["request"]), "d-inline-block mt-2"))
