"""The project's URLs plus two views that forget the scoping mechanism, to prove the walk
catches them."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.urls import path
from django.views.generic import DetailView, View

from shequ.models import Community
from shequ.urls import urlpatterns as project_urlpatterns


class LeakyCommunityDetailView(LoginRequiredMixin, DetailView):
    queryset = Community.objects.all()
    template_name = "shequ/community_detail.html"


class LeakyCommunityNamesView(LoginRequiredMixin, View):
    def get(self, request):
        return HttpResponse("、".join(Community.objects.values_list("name", flat=True)))


urlpatterns = [
    *project_urlpatterns,
    path("leaky/communities/<int:pk>/", LeakyCommunityDetailView.as_view(), name="leaky_detail"),
    path("leaky/communities/", LeakyCommunityNamesView.as_view(), name="leaky_names"),
]
