from django.contrib import admin

from residents.models import ResidentTag


@admin.register(ResidentTag)
class ResidentTagAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sensitive", "visit_every_days", "order"]
    list_editable = ["sensitive", "visit_every_days", "order"]
