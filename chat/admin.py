from django.contrib import admin

from chat.models import AgentChatCapacity, ChatSession, ChatWidget, Visitor


@admin.register(ChatWidget)
class ChatWidgetAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "is_active", "ai_first_answer", "team"]
    readonly_fields = ["key", "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "key", "is_active", "team", "allowed_origins"]}),
        ("Look", {"fields": ["colour", "position", "language", "greeting", "offline_text"]}),
        (
            "Visitors",
            {
                "fields": [
                    "ask_name",
                    "email_rule",
                    "identity_secret",
                    "max_message_chars",
                    "allow_attachments",
                    "ai_first_answer",
                    "stream_tokens",
                    "use_business_hours",
                ]
            },  # fmt: skip
        ),
    ]


@admin.register(Visitor)
class VisitorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "widget", "customer", "verified", "last_seen_at"]
    list_filter = ["widget", "verified"]
    readonly_fields = ["widget", "token_hash", "customer", "created_at", "last_seen_at"]


@admin.register(ChatSession)
class ChatSessionAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "widget",
        "visitor",
        "ticket",
        "status",
        "agent",
        "offline",
        "created_at",
        "csat_rating",
    ]
    list_filter = ["status", "widget", "offline"]
    readonly_fields = ["widget", "visitor", "ticket", "status", "agent", "waiting_since", "accepted_at",
                       "closed_at", "csat_rating", "offline", "created_at"]  # fmt: skip

    def has_add_permission(self, request):
        return False


@admin.register(AgentChatCapacity)
class AgentChatCapacityAdmin(admin.ModelAdmin):
    list_display = ["agent", "max_chats"]
