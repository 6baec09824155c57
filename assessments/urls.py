from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.MonthView.as_view(), name="month"),
    path("runs/", views.StartRunView.as_view(), name="run"),
    path("publish/", views.PublishView.as_view(), name="publish"),
    path("scores/<int:pk>/", views.ScoreDetailView.as_view(), name="score"),
    path("scores/<int:pk>/<int:indicator_pk>/", views.RecordsView.as_view(), name="records"),
    path("inspections/", views.InspectionListView.as_view(), name="inspections"),
    path("inspections/add/", views.InspectionCreateView.as_view(), name="inspection_add"),
    path("inspections/<int:pk>/", views.InspectionUpdateView.as_view(), name="inspection_edit"),
]
