from django.urls import path

from ai.views import drafts, flags, insights, metrics, review, testruns, triage

app_name = "ai"

urlpatterns = [
    path("tickets/<int:ticket_id>/triage/", triage.triage_panel, name="triage_panel"),
    path("tickets/<int:ticket_id>/triage/correct/", triage.triage_correction, name="triage_correct"),
    path("tickets/<int:ticket_id>/assistant/", drafts.ai_panel, name="ai_panel"),
    path("tickets/<int:ticket_id>/drafts/", drafts.draft_regenerate, name="draft_regenerate"),
    path("tickets/<int:ticket_id>/drafts/<int:draft_id>/use/", drafts.draft_use, name="draft_use"),
    path("tickets/<int:ticket_id>/messages/<int:message_id>/flag/", flags.message_flag, name="message_flag"),
    path("review/", review.queue, name="review_queue"),
    path("review/<int:item_id>/", review.grade, name="review_grade"),
    path("test-runs/", testruns.run_list, name="testrun_list"),
    path("test-runs/new/", testruns.run_create, name="testrun_create"),
    path("test-runs/<int:run_id>/", testruns.run_detail, name="testrun_detail"),
    path("test-runs/<int:run_id>/repeat/", testruns.run_repeat, name="testrun_repeat"),
    path("test-runs/<int:run_id>/items/<int:item_id>/grade/", testruns.item_grade, name="testrun_item_grade"),
    path("metrics/", metrics.ai_metrics_page, name="metrics"),
    path("insights/", insights.insights_page, name="insights"),
    path("insights/themes/<int:theme_id>/", insights.theme_detail, name="insights_theme"),
    path("insights/themes/<int:theme_id>/edit/", insights.theme_edit, name="insights_theme_edit"),
    path("insights/gaps/", insights.gap_list, name="insights_gaps"),
    path("insights/gaps/<int:gap_id>/", insights.gap_detail, name="insights_gap"),
    path("insights/gaps/<int:gap_id>/draft/", insights.gap_draft, name="insights_gap_draft"),
]
