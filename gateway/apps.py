from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatewayConfig(AppConfig):
    """The model gateway: every call to a model (chat, streaming, embeddings) and its record."""

    name = "gateway"
    verbose_name = _("Model gateway")
    default_auto_field = "django.db.models.BigAutoField"
