from django.urls import path

from grievances.views import cases, mediation, statistics
from grievances.views.steps import STEPS

app_name = "grievances"

urlpatterns = [
    path("", cases.GrievanceListView.as_view(), name="grievance_list"),
    path("add/", cases.GrievanceCreateView.as_view(), name="grievance_add"),
    path("register/", cases.GrievanceRegisterPrintView.as_view(), name="grievance_register_print"),
    path("statistics/", statistics.StatisticsView.as_view(), name="statistics"),
    path("<int:pk>/", cases.GrievanceDetailView.as_view(), name="grievance_detail"),
    path("<int:pk>/mediation/", mediation.MediationView.as_view(), name="mediation"),
    path(
        "<int:pk>/mediation/agreement/",
        mediation.AgreementView.as_view(),
        name="mediation_agreement",
    ),
    *(
        path(
            f"<int:pk>/{step.name.replace('_', '-')}/",
            cases.GrievanceStepView.as_view(step=step),
            name=f"grievance_{step.name}",
        )
        for step in STEPS
    ),
]
