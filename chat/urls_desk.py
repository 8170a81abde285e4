from django.urls import path

from chat import views

app_name = "chat_desk"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:session_id>/", views.conversation, name="conversation"),
    path("<int:session_id>/accept/", views.accept, name="accept"),
    path("<int:session_id>/transfer/", views.transfer, name="transfer"),
    path("<int:session_id>/close/", views.close, name="close"),
    path("<int:session_id>/macro/", views.macro, name="macro"),
]
