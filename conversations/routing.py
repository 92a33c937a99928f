from django.urls import path

from conversations.consumers import ChatConsumer, ModerationConsumer

websocket_urlpatterns = [
    path("ws/chat/", ChatConsumer.as_asgi()),
    path("ws/moderation/", ModerationConsumer.as_asgi()),
]
