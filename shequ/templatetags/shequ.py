from django import forms, template
from django.http import QueryDict

register = template.Library()

_CHOICE_LISTS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.simple_tag
def widget(field: forms.BoundField) -> str:
    """Render a field's widget with the Bootstrap class its kind needs, marked when invalid."""
    w = field.field.widget
    if isinstance(w, _CHOICE_LISTS):
        return field.as_widget()
    if isinstance(w, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(w, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = w.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, for pagination links."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


@register.filter
def column_class(field: forms.BoundField) -> str:
    """Half a row for short inputs, the whole row for text areas and lists of choices."""
    wide = isinstance(field.field.widget, (forms.Textarea, *_CHOICE_LISTS))
    return "col-12" if wide else "col-md-6"


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)
