from django.urls import path

from partybuild.views import fieldwork, members, organizations

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
