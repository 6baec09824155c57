from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from shequ import views
from shequ.views.session import keep_alive

admin.site.site_header = _("shequ 系统管理")
admin.site.site_title = _("shequ 系统管理")
admin.site.index_title = _("基础数据与账户")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("health/", views.health, name="health"),
    path("communities/", views.CommunityListView.as_view(), name="community_list"),
    path("communities/<int:pk>/", views.CommunityDetailView.as_view(), name="community_detail"),
    path("residents/", include("residents.urls")),
    path("grievances/", include("grievances.urls")),
    path("open311/v2/", include("grievances.open311.urls")),
    path("partybuild/", include("partybuild.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("assessments/", include("assessments.urls")),
    # The public desk's short addresses, printed as QR codes on posters and receipts.
    path("g/", include("grievances.public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("session/keep-alive/", keep_alive, name="keep_alive"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
