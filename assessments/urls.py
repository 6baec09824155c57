from django.urls import path

from assessments.views import appeals, civility, dashboards, inspections, months

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
    path("four-no/", civility.FourNoRecordListView.as_view(), name="fournorecord_list"),
    path("four-no/add/", civility.FourNoRecordCreateView.as_view(), name="fournorecord_add"),
    path("four-no/<int:pk>/", civility.FourNoRecordUpdateView.as_view(), name="fournorecord_edit"),
    path("four-no/overview/", civility.FourNoOverviewView.as_view(), name="fourno_overview"),
    path("awards/candidates/", civility.CandidateListView.as_view(), name="candidate_list"),
    path("awards/add/", civility.CivilityAwardCreateView.as_view(), name="civilityaward_add"),
    path(
        "awards/confirm/",
        civility.CivilityAwardConfirmView.as_view(),
        name="civilityaward_confirm",
    ),
    path("awards/", civility.CivilityAwardListView.as_view(), name="civilityaward_list"),
    path("awards/export/", civility.CivilityAwardExportView.as_view(), name="civilityaward_export"),
    path("dashboard/", dashboards.RankingView.as_view(), name="dashboard"),
    path("dashboard/trend/", dashboards.TrendView.as_view(), name="dashboard_trend"),
    path("dashboard/breakdown/", dashboards.BreakdownView.as_view(), name="dashboard_breakdown"),
    path("dashboard/spread/", dashboards.SpreadView.as_view(), name="dashboard_spread"),
    path(
        "dashboard/inspections/",
        dashboards.InspectionLatenessView.as_view(),
        name="dashboard_inspections",
    ),
    path("dashboard/red-flags/", dashboards.RedFlagHistoryView.as_view(), name="red_flags"),
]
