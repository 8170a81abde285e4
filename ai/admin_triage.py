"""Admin for triage: the settings singleton, model versions, labels, results. Topics and routing
rules are helpdesk's (helpdesk/admin.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ai.models import TicketTriage, TriageLabel, TriageModel, TriageSettings
from ai.services.triage import triage_model_activate
from helpdesk.admin_base import SingletonAdminMixin


@admin.register(TriageSettings)
class TriageSettingsAdmin(SingletonAdminMixin, admin.ModelAdmin):
    """A singleton: the one row is edited, never added twice or deleted."""

    fieldsets = [
        (None, {"fields": ["enabled", "confidence_threshold", "languages", "min_labels_to_train"]}),
        (_("Assignment"), {"fields": ["assignment_strategy"]}),
        (_("Urgency"), {"fields": ["urgent_keywords", "high_keywords", "vip_raises_priority"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return not TriageSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TriageModel)
class TriageModelAdmin(admin.ModelAdmin):
    """Versions are written by training; an admin may only switch which one is active."""

    list_display = ["version", "created_at", "n_labels", "n_examples", "is_active", "heldout_accuracy"]
    readonly_fields = ["version", "created_at", "n_labels", "n_examples", "labels", "label_counts", "metrics"]
    exclude = ["weights"]
    actions = ["activate"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("held-out accuracy"))
    def heldout_accuracy(self, obj: TriageModel) -> str:
        value = (obj.metrics or {}).get("heldout_accuracy")
        return f"{value:.1%}" if value is not None else "-"

    @admin.action(description=_("Make the selected version active"))
    def activate(self, request, queryset):
        chosen = queryset.order_by("-version").first()
        if chosen is not None:
            triage_model_activate(model=chosen)
            self.log_change(request, chosen, [{"changed": {"fields": ["is_active"]}}])
            self.message_user(request, _("Version %(version)s is now active.") % {"version": chosen.version})


@admin.register(TriageLabel)
class TriageLabelAdmin(admin.ModelAdmin):
    list_display = ["created_at", "ticket", "topic", "team", "priority", "source", "created_by"]
    list_filter = ["source", "topic"]
    search_fields = ["text"]
    exclude = ["vector"]
    raw_id_fields = ["ticket"]


@admin.register(TicketTriage)
class TicketTriageAdmin(admin.ModelAdmin):
    list_display = ["ticket", "topic", "confidence", "regime", "needs_triage", "urgency", "sentiment",
                    "language", "updated_at"]  # fmt: skip
    list_filter = ["needs_triage", "regime", "topic", "urgency", "sentiment"]
    raw_id_fields = ["ticket"]
    readonly_fields = ["created_at", "updated_at"]

    # Written by triage and by agents' corrections (audited on the ticket); admins read.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
