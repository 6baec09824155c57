"""Importing a filled-in template, as every import page does it: the community (asked only of
someone who keeps several), the file, then every row's reasons in place or the counts saved."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from shequ.excel import (
    ERRORS_SHOWN,
    MAX_FILE_BYTES,
    ImportFileError,
    ImportSheet,
    communities_for_import,
)
from shequ.models import Community
from shequ.models.scoping import CHANGE
from shequ.params import query_int
from shequ.views.generic import ScopedMixin


class ImportForm(forms.Form):
    community = forms.ModelChoiceField(label=_("导入到社区"), queryset=None, empty_label=None)
    file = forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(
        self, *args, communities: QuerySet[Community], sheet: ImportSheet, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = sheet.title
        self.fields["file"].help_text = _(
            "用本页模板填写的 .xlsx 文件，最多 %(rows)s 行、10 MB。"
        ) % {"rows": f"{sheet.max_rows:,}"}
        self.fields["community"].queryset = communities.select_related("street")
        choices = list(self.fields["community"].queryset)
        # Someone who keeps one community's records is not asked which.
        self.only_community = choices[0] if len(choices) == 1 else None
        if self.only_community:
            del self.fields["community"]

    @property
    def chosen_community(self) -> Community:
        return self.only_community or self.cleaned_data["community"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件超过 10 MB，请分成几个文件导入。"))
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("只能导入 .xlsx 文件。请在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）。")
            )
        return file


class ImportAccessMixin(ScopedMixin):
    """Importing is for those who may change the model's rows (community staff); others get a
    404."""

    action = CHANGE

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.communities = communities_for_import(request.user, self.queryset.model)
            if not self.communities.exists():
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def chosen_community(self) -> Community | None:
        """The community whose rows fill the template's dropdowns, when it is clear which."""
        communities = list(self.communities)
        if len(communities) == 1:
            return communities[0]
        wanted = query_int(self.request, "community")
        return next((c for c in communities if c.pk == wanted), None)


class ImportView(ImportAccessMixin, View):
    """`run(community, file)` imports all or nothing: it returns a result with `errors` (each
    a shequ.excel.RowError) and nothing saved, or raises ImportFileError; `done(result)` says
    what was saved. The page (templates/import.html) links back to the list at `success_url`
    and to the blank sheet at `template_url`."""

    template_name: str
    sheet: ImportSheet
    success_url: str
    template_url: str

    def run(self, community: Community, file):
        raise NotImplementedError

    def done(self, result) -> str:
        raise NotImplementedError

    def form(self, data=None, files=None) -> ImportForm:
        return ImportForm(data, files, communities=self.communities, sheet=self.sheet)

    def get(self, request):
        return self.page(self.form())

    def post(self, request):
        form = self.form(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        community = form.chosen_community
        try:
            result = self.run(community, form.cleaned_data["file"])
        except ImportFileError as error:
            form.add_error("file", error.messages)
            return self.page(form)
        if result.errors:
            return self.page(form, errors=result.errors, community=community)
        messages.success(request, self.done(result))
        return redirect(self.success_url)

    def page(self, form, errors=(), community=None):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "community": community,
                "list_url": self.success_url,
                "template_url": self.template_url,
                "errors": errors[:ERRORS_SHOWN],
                "error_count": len(errors),
                "error_rows": len({error.row for error in errors}),
                "errors_hidden": max(len(errors) - ERRORS_SHOWN, 0),
            },
        )
