from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from helpdesk.extensions import PortalSuggester, register_portal_suggester


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here, not at the top: the selectors load models, which the app registry only
        # allows once every app is set up.
        from knowledge.selectors.help_center import portal_article_url, portal_suggestions

        # The portal (helpdesk) offers help-center articles while a customer writes a ticket.
        register_portal_suggester(PortalSuggester(suggest=portal_suggestions, article_url=portal_article_url))
