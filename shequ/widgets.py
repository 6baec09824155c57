"""Widgets every app can use."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SearchSelect(forms.Select):
    """A `<select>` that static/js/search-select.js turns into search as you type.

    The script hides the select and shows a text box that asks `url_name` (`?q=…`, answering
    `{"results": [{"value", "label"}]}` from the user's scoped rows) and sets the select to the
    row picked. Without the script the plain select still works, and the form validates the
    value against its scoped queryset either way: the endpoint only saves scrolling."""

    template_name = "widgets/search_select.html"

    def __init__(self, url_name: str, placeholder: str = "", attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.url_name = url_name
        self.placeholder = placeholder or _("输入以搜索")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse(self.url_name)
        context["widget"]["placeholder"] = self.placeholder
        return context
