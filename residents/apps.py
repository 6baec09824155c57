from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("居民信息")

    def ready(self) -> None:
        from residents import signals  # noqa: F401
