from django.urls import path

from grievances.views import mediation, statistics

app_name = "grievances"
urlpatterns = [
    path("statistics/", statistics.StatisticsView.as_view(), name="statistics"),
    path("<int:pk>/mediation/", mediation.MediationView.as_view(), name="mediation"),
    path(
        "<int:pk>/mediation/agreement/",
        mediation.AgreementView.as_view(),
        name="mediation_agreement",
    ),
]
