"""Reference data of the desk: categories with their time limits and extra questions, and the
working-day calendar, and the Open311 API keys. Cases themselves are worked in the app's own
pages."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from grievances.models import ApiKey, CalendarDay, Category


class SubcategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ["code", "name", "time_limit_days", "order", "active"]
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "code", "time_limit_days", "order", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    fields = ["parent", "code", "name", "description", "time_limit_days", "questions", "order",
              "active"]  # fmt: skip
    inlines = [SubcategoryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "is_working_day", "name", "local"]
    list_filter = ["is_working_day", "local"]
    date_hierarchy = "date"
    fields = ["date", "is_working_day", "name"]

    def save_model(self, request, obj, form, change) -> None:
        # A day changed here is the office's own decision: syncing the national holidays again
        # must not overwrite it.
        obj.local = True
        super().save_model(request, obj, form, change)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("name", "hint", "community", "active", "created_at", "last_used_at")
    list_filter = ("active",)
    search_fields = ("name", "hint")
    fields = ("name", "community", "active", "hint", "created_at", "last_used_at")
    readonly_fields = ("hint", "created_at", "last_used_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        key = obj.issue()
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            _("新密钥：%(key)s —— 只显示这一次，请现在复制交给使用方；丢失后只能重新签发。")
            % {"key": key},
        )
