from django.urls import path

from volunteers.views import activities, check_in, excel, figures, hours, people

app_name = "volunteers"

urlpatterns = [
    path("shifts/", activities.ActivityTemplateListView.as_view(), name="activitytemplate_list"),
    path(
        "shifts/add/", activities.ActivityTemplateCreateView.as_view(), name="activitytemplate_add"
    ),
    path(
        "shifts/<int:pk>/edit/",
        activities.ActivityTemplateUpdateView.as_view(),
        name="activitytemplate_edit",
    ),
    path("activities/", activities.ActivityListView.as_view(), name="activity_list"),
    path("activities/add/", activities.ActivityCreateView.as_view(), name="activity_add"),
    path(
        "activities/calendar/",
        activities.ActivityCalendarView.as_view(),
        name="activity_calendar",
    ),
    path("activities/<int:pk>/", activities.ActivityDetailView.as_view(), name="activity_detail"),
    path(
        "activities/<int:pk>/edit/", activities.ActivityUpdateView.as_view(), name="activity_edit"
    ),
    path(
        "activities/<int:pk>/cancel/",
        activities.ActivityCancelView.as_view(),
        name="activity_cancel",
    ),
    path(
        "activities/<int:pk>/sign-up/",
        activities.ActivitySignUpView.as_view(),
        name="activity_sign_up",
    ),
    path(
        "activities/<int:activity_pk>/sign-ups/add/",
        activities.SignUpAddView.as_view(),
        name="signup_add",
    ),
    path(
        "activities/<int:pk>/check-in-code/",
        check_in.ActivityCheckInCodeView.as_view(),
        name="activity_check_in_code",
    ),
    path(
        "activities/<int:pk>/check-in/",
        check_in.ActivityCheckInView.as_view(),
        name="activity_check_in",
    ),
    path(
        "sign-ups/<int:pk>/check-in/", check_in.SignUpCheckInView.as_view(), name="signup_check_in"
    ),
    path(
        "sign-ups/<int:pk>/check-out/",
        check_in.SignUpCheckOutView.as_view(),
        name="signup_check_out",
    ),
    path("sign-ups/mine/", activities.MySignUpsView.as_view(), name="signup_mine"),
    path("sign-ups/<int:pk>/cancel/", activities.SignUpCancelView.as_view(), name="signup_cancel"),
    path(
        "sign-ups/<int:pk>/confirm/", activities.SignUpConfirmView.as_view(), name="signup_confirm"
    ),
    path("records/", hours.ServiceRecordListView.as_view(), name="record_list"),
    path("records/export/", excel.RecordExportView.as_view(), name="record_export"),
    path("records/import/", excel.RecordImportView.as_view(), name="record_import"),
    path(
        "records/import/template/",
        excel.RecordImportTemplateView.as_view(),
        name="record_import_template",
    ),
    path("records/decide/", hours.RecordsDecideView.as_view(), name="records_decide"),
    path("records/<int:pk>/correct/", hours.RecordCorrectView.as_view(), name="record_correct"),
    path("hours/mine/", hours.MyHoursView.as_view(), name="hours_mine"),
    path(
        "volunteers/<int:volunteer_pk>/certificates/add/",
        hours.CertificateIssueView.as_view(),
        name="certificate_add",
    ),
    path(
        "certificates/<int:pk>/", hours.CertificateDetailView.as_view(), name="certificate_detail"
    ),
    path("leaderboard/", figures.LeaderboardView.as_view(), name="leaderboard"),
    path("participation/", figures.ParticipationView.as_view(), name="participation"),
    path("verify/", hours.CertificateVerifyView.as_view(), name="certificate_verify"),
    path("", people.VolunteerListView.as_view(), name="volunteer_list"),
    path("export/", excel.VolunteerExportView.as_view(), name="volunteer_export"),
    path("add/", people.VolunteerCreateView.as_view(), name="volunteer_add"),
    path("mine/", people.OwnVolunteerView.as_view(), name="volunteer_own"),
    path("<int:pk>/", people.VolunteerDetailView.as_view(), name="volunteer_detail"),
    path("<int:pk>/edit/", people.VolunteerUpdateView.as_view(), name="volunteer_edit"),
    path("<int:pk>/confirm/", people.VolunteerConfirmView.as_view(), name="volunteer_confirm"),
    path("<int:pk>/decline/", people.VolunteerDeclineView.as_view(), name="volunteer_decline"),
    path("<int:pk>/leave/", people.VolunteerLeaveView.as_view(), name="volunteer_leave"),
    path("teams/", people.TeamListView.as_view(), name="team_list"),
    path("teams/add/", people.TeamCreateView.as_view(), name="team_add"),
    path("teams/<int:pk>/", people.TeamDetailView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", people.TeamUpdateView.as_view(), name="team_edit"),
    path("teams/<int:pk>/charter/", people.TeamCharterView.as_view(), name="team_charter"),
    path(
        "teams/<int:team_pk>/meetings/add/",
        people.TeamMeetingCreateView.as_view(),
        name="teammeeting_add",
    ),
    path(
        "teams/meetings/<int:pk>/",
        people.TeamMeetingDetailView.as_view(),
        name="teammeeting_detail",
    ),
    path(
        "teams/meetings/<int:pk>/edit/",
        people.TeamMeetingUpdateView.as_view(),
        name="teammeeting_edit",
    ),
    path(
        "teams/meetings/<int:pk>/sheet/",
        people.TeamMeetingSheetView.as_view(),
        name="teammeeting_sheet",
    ),
    path(
        "teams/<int:team_pk>/members/add/",
        people.TeamMembershipCreateView.as_view(),
        name="teammembership_add",
    ),
    path(
        "teams/members/<int:pk>/leave/",
        people.TeamMembershipLeaveView.as_view(),
        name="teammembership_leave",
    ),
]
