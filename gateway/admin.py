"""Read-only admin for the gateway's call records: they are evidence, never edited."""

from django.contrib import admin

from gateway.models import ModelCall


@admin.register(ModelCall)
class ModelCallAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "feature",
        "model",
        "outcome",
        "prompt_tokens",
        "completion_tokens",
        "latency_ms",
    ]
    list_filter = ["kind", "feature", "outcome"]
    search_fields = ["model", "error"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in ModelCall._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
