from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("widget.js", views.widget_js, name="widget_js"),
    path("demo/", views.demo, name="demo"),
    path("<str:key>/upload/", views.upload, name="upload"),
]
