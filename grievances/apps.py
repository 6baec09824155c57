from django.apps import AppConfig


class GrievancesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "grievances"
    verbose_name = "民愿接待室"
