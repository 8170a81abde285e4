from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from helpdesk.demo import DEMO_EXTENSIONS
        from knowledge.demo import load_knowledge_demo

        if load_knowledge_demo not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(load_knowledge_demo)
