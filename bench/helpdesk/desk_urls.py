from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """The floor: middleware and the test client, no database."""
    return HttpResponse("ok")


urlpatterns = [
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
    path("trivial/", trivial),
]
