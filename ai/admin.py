"""Django admin for the ai app. Other modules append their ModelAdmins below."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ai.models import AISettings, TokenUsage
from gateway.llm.budget import budget_remaining, tokens_used_this_month
from gateway.llm.config import is_configured
from gateway.pii.engine import MODE_PATTERNS_ONLY, pii_engine_status
from helpdesk.admin_base import SingletonAdminMixin


@admin.register(AISettings)
class AISettingsAdmin(SingletonAdminMixin, admin.ModelAdmin):
    """A singleton: the one row is edited, never added twice or deleted."""

    fieldsets = [
        (
            _("Generative features"),
            {
                "fields": [
                    "answers_enabled",
                    "drafts_enabled",
                    "summaries_enabled",
                    "triage_llm_enabled",
                    "answer_email",
                ]
            },
        ),
        (
            _("Budget and thresholds"),
            {"fields": ["monthly_token_budget", "confidence_threshold", "usage_summary"]},
        ),
        (_("Privacy"), {"fields": ["pii_engine"]}),
    ]
    readonly_fields = ["usage_summary", "pii_engine"]

    @admin.display(description=_("PII redaction engine"))
    def pii_engine(self, obj: AISettings) -> str:
        return pii_engine_status().message

    def _warn_if_patterns_only(self, request) -> None:
        status = pii_engine_status()
        if status.mode == MODE_PATTERNS_ONLY:
            messages.warning(request, status.message)

    def changelist_view(self, request, extra_context=None):
        self._warn_if_patterns_only(request)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._warn_if_patterns_only(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request) -> bool:
        return not AISettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("This month"))
    def usage_summary(self, obj: AISettings) -> str:
        if not is_configured():
            return str(
                _("No model configured (OPENAI_API_KEY unset): every feature runs in extractive mode.")
            )
        remaining = budget_remaining()
        used = tokens_used_this_month()
        if remaining is None:
            return str(_("%(used)s tokens used, no budget limit.") % {"used": f"{used:,}"})
        return str(
            _("%(used)s tokens used, %(remaining)s left.")
            % {"used": f"{used:,}", "remaining": f"{remaining:,}"}
        )


@admin.register(TokenUsage)
class TokenUsageAdmin(admin.ModelAdmin):
    """The ledger is written by the provider only; admins read it."""

    list_display = ["month", "feature", "prompt_tokens", "completion_tokens", "calls"]
    list_filter = ["feature", "month"]
    date_hierarchy = "month"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-month", "feature")


import ai.admin_interactions  # noqa: E402, F401  (AI interactions, flags, handoff rules, drafts)
import ai.admin_triage  # noqa: E402, F401  (triage admin classes register themselves)
import ai.admin_weekly  # noqa: E402, F401  (weekly report, review queue, rollout, test runs)
