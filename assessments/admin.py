"""Indicator schemes are reference data, kept by administrators here. A version that scored a
published month is read-only: the change is made in a new version (the action below)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Indicator, Scheme

INDICATOR_FIELDS = ["order", "group", "name", "full_marks", "kind", "metric", "rule", "zero_at",
                    "full_at", "no_data", "guidance"]  # fmt: skip


class IndicatorInline(admin.StackedInline):
    model = Indicator
    fields = INDICATOR_FIELDS
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not (obj and obj.locked) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not (obj and obj.locked) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.locked) and super().has_delete_permission(request, obj)


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "version", "effective_from", "created_at"]
    list_filter = ["district"]
    fields = ["district", "name", "version", "effective_from", "inspection_due_day", "note"]
    inlines = [IndicatorInline]
    actions = ["make_new_version"]

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.locked:
            return self.fields
        return ["version"] if obj else []

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.locked) and super().has_delete_permission(request, obj)

    @admin.action(description=gettext_lazy("复制为新版本（用于修改已发布月份用过的方案）"))
    def make_new_version(self, request, queryset):
        for scheme in queryset:
            copy = scheme.new_version()
            self.message_user(
                request, _("已创建%(scheme)s，请修改其指标和起用月份。") % {"scheme": copy},
                messages.SUCCESS,
            )  # fmt: skip
