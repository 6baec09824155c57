"""Row parameters the walker cannot fill with a real row: each must fail the walk."""

from django.http import HttpResponse
from django.urls import path
from django.views import View

from residents.views.registry import ResidentDetailView


class NoQuerysetView(View):
    def get(self, request, pk):
        return HttpResponse(str(pk))


urlpatterns = [
    path("mystery/<int:pk>/", NoQuerysetView.as_view(), name="mystery"),
    path("ghosts/<int:ghost_pk>/", NoQuerysetView.as_view(), name="ghost"),
    path("residents/<int:pk>/", ResidentDetailView.as_view(), name="resident"),
]
