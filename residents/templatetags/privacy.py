"""`{{ resident|age_for:access }}`, `{{ resident|birth_for:access }}` and
`{{ resident|registered_address_for:access }}`: as the user's role may see them
(residents.privacy)."""

from django import template

from residents import privacy

register = template.Library()


@register.filter
def age_for(resident, access) -> int:
    return privacy.shown_age(access, resident)


@register.filter
def birth_for(resident, access) -> str:
    return privacy.shown_birth(access, resident)


@register.filter
def registered_address_for(resident, access) -> str:
    return privacy.shown_registered_address(access, resident)
