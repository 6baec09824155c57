"""The roster and the hours as workbooks, as their pages filter them, and the import of past
service records kept on paper."""

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from shequ.excel import xlsx_response
from shequ.views.generic import ScopedMixin
from shequ.views.imports import ImportAccessMixin, ImportView
from volunteers import excel, hours
from volunteers.filters import ServiceRecordFilterSet, VolunteerFilterSet
from volunteers.models import ServiceRecord, Volunteer
from volunteers.views.hours import OrganisersOnlyMixin


def _stamp() -> str:
    return f"{timezone.localtime():%Y%m%d-%H%M}"


class VolunteerExportView(OrganisersOnlyMixin, ScopedMixin, View):
    """志愿者名册 as the list is filtered on the page, numbers masked. Whole numbers are the
    registry's to give (with its access log), not the roster's."""

    queryset = Volunteer.objects.all()

    def get(self, request):
        filterset = VolunteerFilterSet(request.GET, queryset=self.get_queryset(), request=request)
        volunteers = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        content = excel.roster_workbook(request.access, volunteers)
        return xlsx_response(content, f"志愿者名册-{_stamp()}.xlsx")


class RecordExportView(OrganisersOnlyMixin, ScopedMixin, View):
    """服务时长 as the service records are filtered on the page."""

    queryset = ServiceRecord.objects.all()

    def get(self, request):
        filterset = ServiceRecordFilterSet(
            request.GET, queryset=self.get_queryset(), request=request
        )
        records = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        content = excel.hours_workbook(request.access, records)
        return xlsx_response(content, f"服务时长-{_stamp()}.xlsx")


class RecordImportTemplateView(ImportAccessMixin, View):
    queryset = ServiceRecord.objects.all()

    def get(self, request):
        return xlsx_response(excel.import_template(), f"{excel.IMPORT_TITLE}.xlsx")


class RecordImportView(ImportView):
    queryset = ServiceRecord.objects.all()
    template_name = "volunteers/record_import.html"
    sheet = excel.IMPORT_SHEET
    success_url = reverse_lazy("volunteers:record_list")
    template_url = reverse_lazy("volunteers:record_import_template")

    def run(self, community, file):
        return hours.records_import(user=self.request.user, community=community, file=file)

    def done(self, result) -> str:
        return _("已导入 %(volunteers)s 位志愿者的 %(records)s 条历史服务记录，均已认定。") % {
            "volunteers": result.volunteers,
            "records": result.records,
        }
