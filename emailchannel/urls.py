from django.urls import path

from emailchannel import views

app_name = "emailchannel"

urlpatterns = [
    path("quarantine/", views.quarantine, name="quarantine"),
    path("inbound/<int:inbound_id>/raw/", views.raw_download, name="raw"),
    path("inbound/<int:inbound_id>/<slug:action>/", views.quarantine_action, name="quarantine_action"),
    path("tickets/<int:ticket_id>/", views.ticket_panel, name="ticket_panel"),
    path("tickets/<int:ticket_id>/cc/", views.ticket_cc, name="ticket_cc"),
]
