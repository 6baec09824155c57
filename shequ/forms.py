from collections.abc import Mapping

from allauth.account import forms as allauth_forms
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BaseConstraint, F, Model, Q, UniqueConstraint
from django.db.models.constants import LOOKUP_SEP
from django.forms.renderers import TemplatesSetting
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from shequ.text import strip_control
from shequ.validators import normalize_mainland_mobile, validate_mainland_mobile


class BootstrapFormRenderer(TemplatesSetting):
    """Every form renders its fields with Bootstrap markup and each error under its field."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class MobileField(forms.CharField):
    default_validators = [validate_mainland_mobile]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("手机号码"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "13812345678"}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalize_mainland_mobile(super().to_python(value))


class LoginForm(allauth_forms.LoginForm):
    """allauth's login form, worded for offices: one box takes a username, mobile or e-mail."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("账号")
        login.widget.attrs["placeholder"] = _("用户名、手机号码或电子邮箱")
        login.widget.attrs["autocomplete"] = "username"


def _without_control(value: object) -> object:
    if isinstance(value, str):
        return strip_control(value)
    if isinstance(value, list | tuple):
        return [_without_control(item) for item in value]
    return value


def without_control_characters(data: Mapping) -> Mapping:
    """Submitted data with control characters taken out of every text value."""
    if isinstance(data, MultiValueDict):
        cleaned = data.copy()
        for key, values in data.lists():
            cleaned.setlist(key, _without_control(values))
        return cleaned
    return {key: _without_control(value) for key, value in data.items()}


class CleanInputMixin:
    """Text pasted from Word or a legacy system may carry control characters (a vertical tab,
    a form feed) that no page shows and no workbook can hold: they are dropped on input, before
    any field sees them, so no row can store them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = without_control_characters(self.data)


class ModelForm(CleanInputMixin, forms.ModelForm):
    """The base of every model form that is not over a scoped model's choices."""


def _names_in(expression: object) -> set[str]:
    """Field names an expression, a Q or a list of them refer to."""
    if isinstance(expression, F):
        return {expression.name.split(LOOKUP_SEP)[0]}
    if isinstance(expression, Q):
        return {name.split(LOOKUP_SEP)[0] for name in expression.referenced_base_fields}
    if isinstance(expression, list | tuple):
        return set().union(*(_names_in(item) for item in expression))
    if hasattr(expression, "get_source_expressions"):
        return _names_in(expression.get_source_expressions())
    return set()


def constraint_fields(constraint: BaseConstraint) -> set[str]:
    """The fields whose values decide whether a row breaks the constraint. A unique
    constraint's condition only says which rows take part, so it is left out."""
    if isinstance(constraint, UniqueConstraint):
        return set(constraint.fields) | _names_in(list(constraint.expressions))
    return _names_in(getattr(constraint, "condition", None))


def _involved(constraint: BaseConstraint) -> set[str]:
    """Every field the constraint reads, its condition's included."""
    return constraint_fields(constraint) | _names_in(getattr(constraint, "condition", None))


class ScopedModelForm(ModelForm):
    """A model form whose choices of scoped rows are only the rows the user may see, and which
    checks every constraint of its model as a message in place, never a database error.

    Django checks only the constraints whose fields are all on the form; a rule such as "one
    building number per community" involves `community`, which the form sets on the instance in
    clean(), so Django would skip it and leave it to the database. Here every field set on the
    instance takes part, and the constraint's own `violation_error_message` is shown on the one
    form field it concerns, or above the form when it concerns several."""

    template_name = "forms/grid.html"

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)

    def chosen_row(self, name: str) -> Model | None:
        """The row picked in a choice field (or given as its initial value), or None when the
        value is empty, junk or out of the user's scope. For narrowing other fields' choices in
        __init__, before the form is cleaned."""
        field = self.fields[name]
        if self.is_bound:
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        else:
            value = self.get_initial_for_field(field, name)
        if isinstance(value, Model):
            value = value.pk
        try:
            return field.clean(value)
        except ValidationError:
            return None

    def validate_unique(self) -> None:
        exclude = self._get_validation_exclusions()
        # Fields not on the form that the form has set on the instance (the community, from
        # the building or household chosen) take part; fields with an error do not.
        added = {
            field.name
            for field in self.instance._meta.concrete_fields
            if field.name not in self.fields and getattr(self.instance, field.attname) is not None
        } & exclude
        exclude -= added
        shown = {str(message) for errors in self._errors.values() for message in errors}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._add_constraint_errors(None, error, shown)
        # full_clean() has already checked the constraints that involve form fields only.
        for model, constraints in self.instance.get_constraints():
            for constraint in constraints:
                if not _involved(constraint) & added:
                    continue
                try:
                    constraint.validate(model, self.instance, exclude=exclude)
                except ValidationError as error:
                    self._add_constraint_errors(constraint, error, shown)

    def _add_constraint_errors(
        self, constraint: BaseConstraint | None, error: ValidationError, shown: set[str]
    ) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                target = name if name in self.fields else None
                self._add_new(target, errors, shown)
            return
        on_form = constraint_fields(constraint) & set(self.fields) if constraint else set()
        target = on_form.pop() if len(on_form) == 1 else None
        self._add_new(target, error.error_list, shown)

    def _add_new(self, field: str | None, errors: list[ValidationError], shown: set[str]) -> None:
        """Add errors not already shown: the form's own clean() may have said the same."""
        for error in errors:
            message = " ".join(str(m) for m in ValidationError(error).messages)
            if message not in shown:
                shown.add(message)
                self.add_error(field, error)
