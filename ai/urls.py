from django.urls import path

from ai.views import drafts, flags, triage

app_name = "ai"

urlpatterns = [
    path("tickets/<int:ticket_id>/triage/", triage.triage_panel, name="triage_panel"),
    path("tickets/<int:ticket_id>/triage/correct/", triage.triage_correction, name="triage_correct"),
    path("tickets/<int:ticket_id>/assistant/", drafts.ai_panel, name="ai_panel"),
    path("tickets/<int:ticket_id>/drafts/", drafts.draft_regenerate, name="draft_regenerate"),
    path("tickets/<int:ticket_id>/drafts/<int:draft_id>/use/", drafts.draft_use, name="draft_use"),
    path("tickets/<int:ticket_id>/messages/<int:message_id>/flag/", flags.message_flag, name="message_flag"),
]
