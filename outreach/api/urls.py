from django.urls import path

from outreach.api import views

app_name = "outreach_api"

urlpatterns = [
    path("", views.EventReceive.as_view(), name="events"),
]
