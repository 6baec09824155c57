from django.urls import path

from partybuild.views import members, organizations

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
]
