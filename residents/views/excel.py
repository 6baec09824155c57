"""The 人口信息采集表 in Excel: the empty template, importing a filled one, exporting a list."""

from django.contrib import messages
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from residents import excel
from residents.filters import ResidentFilterSet
from residents.models import Building, Resident, ResidentTag
from residents.presenters import visible_tags
from residents.services import residents_export, residents_import
from shequ.excel import xlsx_response
from shequ.models.scoping import CHANGE
from shequ.net import client_ip
from shequ.views.generic import ScopedMixin
from shequ.views.imports import ImportAccessMixin, ImportView


class ResidentImportTemplateView(ImportAccessMixin, View):
    queryset = Resident.objects.all()

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


class ResidentImportView(ImportView):
    queryset = Resident.objects.all()
    template_name = "residents/resident_import.html"
    sheet = excel.SHEET
    success_url = reverse_lazy("residents:resident_list")
    template_url = reverse_lazy("residents:resident_import_template")

    def run(self, community, file):
        return residents_import(user=self.request.user, community=community, file=file)

    def done(self, result) -> str:
        return _("已导入 %(households)s 户、%(residents)s 人。") % {
            "households": result.households,
            "residents": result.residents,
        }


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
