from django.urls import re_path

from grievances.open311 import views

app_name = "open311"

# Every resource in both formats, chosen by its extension as the spec has it.
FORMAT = r"\.(?P<format>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.DiscoveryView.as_view(), name="discovery"),
    re_path(r"^services" + FORMAT, views.ServiceListView.as_view(), name="service_list"),
    re_path(
        r"^services/(?P<service_code>[-\w]+)" + FORMAT,
        views.ServiceDefinitionView.as_view(),
        name="service_definition",
    ),
    re_path(r"^requests" + FORMAT, views.RequestListView.as_view(), name="request_list"),
    re_path(
        r"^requests/(?P<service_request_id>\w+)" + FORMAT,
        views.RequestDetailView.as_view(),
        name="request_detail",
    ),
    re_path(r"^tokens/(?P<token>\w+)" + FORMAT, views.TokenView.as_view(), name="token"),
]
