from django.urls import path

from partybuild.views import dues, fieldwork, meetings, members, organizations

app_name = "partybuild"

urlpatterns = [
    path("", organizations.OrganizationTreeView.as_view(), name="organization_tree"),
    path(
        "organizations/add/",
        organizations.OrganizationCreateView.as_view(),
        name="organization_add",
    ),
    path(
        "organizations/<int:pk>/",
        organizations.OrganizationDetailView.as_view(),
        name="organization_detail",
    ),
    path(
        "organizations/<int:pk>/edit/",
        organizations.OrganizationUpdateView.as_view(),
        name="organization_edit",
    ),
    path(
        "organizations/<int:party_organization_pk>/posts/add/",
        organizations.PostCreateView.as_view(),
        name="post_add",
    ),
    path("posts/<int:pk>/end/", organizations.PostEndView.as_view(), name="post_end"),
    path("members/", members.MemberListView.as_view(), name="member_list"),
    path("members/add/", members.MemberCreateView.as_view(), name="member_add"),
    path("members/mine/", members.OwnFileView.as_view(), name="member_own"),
    path("members/<int:pk>/", members.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", members.MemberUpdateView.as_view(), name="member_edit"),
    path(
        "members/<int:pk>/transfer-out/",
        members.MemberTransferOutView.as_view(),
        name="member_transfer_out",
    ),
    path("members/<int:pk>/receipt/", members.MemberReceiptView.as_view(), name="member_receipt"),
    path("members/<int:pk>/confirm/", members.MemberConfirmView.as_view(), name="member_confirm"),
    path("members/<int:pk>/move/", members.MemberMoveView.as_view(), name="member_move"),
    path("members/<int:pk>/status/", members.MemberStatusView.as_view(), name="member_status"),
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
    path("members/<int:partymember_pk>/dues/", dues.MemberDuesView.as_view(), name="member_dues"),
    path("dues/", dues.DuesIndexView.as_view(), name="dues"),
    path("dues/arrears/", dues.DuesArrearsView.as_view(), name="dues_arrears"),
    path("dues/organizations/<int:pk>/", dues.DuesSheetView.as_view(), name="dues_sheet"),
    path(
        "dues/organizations/<int:pk>/summary/",
        dues.DuesSummaryView.as_view(),
        name="dues_summary",
    ),
    path("dues/organizations/<int:pk>/export/", dues.DuesExportView.as_view(), name="dues_export"),
    path("dues/months/<int:pk>/edit/", dues.DuesMonthUpdateView.as_view(), name="duesmonth_edit"),
    path("members/<int:pk>/service/", fieldwork.MemberServiceView.as_view(), name="member_service"),
    path(
        "members/<int:partymember_pk>/service/hours/add/",
        fieldwork.ServiceHoursCreateView.as_view(),
        name="servicehours_add",
    ),
    path("pairings/", fieldwork.PairingListView.as_view(), name="pairing_list"),
    path("pairings/add/", fieldwork.PairingCreateView.as_view(), name="pairing_add"),
    path("pairings/<int:pk>/", fieldwork.PairingDetailView.as_view(), name="pairing_detail"),
    path("pairings/<int:pk>/end/", fieldwork.PairingEndView.as_view(), name="pairing_end"),
    path(
        "pairings/<int:pk>/visits/add/",
        fieldwork.PairingVisitCreateView.as_view(),
        name="pairing_visit_add",
    ),
    path("visits/due/", fieldwork.MustVisitListView.as_view(), name="visit_due"),
    path("four-ones/", fieldwork.FourOnesTableView.as_view(), name="four_ones"),
    path(
        "four-ones/records/",
        fieldwork.FourOnesRecordListView.as_view(),
        name="fouronesrecord_list",
    ),
    path(
        "four-ones/records/add/",
        fieldwork.FourOnesRecordCreateView.as_view(),
        name="fouronesrecord_add",
    ),
    path(
        "four-ones/records/<int:pk>/",
        fieldwork.FourOnesRecordDetailView.as_view(),
        name="fouronesrecord_detail",
    ),
    path("needs/", fieldwork.CommunityNeedListView.as_view(), name="need_list"),
    path("needs/add/", fieldwork.CommunityNeedCreateView.as_view(), name="need_add"),
    path("needs/<int:pk>/", fieldwork.CommunityNeedDetailView.as_view(), name="need_detail"),
    path("needs/<int:pk>/claim/", fieldwork.CommunityNeedClaimView.as_view(), name="need_claim"),
    path("needs/<int:pk>/done/", fieldwork.CommunityNeedDoneView.as_view(), name="need_done"),
]
