"""Reference data of the desk: categories with their time limits and extra questions, and the
working-day calendar. Cases themselves are worked in the app's own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from grievances.models import CalendarDay, Category


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
