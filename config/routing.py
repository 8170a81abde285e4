from django.urls import path

from chat.routing import agent_websocket_urlpatterns, visitor_websocket_urlpatterns
from helpdesk import consumers

websocket_urlpatterns = [
    path("ws/desk/inbox/", consumers.InboxConsumer.as_asgi()),
    path("ws/desk/tickets/<int:ticket_id>/", consumers.TicketConsumer.as_asgi()),
    *agent_websocket_urlpatterns,
]

# Sockets opened from other websites (the chat widget): no session, no host-origin check; each
# consumer checks its own allowed origins.
public_websocket_urlpatterns = [*visitor_websocket_urlpatterns]
