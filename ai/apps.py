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
