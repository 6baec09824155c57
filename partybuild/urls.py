from django.urls import path

from partybuild.views import dues, members, organizations

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
]
