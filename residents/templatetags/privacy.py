"""`{{ resident|age_for:access }}` and `{{ resident|birth_for:access }}`: the birth as the
user's role may see it (residents.privacy)."""

from django import template

from residents import privacy

register = template.Library()


@register.filter
def age_for(resident, access) -> int:
    return privacy.shown_age(access, resident)


@register.filter
def birth_for(resident, access) -> str:
    return privacy.shown_birth(access, resident)
