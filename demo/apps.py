from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """`manage.py load_demo`: the Northwind Bikes demo. Sits above every other app, so it may use all of
    them; nothing imports it."""

    name = "demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        from demo.data import DEMO_EXTENSIONS
        from demo.knowledge import load_knowledge_demo

        if load_knowledge_demo not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(load_knowledge_demo)

        from demo.ai_history import load_ai_history_demo  # after the help center: answers cite it

        if load_ai_history_demo not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(load_ai_history_demo)

        from demo.parts import load_chat_widget_demo, load_insights_demo, load_outreach_demo

        for part in (load_chat_widget_demo, load_insights_demo, load_outreach_demo):
            if part not in DEMO_EXTENSIONS:
                DEMO_EXTENSIONS.append(part)

        # The showcase stays last: it indexes the help center and drafts replies for what is open once
        # everything else exists.
        from demo.showcase import load_showcase_demo

        if load_showcase_demo not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(load_showcase_demo)
