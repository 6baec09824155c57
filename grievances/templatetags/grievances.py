"""What other apps' pages show of the desk, without those apps knowing of it."""

from django import template

from grievances.models import Grievance

register = template.Library()


@register.simple_tag(takes_context=True)
def grievance_from_field_log(context, entry) -> Grievance | None:
    """`{% grievance_from_field_log entry as case %}`: the case made of this field-log entry,
    if there is one the user may open."""
    user = context["request"].user
    return Grievance.objects.visible_to(user).filter(field_log_entry=entry).first()
