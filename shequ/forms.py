from allauth.account import forms as allauth_forms
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

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


class ScopedModelForm(forms.ModelForm):
    """A model form whose choices of scoped rows are only the rows the user may see."""

    template_name = "forms/grid.html"

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)
