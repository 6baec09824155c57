from django.urls import path

from grievances.public import views

app_name = "grievances_public"

urlpatterns = [
    path("track/", views.LookupView.as_view(), name="lookup"),
    path("track/<str:code>/", views.TrackView.as_view(), name="track"),
    path("track/<str:code>/rate/", views.RateView.as_view(), name="rate"),
    path("track/<str:code>/reopen/", views.ReopenView.as_view(), name="reopen"),
    path("receipt/<str:code>/", views.ReceiptView.as_view(), name="receipt"),
    # Staff only: the poster of their community, and photos of the cases they may see.
    path("poster/<int:pk>/", views.PosterView.as_view(), name="poster"),
    path("photos/<int:pk>/", views.PhotoView.as_view(), name="photo"),
    # Last, so that "track" or "poster" is never read as a community's code.
    path("<str:community>/", views.StartView.as_view(), name="start"),
    path("<str:community>/<slug:category>/", views.SubmitView.as_view(), name="submit"),
]
