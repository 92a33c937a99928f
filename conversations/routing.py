from django.urls import path

from conversations.chat.consumers import ChatConsumer
from conversations.moderation.consumers import ModerationConsumer

websocket_urlpatterns = [
    path("ws/chat/", ChatConsumer.as_asgi()),
    path("ws/moderation/", ModerationConsumer.as_asgi()),
]
