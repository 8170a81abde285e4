from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailChannelConfig(AppConfig):
    name = "emailchannel"
    verbose_name = _("Email")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the adapter module loads models, allowed only once every app is set up.
        from core.hooks import register
        from emailchannel.services import notify, outbound
        from helpdesk.extensions import DeskSection, register_desk_section, register_system_mail_sender
        from helpdesk.services.delivery import delivery_adapter_register

        delivery_adapter_register("email", outbound.email_deliver)
        register("agent_message_posted", notify.web_reply_notify_enqueue)
        register_system_mail_sender(outbound.system_mail_deliver)
        register_desk_section(
            "email", DeskSection(label=_("Email quarantine"), url="/desk/email/quarantine/", order=40)
        )
