from collections.abc import Iterable

from django import forms, template
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from shequ import chinese

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
    attrs = {"class": f"{existing} {css}".strip()}
    if isinstance(w, forms.Select) and w.template_name == forms.Select.template_name:
        return select(field, attrs)
    return field.as_widget(attrs=attrs)


def select(field: forms.BoundField, attrs: dict) -> SafeString:
    """The HTML Django's select template makes, built here: the template includes a template per
    <option>, which was a quarter of a list page's time (16 ms of a resident list's 60)."""
    w = field.field.widget
    attrs = field.build_widget_attrs(attrs, w)
    if field.auto_id and "id" not in w.attrs:
        attrs.setdefault("id", field.auto_id)
    final = w.build_attrs(w.attrs, attrs)
    multiple = w.allow_multiple_selected
    if multiple:
        final["multiple"] = True
    chosen = set(w.format_value(field.value()))
    html = [format_html('<select name="{}"{}>', field.html_name, _attributes(final))]
    has_selected = False
    for value, label in _choices(w):
        group = isinstance(label, list | tuple)
        if group:
            html.append(format_html('<optgroup label="{}">', value))
        for option, text in label if group else [(value, label)]:
            option = "" if option is None else str(option)
            # As Django's optgroups: a single select marks only its first match.
            selected = (multiple or not has_selected) and option in chosen
            has_selected |= selected
            html.append(
                f'<option value="{escape(option)}"{" selected" if selected else ""}>'
                f"{conditional_escape(text)}</option>"
            )
        if group:
            html.append("</optgroup>")
    html.append("</select>")
    return mark_safe("\n".join(html))  # every value and label above is escaped


def _choices(w: forms.Select) -> Iterable[tuple[object, object]]:
    """A model field's choices, read with one query: Django's ModelChoiceIterator streams them
    through a server-side cursor, three round trips (DECLARE, FETCH, CLOSE) per dropdown."""
    choices = w.choices
    if not isinstance(choices, ModelChoiceIterator):
        return choices
    empty = [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
    return empty + [choices.choice(obj) for obj in choices.queryset.all()]


def _attributes(attrs: dict) -> SafeString:
    """As django/forms/widgets/attrs.html: in order, True as a bare name, False left out."""
    return mark_safe(
        "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


@register.simple_tag
def filter_fields(form: forms.Form, search_placeholder: str = "") -> SafeString:
    """A list's filters, each a small column with its label: the search box wide, the rest
    narrow. Built here rather than in a template loop, which cost 3 ms of a list page."""
    html = []
    for field in form.visible_fields():
        invalid = " is-invalid" if field.errors else ""
        if field.name == "q":
            column = "col-12 col-md-4"
            control = format_html(
                '<input class="form-control{}" type="search" name="q" id="{}" value="{}" '
                'placeholder="{}" autocomplete="off">',
                invalid, field.auto_id, field.value() or "", search_placeholder,
            )  # fmt: skip
        else:
            column = "col-6 col-md-2"
            control = widget(field)
        errors = "".join(
            format_html('<div class="invalid-feedback d-block small">{}</div>', error)
            for error in field.errors
        )
        label = format_html(
            '<label class="form-label small mb-1" for="{}">{}</label>', field.auto_id, field.label
        )
        html.append(
            format_html('<div class="{}">{}{}{}</div>', column, label, control, mark_safe(errors))
        )
    return mark_safe("\n".join(html))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, for pagination links."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


@register.filter
def script(text) -> str:
    """`{{ category.name|script }}`: in traditional characters on a page shown in them."""
    return chinese.in_page_script(text)


@register.filter
def column_class(field: forms.BoundField) -> str:
    """Half a row for short inputs, the whole row for text areas and lists of choices."""
    wide = isinstance(field.field.widget, (forms.Textarea, *_CHOICE_LISTS))
    return "col-12" if wide else "col-md-6"


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)
