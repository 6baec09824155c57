from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partybuild.models import ComplianceRule


@admin.register(ComplianceRule)
class ComplianceRuleAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "frequency"]
    list_editable = ["frequency"]
