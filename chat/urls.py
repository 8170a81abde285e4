from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [path("widget.js", views.widget_js, name="widget_js")]
