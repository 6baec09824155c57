from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShequConfig(AppConfig):
    name = "shequ"
    verbose_name = _("社区治理平台")

    def ready(self) -> None:
        from shequ import outbox, signals  # noqa: F401
