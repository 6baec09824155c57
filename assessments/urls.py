from django.urls import path

from assessments.views import appeals, inspections, months

app_name = "assessments"

urlpatterns = [
    path("", months.MonthView.as_view(), name="month"),
    path("runs/", months.StartRunView.as_view(), name="run"),
    path("publish/", months.PublishView.as_view(), name="publish"),
    path("reviews/", appeals.StreetReviewView.as_view(), name="review"),
    path("scores/<int:pk>/", months.ScoreDetailView.as_view(), name="score"),
    path("scores/<int:pk>/<int:indicator_pk>/", months.RecordsView.as_view(), name="records"),
    path("appeals/", appeals.AppealListView.as_view(), name="appeal_list"),
    path(
        "appeals/add/<int:indicator_score_pk>/",
        appeals.AppealCreateView.as_view(),
        name="appeal_add",
    ),
    path("appeals/<int:pk>/", appeals.AppealDetailView.as_view(), name="appeal"),
    path("appeals/<int:pk>/decide/", appeals.AppealDecideView.as_view(), name="appeal_decide"),
    path("photos/<int:pk>/", appeals.EvidencePhotoView.as_view(), name="photo"),
    path("inspections/", inspections.InspectionListView.as_view(), name="inspections"),
    path("inspections/add/", inspections.InspectionCreateView.as_view(), name="inspection_add"),
    path(
        "inspections/<int:pk>/", inspections.InspectionUpdateView.as_view(), name="inspection_edit"
    ),
]
