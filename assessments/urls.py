from django.urls import path

from assessments.views import dashboards, inspections, months

app_name = "assessments"

urlpatterns = [
    path("", months.MonthView.as_view(), name="month"),
    path("runs/", months.StartRunView.as_view(), name="run"),
    path("publish/", months.PublishView.as_view(), name="publish"),
    path("scores/<int:pk>/", months.ScoreDetailView.as_view(), name="score"),
    path("scores/<int:pk>/<int:indicator_pk>/", months.RecordsView.as_view(), name="records"),
    path("inspections/", inspections.InspectionListView.as_view(), name="inspections"),
    path("inspections/add/", inspections.InspectionCreateView.as_view(), name="inspection_add"),
    path(
        "inspections/<int:pk>/", inspections.InspectionUpdateView.as_view(), name="inspection_edit"
    ),
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
