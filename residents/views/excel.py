"""The 人口信息采集表 in Excel: the empty template, importing a filled one, exporting a list."""

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from residents import excel
from residents.filters import ResidentFilterSet
from residents.models import Building, Resident, ResidentTag
from residents.presenters import visible_tags
from residents.services import communities_for_import, residents_export, residents_import
from shequ.excel import xlsx_response
from shequ.models import Community
from shequ.models.scoping import CHANGE
from shequ.net import client_ip
from shequ.params import query_int
from shequ.views.generic import ScopedMixin

# More than this many errors is a wrong file, not a few typos; the page shows the first ones.
ERRORS_SHOWN = 500


class ResidentImportForm(forms.Form):
    community = forms.ModelChoiceField(label=_("导入到社区"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("人口信息采集表"),
        help_text=_("用本页模板填写的 .xlsx 文件，最多 10,000 行、10 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, communities: QuerySet[Community], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities.select_related("street")
        choices = list(self.fields["community"].queryset)
        # Someone who keeps one community's registry is not asked which.
        self.only_community = choices[0] if len(choices) == 1 else None
        if self.only_community:
            del self.fields["community"]

    @property
    def chosen_community(self) -> Community:
        return self.only_community or self.cleaned_data["community"]

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > excel.MAX_FILE_BYTES:
            raise forms.ValidationError(_("文件超过 10 MB，请分成几个文件导入。"))
        if not file.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("只能导入 .xlsx 文件。请在 Excel 或 WPS 中“另存为”Excel 工作簿（*.xlsx）。")
            )
        return file


class ImportAccessMixin(ScopedMixin):
    """Importing is for those who may change residents (community staff); others get a 404."""

    queryset = Resident.objects.all()
    action = CHANGE

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.communities = communities_for_import(request.user)
            if not self.communities.exists():
                raise Http404
        return super().dispatch(request, *args, **kwargs)


class ResidentImportTemplateView(ImportAccessMixin, View):
    def get(self, request):
        community = self.chosen_community()
        buildings = []
        if community:
            buildings = Building.objects.visible_to(request.user, CHANGE).filter(
                community=community
            )
        content = excel.template_workbook(
            building_numbers=[building.number for building in buildings],
            tag_names=[tag.name for tag in visible_tags(ResidentTag.objects.all(), request.access)],
        )
        return xlsx_response(content, f"{excel.TITLE}.xlsx")

    def chosen_community(self):
        """The community whose buildings fill the 楼栋号 dropdown, when it is clear which."""
        communities = list(self.communities)
        if len(communities) == 1:
            return communities[0]
        wanted = query_int(self.request, "community")
        return next((c for c in communities if c.pk == wanted), None)


class ResidentImportView(ImportAccessMixin, View):
    template_name = "residents/resident_import.html"

    def get(self, request):
        return self.page(ResidentImportForm(communities=self.communities))

    def post(self, request):
        form = ResidentImportForm(request.POST, request.FILES, communities=self.communities)
        if not form.is_valid():
            return self.page(form)
        community = form.chosen_community
        try:
            result = residents_import(
                user=request.user, community=community, file=form.cleaned_data["file"]
            )
        except excel.ImportFileError as error:
            form.add_error("file", error.messages)
            return self.page(form)
        if not result.ok:
            return self.page(form, errors=result.errors, community=community)
        messages.success(
            request,
            _("已导入 %(households)s 户、%(residents)s 人。")
            % {"households": result.households, "residents": result.residents},
        )
        return redirect("residents:resident_list")

    def page(self, form, errors=(), community=None):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "community": community,
                "errors": errors[:ERRORS_SHOWN],
                "error_count": len(errors),
                "error_rows": len({error.row for error in errors}),
                "errors_hidden": max(len(errors) - ERRORS_SHOWN, 0),
            },
        )


class ResidentExportView(ScopedMixin, View):
    """The resident list as it is filtered on the page, as a workbook."""

    queryset = Resident.objects.all()

    def get(self, request):
        return self.export(request, full=False)

    def post(self, request):
        """Whole numbers: a POST, so a prefetched or repeated link never writes the access log."""
        return self.export(request, full=True)

    def export(self, request, *, full: bool):
        # The filters travel in the query string for both methods, as on the list page.
        filterset = ResidentFilterSet(request.GET, queryset=self.get_queryset(), request=request)
        residents = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        export = residents_export(
            access=request.access,
            residents=residents,
            full=full,
            ip_address=client_ip(request),
        )
        if export.refused:
            messages.warning(request, _("你没有查看完整号码的权限，导出的号码已部分隐藏。"))
        stamp = f"{timezone.localtime():%Y%m%d-%H%M}"
        return xlsx_response(export.content, f"居民名单-{stamp}.xlsx")
