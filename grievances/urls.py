from django.urls import path

from grievances.views import cases
from grievances.views.steps import STEPS

app_name = "grievances"

urlpatterns = [
    path("", cases.GrievanceListView.as_view(), name="grievance_list"),
    path("add/", cases.GrievanceCreateView.as_view(), name="grievance_add"),
    path("register/", cases.GrievanceRegisterPrintView.as_view(), name="grievance_register_print"),
    path("<int:pk>/", cases.GrievanceDetailView.as_view(), name="grievance_detail"),
    *(
        path(
            f"<int:pk>/{step.name.replace('_', '-')}/",
            cases.GrievanceStepView.as_view(step=step),
            name=f"grievance_{step.name}",
        )
        for step in STEPS
    ),
]
