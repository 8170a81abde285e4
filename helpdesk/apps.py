from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from helpdesk import csat_hooks, db_checks, webhook_hooks  # noqa: F401  (db_checks: pgvector check)

        webhook_hooks.register()
        csat_hooks.register()
