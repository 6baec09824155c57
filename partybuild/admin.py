from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from partybuild.models import ComplianceRule
from partybuild.tasks import compliance_rules_changed


@admin.register(ComplianceRule)
class ComplianceRuleAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "frequency"]
    list_editable = ["frequency"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        compliance_rules_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        compliance_rules_changed()
