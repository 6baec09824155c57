from django.urls import path

from partybuild.views import meetings, members, organizations

app_name = "partybuild"

urlpatterns = [
    path("", organizations.OrganizationTreeView.as_view(), name="organization_tree"),
    path(
        "organizations/<int:pk>/",
        organizations.OrganizationDetailView.as_view(),
        name="organization_detail",
    ),
    path("members/", members.MemberListView.as_view(), name="member_list"),
    path("members/<int:pk>/", members.MemberDetailView.as_view(), name="member_detail"),
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/add/", meetings.MeetingCreateView.as_view(), name="meeting_add"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meetings.MeetingUpdateView.as_view(), name="meeting_edit"),
    path(
        "meetings/files/<int:pk>/",
        meetings.MeetingAttachmentView.as_view(),
        name="meeting_attachment",
    ),
    path("meetings/attendance/", meetings.AttendanceListView.as_view(), name="attendance_list"),
    path("meetings/compliance/", meetings.ComplianceView.as_view(), name="compliance"),
    path(
        "meetings/compliance/overview/",
        meetings.ComplianceOverviewView.as_view(),
        name="compliance_overview",
    ),
    path("meetings/exemptions/add/", meetings.ExemptionCreateView.as_view(), name="exemption_add"),
    path(
        "meetings/exemptions/<int:pk>/edit/",
        meetings.ExemptionUpdateView.as_view(),
        name="exemption_edit",
    ),
]
