"""The Django admin is for reference data and accounts, and only system administrators use it:
it bypasses row scoping, so a staff flag alone must not open it."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.forms import UserCreationForm as DjangoUserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from shequ.models import (
    AccessLog,
    Community,
    Department,
    District,
    GridUnit,
    OutboxMessage,
    RoleAssignment,
    Street,
    TaskRun,
    User,
)


def _superusers_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only


def _admin_entry(request: HttpRequest, extra_context=None) -> HttpResponseRedirect:
    """What is left of the admin's own login page once allauth guards it: never a password form.

    Django's form would log in with a password alone — no TOTP, no rate limit, no lockout — and
    `secure_admin_login` still hands it a signed-in user with the staff flag, who could post a
    superuser's password there. So a signed-in administrator goes on; anyone else is refused.
    """
    if not admin.site.has_permission(request):
        raise PermissionDenied
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    return HttpResponseRedirect(next_url)


# Signed-out visitors are sent to allauth's login page (TOTP, rate limits, lockout) with ?next=.
admin.site.login = secure_admin_login(_admin_entry)


class UserCreationForm(DjangoUserCreationForm):
    class Meta(DjangoUserCreationForm.Meta):
        model = User
        fields = ("username", "name", "phone", "email")


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["district", "street", "community", "grid_unit", "department"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # Accounts keep no simple-history table (their role assignments do); the admin's own
    # change log serves their 历史 page, which simple-history's view would fail on.
    form = UserChangeForm
    add_form = UserCreationForm
    inlines = [RoleAssignmentInline]
    list_display = ["username", "name", "phone", "email", "is_active", "is_superuser", "last_login"]
    search_fields = ["username", "name", "phone", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("name", "phone", "email")}),
        (_("状态"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "phone", "email", "password1", "password2"),
            },
        ),
    )


@admin.register(District)
class DistrictAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Street)
class StreetAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "district"]
    list_filter = ["district"]
    search_fields = ["name", "code"]
    list_select_related = ["district"]


@admin.register(Community)
class CommunityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "street", "phone"]
    list_filter = ["street__district", "street"]
    search_fields = ["name", "code"]
    list_select_related = ["street"]
    autocomplete_fields = ["street"]


@admin.register(GridUnit)
class GridUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "community", "number"]
    list_filter = ["community__street"]
    search_fields = ["name", "community__name", "community__code"]
    list_select_related = ["community"]
    autocomplete_fields = ["community"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "user", "role", "district", "street", "community", "grid_unit", "department", "created_at"
    ]  # fmt: skip
    list_filter = ["role"]
    search_fields = ["user__username", "user__name"]
    list_select_related = [
        "user", "district", "street", "community", "grid_unit__community", "department"
    ]  # fmt: skip
    autocomplete_fields = ["user", "district", "street", "community", "grid_unit", "department"]


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "district", "phone", "active"]
    list_filter = ["active", "district"]
    search_fields = ["name"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: readable, never edited."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "object_repr", "community", "ip_address"]
    list_filter = ["action", "community"]
    search_fields = ["user__username", "user__name", "object_repr"]
    list_select_related = ["user", "community"]


@admin.register(TaskRun)
class TaskRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "name", "status", "finished_at", "result"]
    list_filter = ["status", "name"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """To see what was sent, what waits and why a message failed; the worker alone changes them."""

    list_display = [
        "created_at",
        "kind",
        "recipient_display",
        "subject",
        "sent_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "user__username", "user__name", "email"]
    list_select_related = ["user"]


# Permissions come from role assignments, not Django groups.
admin.site.unregister(Group)
