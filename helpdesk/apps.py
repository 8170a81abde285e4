from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Helpdesk")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: these modules load models, which the app registry only
        # allows once every app is set up.
        from django.contrib.auth.signals import user_logged_out

        from core import gc_freeze
        from core.views import register_agent_lookup
        from helpdesk import csat_hooks, db_checks, events, webhook_hooks  # noqa: F401  (db_checks: pgvector check)
        from helpdesk.selectors.access import agent_for
        from helpdesk.services import report_rollup_capture

        register_agent_lookup(agent_for)
        webhook_hooks.register()
        csat_hooks.register()
        report_rollup_capture.register()
        gc_freeze.register()  # django-q2 workers freeze their start-up heap once spawned
        user_logged_out.connect(events.session_sockets_close, dispatch_uid="helpdesk-close-sockets")
