from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Proactive outreach")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the services load models, allowed only once every app is set up.
        from chat.services.notices import NoticeProvider, register_notice_provider
        from core.hooks import register
        from helpdesk.extensions import (
            DeskSection,
            register_answer_claimer,
            register_desk_section,
            register_portal_notices,
        )
        from outreach.services import hooks
        from outreach.services.incidents import incident_answer_claim
        from outreach.services.notices import chat_notice_opened, chat_notices_deliver, portal_notices_show

        register("ticket_created", hooks.on_ticket_created)
        # Fired by whoever detects a theme spike (ai/insights): run_hooks("theme_spiked", ...)
        register(hooks.THEME_SPIKE_HOOK, hooks.on_theme_spiked)
        register_portal_notices(portal_notices_show)
        # "Chat message on next visit": the widget of a signed-in visitor shows it once.
        register_notice_provider(NoticeProvider(take=chat_notices_deliver, seen=chat_notice_opened))
        # A ticket that matches an open incident gets the incident note, not an AI answer as well.
        register_answer_claimer("outreach.incidents", incident_answer_claim)
        register_desk_section("outreach", DeskSection(label=_("Outreach"), url="/desk/outreach/", order=45))
