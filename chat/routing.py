"""Chat WebSocket routes. Visitors' sockets come from other websites: they are routed outside the
desk's host-origin check and check the widget's own allowed origins instead (config/asgi.py)."""

from django.urls import path

from chat.consumers.agent import AgentChatConsumer, ChatQueueConsumer
from chat.consumers.visitor import VisitorConsumer

visitor_websocket_urlpatterns = [path("ws/chat/<str:key>/", VisitorConsumer.as_asgi())]

agent_websocket_urlpatterns = [
    path("ws/desk/chat/queue/", ChatQueueConsumer.as_asgi()),
    path("ws/desk/chat/<int:session_id>/", AgentChatConsumer.as_asgi()),
]
