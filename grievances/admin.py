from django.contrib import admin, messages
from django.utils.translation import gettext as _

from grievances.models import ApiKey


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
