from django.urls import path

from helpdesk import consumers

websocket_urlpatterns = [
    path("ws/desk/inbox/", consumers.InboxConsumer.as_asgi()),
    path("ws/desk/tickets/<int:ticket_id>/", consumers.TicketConsumer.as_asgi()),
]
