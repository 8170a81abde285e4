from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Live chat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from chat.delivery import chat_deliver
        from chat.selectors.public import public_chat_offer
        from chat.services.sessions import chat_session_on_message
        from core import hooks
        from helpdesk.extensions import DeskSection, register_desk_section, register_public_chat
        from helpdesk.services.delivery import delivery_adapter_register

        delivery_adapter_register("chat", chat_deliver)
        register_public_chat(public_chat_offer)
        register_desk_section("chat", DeskSection(label=_("Chats"), url="/desk/chat/", order=15))
        # before the AI's hook (chat is listed before ai): the session exists when the AI asks
        hooks.register("customer_message_posted", chat_session_on_message)
