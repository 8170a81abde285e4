"""Admin for AI interactions, agents' flags, handoff rules and drafts (registered from ai/admin.py)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ai.models import AIDraft, AIFlag, AIInteraction, HandoffRule
from ai.services.handoff import handoff_reason_text


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the pipelines only; admins read."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AIFlagInline(admin.TabularInline):
    model = AIFlag
    extra = 0
    fields = ["kind", "agent", "comment", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AIInteraction)
class AIInteractionAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "kind",
        "decision",
        "mode",
        "confidence",
        "ticket",
        "reason_text",
        "latency_ms",
        "flag_count",
    ]
    list_filter = ["kind", "decision", "mode", "created_at"]
    search_fields = ["reason", "redacted_input", "output", "ticket__number"]
    date_hierarchy = "created_at"
    inlines = [AIFlagInline]
    list_select_related = ["ticket"]

    @admin.display(description=_("flags"))
    def flag_count(self, obj: AIInteraction) -> int:
        return obj.flags.count()

    @admin.display(description=_("reason"), ordering="reason")
    def reason_text(self, obj: AIInteraction) -> str:
        """The stored reason ("low_confidence 0.38 < 0.89") in words; the raw value is on the detail page."""
        return handoff_reason_text(obj.reason) if obj.reason else "-"


@admin.register(AIFlag)
class AIFlagAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "agent", "message", "short_comment"]
    list_filter = ["kind", "created_at"]
    search_fields = ["comment", "message__body_text"]
    readonly_fields = ["interaction", "message", "agent", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("comment"))
    def short_comment(self, obj: AIFlag) -> str:
        return obj.comment[:80]


@admin.register(HandoffRule)
class HandoffRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "kind", "is_active", "target_team"]
    list_display_links = ["name"]
    list_editable = ["position", "is_active"]
    list_filter = ["kind", "is_active"]
    ordering = ["position", "id"]


@admin.register(AIDraft)
class AIDraftAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "ticket", "variant", "mode", "agent", "edit_similarity"]
    list_filter = ["mode", "variant", "created_at"]
    date_hierarchy = "created_at"
