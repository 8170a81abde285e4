from django.urls import path

from ai.views import triage

app_name = "ai"

urlpatterns = [
    path("tickets/<int:ticket_id>/triage/", triage.triage_panel, name="triage_panel"),
    path("tickets/<int:ticket_id>/triage/correct/", triage.triage_correction, name="triage_correct"),
]
