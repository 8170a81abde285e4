from django.urls import path

from outreach import views

app_name = "outreach"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("notices/", views.notices, name="notices"),
]
