from django.urls import path

from outreach import views

app_name = "outreach_desk"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("batches/<int:batch_id>/<slug:decision>/", views.batch_decide, name="batch_decide"),
    path("incidents/<int:incident_id>/close/", views.incident_close_view, name="incident_close"),
]
