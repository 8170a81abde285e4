from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AiConfig(AppConfig):
    name = "ai"
    verbose_name = _("AI")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ai.tasks.triage import on_customer_message_posted, on_ticket_created
        from core.hooks import register

        register("ticket_created", on_ticket_created)
        register("customer_message_posted", on_customer_message_posted)

        # After triage's hooks (registered above), so triage runs first on the same message.
        from ai.tasks import inbound

        register("customer_message_posted", inbound.on_customer_message_posted)
        register("agent_message_posted", inbound.on_agent_message_posted)

        # The model gateway's switches and budget (it refuses to generate without a policy).
        from ai.services.model_policy import AISettingsPolicy
        from gateway.policy import policy_register

        policy_register(AISettingsPolicy())

        # The "Insights" section of the desk's top bar (voice of the customer, knowledge gaps).
        from helpdesk.extensions import DeskSection, register_desk_section

        register_desk_section(
            "insights", DeskSection(label=_("Insights"), url="/desk/ai/insights/", order=35)
        )

        # The knowledge base's list shows per-article AI counts and its editor opens a gap's proposed
        # section, through knowledge's own ports (knowledge never imports ai).
        from ai.insights.article_counts import article_counts
        from ai.insights.drafting import gap_proposal, gap_proposal_saved
        from knowledge.extensions import ProposalSource, register_article_counts, register_proposal_source

        register_article_counts(article_counts)
        register_proposal_source("gap", ProposalSource(proposal=gap_proposal, saved=gap_proposal_saved))
