from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from volunteers.models import Activity, ActivityTemplate, SignUp, Team, TeamMembership, Volunteer


@admin.register(Volunteer)
class VolunteerAdmin(SimpleHistoryAdmin):
    list_display = ["resident", "community", "status", "registered_on", "skills"]
    list_filter = ["status"]
    list_select_related = ["resident", "community"]
    raw_id_fields = ["resident", "account"]
    search_fields = ["resident__name"]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    raw_id_fields = ["volunteer"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "community", "founded_on", "dissolved_on"]
    list_filter = ["kind"]
    list_select_related = ["community"]
    search_fields = ["name"]
    inlines = [TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["team", "volunteer", "role", "joined_on", "left_on"]
    list_filter = ["role"]
    list_select_related = ["team", "volunteer__resident"]
    raw_id_fields = ["team", "volunteer"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "community", "starts_at", "ends_at", "capacity", "cancelled_at"]
    list_filter = ["community"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["community", "team", "building"]
    readonly_fields = ["cancelled_at", "created_by"]


@admin.register(SignUp)
class SignUpAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "volunteer", "status", "signed_up_at", "offer_expires_at"]
    list_filter = ["status"]
    raw_id_fields = ["activity", "volunteer"]
    # Places and the waitlist change only through the services, under the activity's lock.
    readonly_fields = ["status", "offered_at", "offer_expires_at", "ended_at"]


@admin.register(ActivityTemplate)
class ActivityTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["title", "community", "weekday", "start_time", "starts_on", "ends_on"]
    list_filter = ["weekday"]
    list_select_related = ["community"]
    raw_id_fields = ["community", "team", "building"]
    search_fields = ["title"]
