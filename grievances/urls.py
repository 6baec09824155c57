from django.urls import path

from grievances.views import statistics

app_name = "grievances"
urlpatterns = [
    path("statistics/", statistics.StatisticsView.as_view(), name="statistics"),
]
